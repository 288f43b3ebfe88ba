"""Background tasks of the guideline app."""

from __future__ import annotations

from django_tasks import task

from . import tallies


@task()
def refresh_overview_counts(version_id: int) -> int:
    """Rebuild one checklist version's counts for the association overview."""
    return tallies.refresh(version_id)
