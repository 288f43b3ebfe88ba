"""The association's side of the Zengin transfers, from the settings (PAY-4)."""

from __future__ import annotations

from django.conf import settings

from .zengin import Requester


def requester() -> Requester:
    return Requester(**settings.ZENGIN_REQUESTER)


def record_separator() -> bytes:
    return bytes(settings.ZENGIN_RECORD_SEPARATOR)
