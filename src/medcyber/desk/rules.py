"""Desk hours and SLA clocks (DESK-3): pure functions of plain values, no ORM, no clock.

The desk's opening hours are a list of :class:`DeskHoursPeriod` rows, each in force from its
``effective_from`` date until the next one's. SLA clocks count desk hours only: a case filed
at 22:30 starts its clock at the next opening, and a four-hour target set at 20:00 falls due
three hours after the desk opens the next morning.

All datetimes are aware; days are cut in the desk's own time zone (Asia/Tokyo).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DESK_TIME_ZONE = ZoneInfo("Asia/Tokyo")

#: How far ahead the desk is looked for an opening before the hours are declared broken.
MAX_CLOSED_DAYS = 366

ALL_DAYS = frozenset(range(7))  # Monday = 0 … Sunday = 6


@dataclass(frozen=True)
class DeskHoursPeriod:
    """The desk's hours from ``effective_from`` (inclusive) until the next period starts."""

    effective_from: dt.date
    opens: dt.time
    closes: dt.time
    weekdays: frozenset[int] = ALL_DAYS
    open_on_holidays: bool = True

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("the desk must close after it opens on the same day")


@dataclass(frozen=True)
class DeskSchedule:
    """Every period of desk hours, with the public holidays (for periods closed on them)."""

    periods: tuple[DeskHoursPeriod, ...]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    tz: dt.tzinfo = DESK_TIME_ZONE

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.periods, key=lambda p: p.effective_from))
        if not ordered:
            raise ValueError("desk hours need at least one period")
        starts = [p.effective_from for p in ordered]
        if len(set(starts)) != len(starts):
            raise ValueError("two periods of desk hours start on the same day")
        object.__setattr__(self, "periods", ordered)

    def period_on(self, day: dt.date) -> DeskHoursPeriod | None:
        current = None
        for period in self.periods:
            if period.effective_from <= day:
                current = period
            else:
                break
        return current

    def hours_on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """When the desk opens and closes on a day (in the desk's time zone), or ``None``."""
        period = self.period_on(day)
        if period is None or day.weekday() not in period.weekdays:
            return None
        if day in self.holidays and not period.open_on_holidays:
            return None
        return (
            dt.datetime.combine(day, period.opens, tzinfo=self.tz),
            dt.datetime.combine(day, period.closes, tzinfo=self.tz),
        )


