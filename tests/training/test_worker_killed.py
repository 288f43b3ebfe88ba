"""A sending process killed with SIGKILL in the middle of a campaign: when the next one runs,
every recipient has received the mail at most once, and all but the one being handed over at
the kill have received it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


class _SlowSink:
    """A real SMTP server that takes a while over each message, so a kill lands mid-campaign."""

    def __init__(self) -> None:
        self.received: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.extend(envelope.rcpt_tos)  # the whole message is in: delivered
        await asyncio.sleep(0.4)
        return "250 OK"


def _medcyber(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medcyber.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_a_killed_sender_never_sends_a_mail_twice(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")
    }
    env |= {
        "MEDCYBER_DATA_DIR": str(tmp_path),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    try:
        assert _medcyber(["migrate", "-v0"], env).returncode == 0
        assert _medcyber(["createcachetable"], env).returncode == 0  # as `make run` does
        demo = _medcyber(["demo"], env)
        assert demo.returncode == 0, demo.stderr
        sender = subprocess.Popen(
            [sys.executable, "-m", "medcyber.cli", "training", "send", "--campaign", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(sink.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()
        delivered_before = len(sink.received)
        assert 2 <= delivered_before < 6, "the kill should land mid-campaign"

        # the dead worker's leases run out (as they do five minutes after the kill)
        expire = _medcyber(
            [
                "shell",
                "-c",
                "from django.utils import timezone\n"
                "from medcyber.training.models import Message\n"
                "Message.unscoped.exclude(lease_until=None).update(lease_until=timezone.now())",
            ],
            env,
        )
        assert expire.returncode == 0, expire.stderr
        again = _medcyber(["training", "send", "--campaign", "1"], env)
        assert again.returncode == 0, again.stderr
        states = _medcyber(
            [
                "shell",
                "-c",
                "from medcyber.training.models import Message\n"
                "print('STATES=' + ','.join(sorted(Message.unscoped.values_list('state', "
                "flat=True))))",
            ],
            env,
        )
    finally:
        controller.stop()
    assert len(sink.received) == len(set(sink.received)), "a recipient got the mail twice"
    found = states.stdout.rsplit("STATES=", 1)[-1].strip().split(",")
    assert found.count("uncertain") <= 1
    assert found.count("sent") + found.count("uncertain") == 6
    assert len(sink.received) >= 5
