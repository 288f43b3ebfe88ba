"""Recording what a recipient did with a training mail (TRAIN-1): opened, clicked, submitted,
reported. Only the fact and the time are kept — never anything the person typed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
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
    """The pixel's hit, kept cheap for bursts: one short read, one insert, and an update only
    the first time. False when the token is unknown."""
    if not token or len(token) > 64:
        return False
    now = now or timezone.now()
    row = Message.unscoped.filter(token=token).values_list("pk", "opened_at").first()
    if row is None:
        return False
    pk, opened_at = row
    with transaction.atomic():
        TrackingEvent.objects.create(message_id=pk, kind=TrackingKind.OPENED, at=now)
        if opened_at is None:
            Message.unscoped.filter(pk=pk, opened_at__isnull=True).update(opened_at=now)
    return True


def record_hit(message: Message, kind: str, now: dt.datetime | None = None) -> None:
    """One durable row per hit, and the first time of each step on the message."""
    now = now or timezone.now()
    with transaction.atomic():
        TrackingEvent.objects.create(message=message, kind=kind, at=now)
        for field in IMPLIES[TrackingKind(kind)]:
            Message.unscoped.filter(pk=message.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
        if kind == TrackingKind.SUBMITTED:
            Message.unscoped.filter(pk=message.pk).update(submit_count=F("submit_count") + 1)
