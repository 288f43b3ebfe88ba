"""Writes for the support payments: one function per use case, one transaction each."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .models import PaymentSchedule


def record_schedule_use(*, version: str, now: datetime) -> PaymentSchedule:
    """A decision used this schedule: from now on it is frozen and cannot be deleted.

    The decision services call this in their own transaction; the save enters the audit trail.
    """
    with transaction.atomic():
        schedule = PaymentSchedule.objects.select_for_update().get(version=version)
        schedule.first_used_at = schedule.first_used_at or now
        schedule.last_used_at = now
        schedule.save(update_fields=["first_used_at", "last_used_at"])
    return schedule
