"""Encryption at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the keys in
``MEDCYBER_FILE_KEYS``, newest first. The newest key encrypts; any listed key decrypts, so a
new key can be put in front, the files re-encrypted (``medcyber documents rotate-keys``), and
the old key dropped afterwards."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_current", "rotate"]


def _fernets() -> list[Fernet]:
    keys = list(settings.MEDCYBER_FILE_KEYS)
    if not keys:
        raise ImproperlyConfigured("MEDCYBER_FILE_KEYS names no key")
    return [Fernet(key) for key in keys]


def encrypt(data: bytes) -> bytes:
    return _fernets()[0].encrypt(data)


def decrypt(token: bytes) -> bytes:
    return MultiFernet(_fernets()).decrypt(token)


def is_current(token: bytes) -> bool:
    """Whether the newest key already opens this token."""
    try:
        _fernets()[0].decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate(token: bytes) -> bytes:
    return MultiFernet(_fernets()).rotate(token)
