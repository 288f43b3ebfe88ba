"""Incidents for tests, made through the services as members make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from medcyber.incidents import services
from medcyber.incidents.models import Incident


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def incident(facility: Any, by: Any = None, **facts: Any) -> Incident:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "電子カルテがランサムウェアで暗号化",
        "kind": "ransomware",
        "occurred_at": at(today - dt.timedelta(days=3), 2),
        "discovered_at": at(today - dt.timedelta(days=3), 8),
        "systems_affected": "電子カルテ、レセコン",
        "persons_affected": 1200,
        "data_items": "氏名、生年月日、診療録",
        "sensitive_data": True,
    }
    values.update(facts)
    created, _changes = services.create_incident(by=by, facility=facility, **values)
    return created
