"""Background tasks of the claims: the letters by e-mail (PAY-5)."""

from __future__ import annotations

from django_tasks import task

from . import letters
from .models import Claim


@task()
def send_letter(claim_id: int, which: str) -> int:
    """E-mail one letter with its PDF; returns the messages sent."""
    claim = Claim.unscoped.select_related("facility", "transfer__batch").get(pk=claim_id)
    return letters.send(claim, which)
