"""Ask clamd whether bytes carry malware, with its INSTREAM command.

The protocol is small enough to speak directly (the PyPI ``clamd`` client was last released
in 2014): ``zINSTREAM\\0``, then chunks of a 4-byte big-endian length and the data, a
zero-length chunk, and one NUL-terminated reply: ``stream: OK``, ``stream: <name> FOUND`` or
``… ERROR``.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 60.0


class ClamdUnavailable(Exception):
    """clamd did not answer, or answered with an error instead of a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""


def _connect() -> socket.socket:
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(settings.CLAMD_SOCKET)
        return sock
    return socket.create_connection(
        (settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=TIMEOUT_SECONDS
    )


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def parse_reply(reply: str) -> Verdict:
    if reply.endswith(" FOUND"):
        name = reply.removesuffix(" FOUND")
        return Verdict(clean=False, signature=name.split(": ", 1)[-1].strip())
    if reply.endswith(": OK"):
        return Verdict(clean=True)
    raise ClamdUnavailable(f"clamd answered {reply!r}")


def scan_bytes(data: bytes) -> Verdict:
    """The verdict on ``data``; :class:`ClamdUnavailable` when there is none to be had."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = data[start : start + CHUNK_BYTES]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _read_reply(sock)
    except OSError as error:
        raise ClamdUnavailable(str(error)) from error
    return parse_reply(reply)


def ping() -> bool:
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except OSError:
        return False
