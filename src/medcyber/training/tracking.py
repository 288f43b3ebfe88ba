"""Recording what a recipient did with a training mail (TRAIN-1): opened, clicked, submitted,
reported. Only the fact and the time are kept — never anything the person typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Message, TrackingEvent, TrackingKind

#: Each kind also implies the earlier steps of the funnel (a click means the mail was opened,
#: even when the image was blocked).
IMPLIES = {
    TrackingKind.OPENED: ("opened_at",),
    TrackingKind.CLICKED: ("opened_at", "clicked_at"),
    TrackingKind.SUBMITTED: ("opened_at", "clicked_at", "submitted_at"),
    TrackingKind.REPORTED: ("reported_at",),
}


def message_for_token(token: str) -> Message | None:
    if not token or len(token) > 64:
        return None
    return (
        Message.unscoped.filter(token=token)
        .select_related("campaign__template", "campaign__facility", "recipient")
        .first()
    )


def record_open(token: str, now: dt.datetime | None = None) -> bool:
    """The pixel's hit, kept lean for bursts: on PostgreSQL one statement in autocommit (find
    the message, insert the event, set the first-open time only if unset) — one round trip and
    one durable commit per hit. False when the token is unknown."""
    if not token or len(token) > 64:
        return False
    now = now or timezone.now()
    events, messages = TrackingEvent._meta.db_table, Message._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS (SELECT id FROM {messages} WHERE token = %s), "  # noqa: S608 - names from _meta
                f"u AS (UPDATE {messages} SET opened_at = %s "
                "WHERE id IN (SELECT id FROM m) AND opened_at IS NULL) "
                f"INSERT INTO {events} (message_id, kind, at) SELECT id, %s, %s FROM m",
                [token, now, TrackingKind.OPENED.value, now],
            )
            return cursor.rowcount > 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {events} (message_id, kind, at) "  # noqa: S608 - names from _meta
            f"SELECT id, %s, %s FROM {messages} WHERE token = %s",
            [TrackingKind.OPENED.value, now, token],
        )
        if cursor.rowcount <= 0:
            return False
        cursor.execute(
            f"UPDATE {messages} SET opened_at = %s WHERE token = %s AND opened_at IS NULL",  # noqa: S608
            [now, token],
        )
    return True


def record_hit(message: Message, kind: str, now: dt.datetime | None = None) -> None:
    """One durable row per hit, and the first time of each step on the message (one UPDATE:
    a time already set is kept)."""
    now = now or timezone.now()
    fields = IMPLIES[TrackingKind(kind)]
    changes: dict[str, Any] = {
        field: Coalesce(F(field), Value(now, output_field=DateTimeField())) for field in fields
    }
    if kind == TrackingKind.SUBMITTED:
        changes["submit_count"] = F("submit_count") + 1
    with transaction.atomic():
        TrackingEvent.objects.create(message=message, kind=kind, at=now)
        Message.unscoped.filter(pk=message.pk).update(**changes)
