"""Reads of the desk: desk hours, SLA targets and cases, always scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import jpholiday
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from . import rules
from .choices import OPEN_STATUSES, Tier
from .models import Case, CaseAttachment, CaseEvent, DeskHours, SlaTarget

#: Years of public holidays loaded around "now" for periods closed on holidays.
HOLIDAY_YEARS_AROUND = 1


@functools.lru_cache(maxsize=8)
def _holidays_around(year: int) -> frozenset[dt.date]:
    """Public holidays are fixed by law for a year: worked out once per process, not on every
    queue page (jpholiday computes them in Python, a few milliseconds a year)."""
    return frozenset(
        day
        for y in range(year - HOLIDAY_YEARS_AROUND, year + HOLIDAY_YEARS_AROUND + 2)
        for day, _name in jpholiday.year_holidays(y)
    )


def desk_schedule(now: dt.datetime) -> rules.DeskSchedule:
    """The desk hours in force, with the Japanese public holidays around ``now``."""
    periods = tuple(row.as_period() for row in DeskHours.objects.all())
    holidays = _holidays_around(now.astimezone(rules.DESK_TIME_ZONE).year)
    return rules.DeskSchedule(periods=periods, holidays=holidays)


def sla_targets() -> list[rules.SlaTarget]:
    return [row.as_target() for row in SlaTarget.objects.all()]


@dataclass(frozen=True)
class CaseSla:
    """Both clocks of a case at one moment."""

    first_response: rules.SlaState
    resolution: rules.SlaState

    @property
    def worst(self) -> rules.SlaState:
        order = [
            rules.SlaState.BREACHED,
            rules.SlaState.DUE_SOON,
            rules.SlaState.ON_TIME,
            rules.SlaState.MET,
        ]
        return min(self.first_response, self.resolution, key=order.index)


def case_sla(
    case: Case, schedule: rules.DeskSchedule, targets: list[rules.SlaTarget], now: dt.datetime
) -> CaseSla:
    target = rules.target_for(targets, case.category, case.severity)
    stopped = case.status not in OPEN_STATUSES
    resolved = case.resolved_at or (now if stopped else None)
    return CaseSla(
        first_response=rules.sla_state(
            schedule,
            due=case.first_response_due,
            target=target.first_response,
            now=now,
            done_at=case.first_responded_at or resolved,
        ),
        resolution=rules.sla_state(
            schedule,
            due=case.resolution_due,
            target=target.resolution,
            now=now,
            done_at=resolved,
            paused_at=case.resolution_paused_at,
        ),
    )


def with_sla(cases: list[Case], now: dt.datetime) -> list[tuple[Case, CaseSla]]:
    schedule, targets = desk_schedule(now), sla_targets()
    return [(case, case_sla(case, schedule, targets, now)) for case in cases]


def _case_rows(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("facility", "member", "assignee")


#: What a row of a queue shows: the case's own columns and the names of its facility and
#: assignee (not the whole registry rows: a page is 50 cases, every minute, all day).
QUEUE_COLUMNS = (
    "channel",
    "caller_name",
    "caller_facility_name",
    "category",
    "severity",
    "summary",
    "status",
    "tier",
    "received_at",
    "out_of_hours",
    "first_response_due",
    "resolution_due",
    "resolution_paused_at",
    "virus_found_at",
    "first_responded_at",
    "resolved_at",
    "version",
    "facility__name",
    "assignee__email",
    "assignee__display_name",
)


def queue(user: Any, tier: int, *, mine: bool = False) -> QuerySet[Case]:
    """Open cases of one tier, the nearest resolution deadline first (read along the partial
    index ``desk_case_open_queue``: the first page costs the same at any number of cases)."""
    cases = (
        Case.objects.visible_to(user)
        .select_related("facility", "assignee")
        .only(*QUEUE_COLUMNS)
        .filter(tier=tier, status__in=sorted(OPEN_STATUSES))
    )
    if mine:
        cases = cases.filter(assignee=user)
    return cases.order_by("resolution_due", "pk")


#: Open cases counted at most per queue: past this the page says 「1,000件以上」. Counting is
#: one read of the partial index per case; a tier with more than a thousand open cases needs
#: a supervisor, not a page number, and counting all of them cost more than the page itself.
COUNT_CAP = 1_000


class QueuePaginator(Paginator):
    """Pages of a queue counted up to ``COUNT_CAP`` cases (``capped`` says there are more)."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        # kept in queue order, the count reads the same index as the page
        found = rows.values("pk")[: COUNT_CAP + 1].count()
        self.capped = found > COUNT_CAP
        return min(found, COUNT_CAP)


def breaches(user: Any, now: dt.datetime) -> QuerySet[Case]:
    """Open cases past either deadline (the supervisor's view); a case waiting for its member
    is late only if it was late before the wait began (its resolution clock stands still)."""
    late = Q(first_responded_at__isnull=True, first_response_due__lt=now) | (
        Q(resolution_due__lt=now)
        & (Q(resolution_paused_at__isnull=True) | Q(resolution_paused_at__gte=F("resolution_due")))
    )
    return (
        Case.objects.visible_to(user)
        .select_related("facility", "assignee")
        .only(*QUEUE_COLUMNS)
        .filter(late, status__in=OPEN_STATUSES)
        .order_by("resolution_due", "pk")
    )


def my_cases(user: Any) -> QuerySet[Case]:
    """A member's or facility's own cases, newest first."""
    return _case_rows(user).order_by("-received_at", "-pk")


def case_for(user: Any, pk: int) -> Case:
    """The case, or ``Case.DoesNotExist`` when it is not the user's to see."""
    return _case_rows(user).select_related("reported_by").get(pk=pk)


def timeline(user: Any, case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline as the user may see it (members never see internal lines)."""
    return (
        CaseEvent.objects.visible_to(user)
        .filter(case=case)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


def attachments(case: Case) -> QuerySet[CaseAttachment]:
    """Attachments of a case already scoped to the user; the document view checks again."""
    return case.attachments.select_related("document").order_by("added_at")


TIERS = (Tier.TIER1, Tier.TIER2)
