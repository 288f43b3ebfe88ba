"""A real clamd for the documents tests, with a one-line signature database (EICAR)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

# The EICAR anti-virus test file: harmless, detected by every scanner (split so that this
# source file itself is not flagged).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature.UNOFFICIAL"
START_SECONDS = 60.0


@dataclass(frozen=True)
class Clamd:
    socket_path: str
    log: Path


def _answers_ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(path)
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


def _missing_clamav(what: str) -> NoReturn:
    message = f"{what}: install Debian's clamav-daemon (apt-get install clamav-daemon)"
    if os.environ.get("MEDCYBER_REQUIRE_CLAMAV") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def clamd_server() -> Iterator[Clamd]:
    """clamd in the foreground on a private Unix socket, no TCP, stopped after the session."""
    clamd = shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.path.exists(p)), None
    )
    sigtool = shutil.which("sigtool")
    if clamd is None or sigtool is None:
        _missing_clamav("clamd or sigtool not found")
    # Under /tmp with a short name: a Unix socket path is limited to 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="clamd-"))
    (root / "db").mkdir()
    sample = root / "Eicar-Test-Signature"  # sigtool names the signature after the file
    sample.write_bytes(EICAR)
    signature = subprocess.run(
        [sigtool, "--md5", str(sample)], check=True, capture_output=True, text=True
    ).stdout
    (root / "db" / "test.hdb").write_text(signature)
    socket_path = str(root / "clamd.sock")
    log = root / "clamd.log"
    (root / "clamd.conf").write_text(
        f"DatabaseDirectory {root / 'db'}\n"
        f"LocalSocket {socket_path}\n"
        f"TemporaryDirectory {root}\n"
        f"LogFile {log}\n"
        "Foreground yes\n"
    )
    process = subprocess.Popen(
        [clamd, "--config-file", str(root / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers_ping(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                pytest.fail(f"clamd did not start (exit {process.poll()}):\n{tail}")
            time.sleep(0.2)
        yield Clamd(socket_path=socket_path, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def clamd(clamd_server: Clamd, settings: Any) -> Clamd:
    """Point the project at the test clamd for one test."""
    settings.CLAMD_SOCKET = clamd_server.socket_path
    return clamd_server


@pytest.fixture
def document_storage(tmp_path: Path, settings: Any) -> Path:
    """Documents stored in a private folder, with one fresh file key."""
    from cryptography.fernet import Fernet

    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.MEDCYBER_FILE_KEYS = [Fernet.generate_key().decode()]
    return tmp_path / "files"
