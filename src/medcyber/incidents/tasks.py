"""Background tasks of incidents: the daily reminder e-mails."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import reminders


@task()
def send_obligation_reminders() -> int:
    """E-mail each facility whose reports are overdue or due soon; returns e-mails sent.

    Enqueue it daily (``medcyber incidents remind``, e.g. from cron); a second run on the same
    day sends nothing new.
    """
    return reminders.send_due_reminders(today=timezone.localdate())
