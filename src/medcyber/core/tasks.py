"""Background tasks of the core app."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from . import audit

logger = logging.getLogger(__name__)


@task()
def verify_audit_chain() -> dict[str, Any]:
    """Check the audit chain (schedule it nightly); a broken link is logged as an error."""
    result = audit.verify()
    if not result.ok:
        logger.error("audit trail broken at event #%s: %s", result.broken_seq, result.reason)
    return {
        "ok": result.ok,
        "checked": result.checked,
        "broken_seq": result.broken_seq,
        "reason": result.reason,
    }
