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
