"""Production settings: every deploy check passes, unsafe defaults are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _medcyber(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    dropped = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base["MEDCYBER_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "medcyber.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_passes_every_deploy_check(tmp_path: Path) -> None:
    result = _medcyber(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "MEDCYBER_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
            "ALLOWED_HOSTS": "cyber.example.jp",
            "MEDCYBER_FILE_KEYS": "MILep9CpSwEPxPOjyi0rE8DPU8jledOIKTzJlSSWXho=",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _medcyber(["check"], {"MEDCYBER_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_local_run_generates_and_keeps_its_secret_key(tmp_path: Path) -> None:
    assert _medcyber(["check"], {}, tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert _medcyber(["check"], {}, tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
