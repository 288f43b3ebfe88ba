from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> Iterator[None]:
    # Argon2 is the production hasher (tests/accounts/test_passwords.py checks it); the suite
    # uses a fast one so hundreds of sign-ins stay quick. The cache (rate limits, lockouts) is
    # emptied around every test so one test's failed sign-ins never lock out the next.
    from django.core.cache import cache
    from django.utils import translation

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from medcyber.core.models import ProgrammeContact
    from medcyber.portal.services import STATE_MEMO

    cache.clear()
    ProgrammeContact.forget_memo()
    STATE_MEMO.clear()
    translation.activate("ja")  # a request in English must not leak into the next test
    yield
    cache.clear()
    ProgrammeContact.forget_memo()
    STATE_MEMO.clear()


class _Inbox:
    """Messages a real SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[_Inbox]:
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()
