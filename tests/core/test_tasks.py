"""Background tasks run on the database queue (make run) and on Redis (TASKS_BACKEND=rq)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from medcyber.core.tasks import verify_audit_chain
from tests import factories

REDIS = ("127.0.0.1", 6379)


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_database_worker_runs_a_task(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.FacilityFactory()
    result = verify_audit_chain.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["ok"] is True
    assert result.return_value["checked"] >= 1


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def _medcyber(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "medcyber.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_redis_carries_the_cache_the_sessions_and_the_task_queue(tmp_path: Path) -> None:
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379 (the services of this machine kind include one)")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env |= {
        "MEDCYBER_DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "TASKS_BACKEND": "rq",
    }
    assert _medcyber(["migrate", "-v0"], env).returncode == 0
    enqueue = _medcyber(
        [
            "shell",
            "-c",
            "from django.conf import settings; from django.core.cache import cache\n"
            "cache.set('medcyber-test', 'ok', 30); assert cache.get('medcyber-test') == 'ok'\n"
            "assert settings.SESSION_ENGINE.endswith('cached_db')\n"
            "from medcyber.core.tasks import verify_audit_chain\n"
            "print('TASK=' + verify_audit_chain.enqueue().id)",
        ],
        env,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    task_id = enqueue.stdout.strip().rsplit("TASK=", 1)[-1]
    work = _medcyber(["rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"], env)
    assert work.returncode == 0, work.stderr
    check = _medcyber(
        [
            "shell",
            "-c",
            "from medcyber.core.tasks import verify_audit_chain\n"
            f"r = verify_audit_chain.get_result({task_id!r})\n"
            "print('STATUS=' + r.status, r.return_value)",
        ],
        env,
    )
    assert check.returncode == 0, check.stderr
    assert "STATUS=SUCCESSFUL" in check.stdout
    assert "'ok': True" in check.stdout
