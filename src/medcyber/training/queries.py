"""Reads of the training service, always scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from medcyber.registry.models import Facility

from . import rules
from .access import training_facility_ids
from .models import (
    ApprovedAddress,
    Campaign,
    MailTemplate,
    Message,
    MessageState,
    RecipientGroup,
    TrackingEvent,
    VerifiedDomain,
)


def facilities_for(user: Any) -> QuerySet[Facility]:
    ids = training_facility_ids(user)
    qs = Facility.unscoped.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(user)
        .select_related("facility", "template", "group")
        .annotate(recipients=Count("messages"))
        .order_by("-created_at")
    )


def campaign_for(user: Any, pk: int) -> Campaign:
    return (
        Campaign.objects.visible_to(user).select_related("facility", "template", "group").get(pk=pk)
    )


def groups_for(user: Any) -> QuerySet[RecipientGroup]:
    return (
        RecipientGroup.objects.visible_to(user)
        .select_related("facility")
        .annotate(size=Count("recipients"))
        .order_by("facility__name_kana", "name")
    )


def group_for(user: Any, pk: int) -> RecipientGroup:
    return RecipientGroup.objects.visible_to(user).select_related("facility").get(pk=pk)


def domains_for(user: Any) -> QuerySet[VerifiedDomain]:
    return VerifiedDomain.objects.visible_to(user).select_related("facility").order_by("domain")


def approved_addresses_for(user: Any) -> QuerySet[ApprovedAddress]:
    return ApprovedAddress.objects.visible_to(user).select_related("facility").order_by("email")


def templates_for(user: Any) -> QuerySet[MailTemplate]:
    """The programme's library and the user's facilities' own templates."""
    ids = training_facility_ids(user)
    qs = MailTemplate.unscoped.all()
    if ids is not None:
        qs = qs.filter(Q(facility__isnull=True) | Q(facility__in=ids))
    return qs.select_related("facility").order_by("difficulty", "name")


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BreakdownRow:
    label: str
    funnel: rules.Funnel


@dataclass(frozen=True)
class CampaignResults:
    funnel: rules.Funnel
    pending: int
    failed: int
    uncertain: int
    by_department: list[BreakdownRow]
    by_job_type: list[BreakdownRow]
    timeline: list[tuple[dt.datetime, dict[str, int]]]
    first_report_minutes: int | None
    median_click_minutes: int | None


def _funnel(messages: QuerySet[Message]) -> rules.Funnel:
    counts = messages.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        reported=Count("pk", filter=Q(reported_at__isnull=False)),
    )
    return rules.Funnel(**counts)


def _breakdown(messages: QuerySet[Message], field: str) -> list[BreakdownRow]:
    rows = (
        messages.values(f"recipient__{field}")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            reported=Count("pk", filter=Q(reported_at__isnull=False)),
        )
        .order_by(f"recipient__{field}")
    )
    return [
        BreakdownRow(
            row[f"recipient__{field}"] or "—",
            rules.Funnel(
                row["sent"], row["opened"], row["clicked"], row["submitted"], row["reported"]
            ),
        )
        for row in rows
    ]


def campaign_results(campaign: Campaign) -> CampaignResults:
    """The numbers of one campaign (the caller has already scoped the campaign)."""
    messages = Message.unscoped.filter(campaign=campaign)
    states = Counter(dict(messages.values_list("state").annotate(n=Count("pk")).order_by()))
    hours: dict[dt.datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    events = (
        TrackingEvent.objects.filter(message__campaign=campaign)
        .annotate(hour=TruncHour("at", tzinfo=timezone.get_current_timezone()))
        .values("hour", "kind")
        .annotate(n=Count("pk"))
        .order_by("hour")
    )
    for row in events:
        hours[row["hour"]][row["kind"]] += row["n"]
    timing = messages.filter(sent_at__isnull=False)
    first_report = timing.filter(reported_at__isnull=False).order_by("reported_at").first()
    click_deltas = [
        clicked - sent
        for sent, clicked in timing.filter(clicked_at__isnull=False).values_list(
            "sent_at", "clicked_at"
        )
    ]
    start = campaign.approved_at or campaign.window_start
    return CampaignResults(
        funnel=_funnel(messages),
        pending=states[MessageState.QUEUED]
        + states[MessageState.CLAIMED]
        + states[MessageState.SENDING],
        failed=states[MessageState.FAILED],
        uncertain=states[MessageState.UNCERTAIN],
        by_department=_breakdown(messages, "department"),
        by_job_type=_breakdown(messages, "job_type"),
        timeline=[(hour, dict(kinds)) for hour, kinds in sorted(hours.items())],
        first_report_minutes=(
            int((first_report.reported_at - max(start, first_report.sent_at)).total_seconds() // 60)
            if first_report and first_report.reported_at and first_report.sent_at
            else None
        ),
        median_click_minutes=rules.median_minutes(click_deltas),
    )


#: The programme-wide average is shown only once it mixes this many facilities: with two or
#: three, a facility could work out another one's figures from it.
AVERAGE_MIN_FACILITIES = 5


def programme_average() -> rules.Funnel | None:
    """Every facility's campaigns together, or None while too few facilities took part."""
    sent = Message.unscoped.filter(sent_at__isnull=False)
    facilities = sent.values("campaign__facility").distinct().count()
    if facilities < AVERAGE_MIN_FACILITIES:
        return None
    return _funnel(Message.unscoped.all())


@dataclass(frozen=True)
class HistoryRow:
    campaign: Campaign
    funnel: rules.Funnel


def facility_history(campaign: Campaign) -> list[HistoryRow]:
    """The facility's approved campaigns over time, each with its funnel (TRAIN-3)."""
    campaigns = list(
        Campaign.unscoped.filter(
            facility_id=campaign.facility_id, approved_at__isnull=False
        ).order_by("window_start")
    )
    counts = {
        row["campaign"]: rules.Funnel(
            row["sent"], row["opened"], row["clicked"], row["submitted"], row["reported"]
        )
        for row in Message.unscoped.filter(campaign__in=campaigns)
        .values("campaign")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            reported=Count("pk", filter=Q(reported_at__isnull=False)),
        )
        .order_by()
    }
    empty = rules.Funnel(0, 0, 0, 0, 0)
    return [HistoryRow(c, counts.get(c.pk, empty)) for c in campaigns]


def repeat_clickers(campaign: Campaign) -> int:
    """People who opened this campaign's link and had opened one in an earlier campaign of the
    same facility (matched by address)."""
    clicked_now = Message.unscoped.filter(campaign=campaign, clicked_at__isnull=False).values(
        "recipient__email"
    )
    return (
        Message.unscoped.filter(
            campaign__facility_id=campaign.facility_id,
            campaign__window_start__lt=campaign.window_start,
            clicked_at__isnull=False,
            recipient__email__in=clicked_now,
        )
        .exclude(campaign=campaign)
        .values("recipient__email")
        .distinct()
        .count()
    )