def _require_aware(*moments: dt.datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("desk-hours arithmetic needs aware datetimes")


def _intervals_from(
    schedule: DeskSchedule, start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open intervals that end after ``start``, in order (the first one clipped to ``start``);
    stops after MAX_CLOSED_DAYS days in a row without an opening."""
    day = start.astimezone(schedule.tz).date()
    closed_days = 0
    while closed_days <= MAX_CLOSED_DAYS:
        hours = schedule.hours_on(day)
        if hours is not None and hours[1] > start:
            closed_days = 0
            yield max(hours[0], start), hours[1]
        else:
            closed_days += 1
        day += dt.timedelta(days=1)


def is_open(schedule: DeskSchedule, at: dt.datetime) -> bool:
    _require_aware(at)
    hours = schedule.hours_on(at.astimezone(schedule.tz).date())
    return hours is not None and hours[0] <= at < hours[1]


def next_opening(schedule: DeskSchedule, at: dt.datetime) -> dt.datetime:
    """``at`` itself while the desk is open, else the moment it next opens."""
    _require_aware(at)
    for opens, _closes in _intervals_from(schedule, at):
        return opens.astimezone(schedule.tz)
    raise ValueError("the desk hours never open again")


def desk_time_between(schedule: DeskSchedule, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Desk-open time in [start, end); zero when end is not after start."""
    _require_aware(start, end)
    total = dt.timedelta(0)
    if end <= start:
        return total
    for opens, closes in _intervals_from(schedule, start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def add_desk_time(
    schedule: DeskSchedule, start: dt.datetime, duration: dt.timedelta
) -> dt.datetime:
    """The moment ``duration`` of desk-open time has passed since ``start`` (a due time)."""
    _require_aware(start)
    if duration < dt.timedelta(0):
        raise ValueError("a duration of desk time cannot be negative")
    if not duration:
        return start.astimezone(schedule.tz)
    remaining = duration
    for opens, closes in _intervals_from(schedule, start):
        if closes - opens >= remaining:
            return (opens + remaining).astimezone(schedule.tz)
        remaining -= closes - opens
    raise ValueError("the desk hours never open again")


# --- SLA -------------------------------------------------------------------------------------
class SlaState(enum.StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"  # the resolution clock while the desk waits for the member


@dataclass(frozen=True)
class SlaTarget:
    """Desk time allowed for a first response and for a resolution; ``category`` "" is the
    default for its severity."""

    category: str
    severity: str
    first_response: dt.timedelta
    resolution: dt.timedelta


#: A clock is "due soon" once this share of its target is left (and at most DUE_SOON_CAP).
DUE_SOON_SHARE = 0.25
DUE_SOON_CAP = dt.timedelta(hours=2)


def target_for(targets: Sequence[SlaTarget], category: str, severity: str) -> SlaTarget:
    """The target for a category and severity, falling back to the severity's default."""
    by_key = {(t.category, t.severity): t for t in targets}
    found = by_key.get((category, severity)) or by_key.get(("", severity))
    if found is None:
        raise LookupError(f"no SLA target for severity {severity!r}")
    return found


def due_soon_margin(target: dt.timedelta) -> dt.timedelta:
    return min(target * DUE_SOON_SHARE, DUE_SOON_CAP)


def sla_state(
    schedule: DeskSchedule,
    *,
    due: dt.datetime,
    target: dt.timedelta,
    now: dt.datetime,
    done_at: dt.datetime | None = None,
    paused_at: dt.datetime | None = None,
) -> SlaState:
    """Where one clock stands: met or breached once stopped; paused while ``paused_at`` says
    the desk waits for the member (unless it was late already); else on time, due soon or
    breached at ``now`` (the desk time left counts desk hours only)."""
    if done_at is not None:
        return SlaState.MET if done_at <= due else SlaState.BREACHED
    if paused_at is not None:
        return SlaState.BREACHED if paused_at >= due else SlaState.PAUSED
    if now >= due:
        return SlaState.BREACHED
    if desk_time_between(schedule, now, due) <= due_soon_margin(target):
        return SlaState.DUE_SOON
    return SlaState.ON_TIME


# --- pauses of the resolution clock ------------------------------------------------------------
#: A pause of the resolution clock: from when the case started waiting for the member until
#: it stopped waiting.
Pause = tuple[dt.datetime, dt.datetime]


def resolution_due(
    schedule: DeskSchedule,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Sequence[Pause] = (),
) -> dt.datetime:
    """When the resolution clock falls due: ``target`` of desk time from ``start``, not
    counting the desk time inside ``pauses`` (while the desk waited for the member).

    A pause that begins once the clock has already fallen due moves nothing: the breach
    stands. Pauses must not overlap (a case waits for its member once at a time).
    """
    _require_aware(start)
    due = add_desk_time(schedule, start, target)
    for paused, resumed in sorted(pauses):
        _require_aware(paused, resumed)
        if resumed < paused:
            raise ValueError("a pause cannot end before it begins")
        paused = max(paused, start)
        if paused < due and paused < resumed:
            # the desk time still left when the clock stopped runs again from the resumption
            due = add_desk_time(schedule, resumed, desk_time_between(schedule, paused, due))
    return due


def pauses_from(changes: Sequence[tuple[dt.datetime, str, str]], waiting: str) -> list[Pause]:
    """The closed pauses in a case's status changes (``(when, old, new)``, in order): each
    runs from entering the ``waiting`` status until leaving it. A pause still running is left
    out (its end is not known yet)."""
    pauses: list[Pause] = []
    began: dt.datetime | None = None
    for when, old, new in changes:
        if new == waiting and old != waiting:
            began = when
        elif old == waiting and new != waiting and began is not None:
            pauses.append((began, when))
            began = None
    return pauses
