"""Reads for the support payments. Schedules hold no facility data: no scoping needed."""

from __future__ import annotations

from . import rules
from .models import PaymentSchedule


def schedules() -> list[rules.Schedule]:
    """Every payment schedule, as the rules engine takes them."""
    return [row.to_rule() for row in PaymentSchedule.objects.all()]
