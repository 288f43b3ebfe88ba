"""The rendered rows of the operators' queues, shared between operators for up to a minute.

Every operator's screen reloads its queue each minute, all day, and every operator of a
tier sees the same rows. A page of rows is rendered once per minute and per change: the
cache key holds a generation that every saved case moves on (at once, and again when the
transaction commits, so a page rendered from uncommitted data is not kept), and the current
minute, so SLA states ("due soon", "breached") are never more than a minute old — the same
as the screen's own refresh. Who saw which cases is still written to the audit trail on
every request (ADM-3).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

GENERATION_KEY = "desk:queue:generation"
#: Long enough to outlive its minute; the key changes with the minute anyway.
TIMEOUT_SECONDS = 120


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted: any new value makes new keys
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), None)


def case_changed() -> None:
    """A case was saved: queues rendered before now are not used again."""
    _bump()
    transaction.on_commit(_bump)


def key(*, tier: int, user_pk: int | None, query: str) -> str:
    """The cache key of one queue page for this minute, language and query string
    (``user_pk`` only for "my cases", whose rows differ per operator)."""
    generation = cache.get(GENERATION_KEY, 0)
    minute = timezone.now().strftime("%Y%m%d%H%M")
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    language = translation.get_language() or ""
    return f"desk:queue:{generation}:{minute}:{language}:{tier}:{user_pk or 0}:{digest}"


def get(cache_key: str) -> dict[str, Any] | None:
    found = cache.get(cache_key)
    return found if isinstance(found, dict) else None


def put(cache_key: str, value: dict[str, Any]) -> None:
    cache.set(cache_key, value, TIMEOUT_SECONDS)
