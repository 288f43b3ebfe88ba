"""Background tasks of the guideline app."""

from __future__ import annotations

from django_tasks import task

from . import tallies


@task()
def refresh_overview_counts(version_id: int) -> int:
    """Rebuild one checklist version's counts for the association overview."""
    return tallies.refresh(version_id)


@task()
def send_vendor_link(request_id: int, sealed_token: str) -> bool:
    """E-mail a vendor the link to their part of a facility's checklist (in Japanese)."""
    from django.utils import timezone

    from .vendor_mail import send_vendor_link as send

    return send(request_id, sealed_token, now=timezone.now())
