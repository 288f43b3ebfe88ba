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

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from medcyber.core.models import ProgrammeContact

    cache.clear()
    ProgrammeContact.forget_memo()
    yield
    cache.clear()
    ProgrammeContact.forget_memo()
