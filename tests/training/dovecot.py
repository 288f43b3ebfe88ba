"""A real IMAP server for the report-mailbox tests: Debian's dovecot, started unprivileged in a
temporary folder (its own port on 127.0.0.1, users from a passwd-file, maildir in the folder)."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "report@training.invalid", "report-mailbox-password"


@dataclass
class Dovecot:
    port: int
    user: str
    password: str

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a mail in the mailbox as the mail server would (IMAP APPEND)."""
        client = self.client()
        try:
            status, data = client.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.client()
        try:
            status, data = client.select(f'"{folder}"', readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.client()
        try:
            for folder in ("INBOX", "Processed", "Unmatched"):
                status, data = client.select(f'"{folder}"')
                if status != "OK" or int(data[0]) == 0:
                    continue
                client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()
        finally:
            client.logout()


def _missing(what: str) -> NoReturn:
    message = f"{what}: install Debian's dovecot-imapd (apt-get install dovecot-imapd)"
    if os.environ.get("MEDCYBER_REQUIRE_DOVECOT") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(root: Path, port: int) -> str:
    if os.getuid() == 0:  # dovecot's login and mail processes must not run as root
        login, internal, group = "dovenull", "dovecot", "dovecot"
    else:
        import grp
        import pwd

        login = internal = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
service submission-login {{
  chroot =
}}
"""


def start_dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        _missing("dovecot is not installed")
    root = Path(tempfile.mkdtemp(prefix="medcyber-dovecot-"))
    root.chmod(0o755)  # the mail user reaches its maildir through it
    uid, gid = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
    home = root / "mail"
    home.mkdir()
    if os.getuid() == 0:
        os.chown(home, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}\n")
    port = _free_port()
    (root / "dovecot.conf").write_text(_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot(port, USER, PASSWORD)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                server.client().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (root / "dovecot.log").read_text()
                        if (root / "dovecot.log").exists()
                        else ""
                    )
                    pytest.fail(f"dovecot did not start: {log[-1000:]}")
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
