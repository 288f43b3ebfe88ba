"""Background tasks of the training service: the sending loop of the task workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import sending

#: A worker re-checks at least this often while campaigns are running.
POLL = dt.timedelta(minutes=1)


@task()
def send_due_messages() -> dict[str, Any]:
    """Send what is due now, then queue the next run for the next due message."""
    counts = sending.send_due()
    upcoming = sending.next_due()
    if upcoming is not None:
        run_after = max(upcoming, timezone.now() + dt.timedelta(seconds=5))
        run_after = min(run_after, timezone.now() + POLL)
        if send_due_messages.get_backend().supports_defer:
            send_due_messages.using(run_after=run_after).enqueue()
    return {"sent": counts.sent, "retried": counts.retried, "failed": counts.failed}


#: Reports are read while campaigns are running and this long after they finished.
REPORTS_FOLLOW_UP = dt.timedelta(days=30)


@task()
def read_report_mailbox() -> dict[str, Any]:
    """Read the report mailbox, then look again later while recent campaigns may be reported."""
    from django.conf import settings

    from . import reports
    from .models import Campaign, CampaignState

    counts = reports.read_mailbox()
    recent = (
        Campaign.unscoped.filter(state__in=[CampaignState.SENDING, CampaignState.PAUSED]).exists()
        or Campaign.unscoped.filter(
            state=CampaignState.FINISHED, finished_at__gte=timezone.now() - REPORTS_FOLLOW_UP
        ).exists()
    )
    if recent:
        schedule_report_reading(getattr(settings, "TRAINING_REPORT_POLL_SECONDS", 300))
    return reports.summary(counts)


def schedule_report_reading(delay_seconds: int = 0) -> bool:
    """Queue one reading of the report mailbox, unless one is already queued (a short-lived
    cache key stands for the queued run, so campaigns starting together make one chain)."""
    from django.conf import settings
    from django.core.cache import cache

    from .reports import MailboxSettings

    if not MailboxSettings.from_settings().configured:
        return False
    poll = int(getattr(settings, "TRAINING_REPORT_POLL_SECONDS", 300))
    if not cache.add("training:report-reading-queued", 1, timeout=max(1, poll - 5)):
        return False
    task = read_report_mailbox
    if delay_seconds and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay_seconds))
    task.enqueue()
    return True
