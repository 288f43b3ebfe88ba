from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_audit_events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The audit trail filtered for the staff search page, newest first."""
    events = AuditEvent.objects.order_by("-seq")
    if q := filters.get("q"):
        events = events.filter(
            Q(actor_label__icontains=q) | Q(action__icontains=q) | Q(object_repr__icontains=q)
        )
    if kind := filters.get("kind"):
        events = events.filter(kind=kind)
    if object_type := filters.get("object_type"):
        events = events.filter(object_type=object_type)
    if object_id := filters.get("object_id"):
        events = events.filter(object_id=object_id)
    if facility_id := filters.get("facility_id"):
        events = events.filter(facility_id=facility_id)
    if date_from := filters.get("date_from"):
        events = events.filter(occurred_at__gte=_day_start(date_from))
    if date_to := filters.get("date_to"):
        events = events.filter(occurred_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return events
