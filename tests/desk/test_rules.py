"""Desk hours and SLA clocks: the spec's table, then hypothesis against a minute-by-minute
reference that reads the hours as a person would."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcyber.desk.rules import (
    DESK_TIME_ZONE,
    DeskHoursPeriod,
    DeskSchedule,
    SlaState,
    SlaTarget,
    add_desk_time,
    desk_time_between,
    is_open,
    next_opening,
    pauses_from,
    resolution_due,
    sla_state,
    target_for,
)

TZ = DESK_TIME_ZONE
MINUTE = dt.timedelta(minutes=1)

PROGRAMME = DeskSchedule(
    periods=(
        DeskHoursPeriod(dt.date(2022, 6, 1), dt.time(9), dt.time(21)),
        DeskHoursPeriod(dt.date(2023, 6, 1), dt.time(6), dt.time(21)),
    )
)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


# --- the programme's hours, row by row ------------------------------------------------------
@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (at(2022, 5, 31, 12), False),  # before the desk existed
        (at(2022, 6, 1, 8, 59), False),
        (at(2022, 6, 1, 9), True),
        (at(2022, 6, 1, 20, 59), True),
        (at(2022, 6, 1, 21), False),
        (at(2023, 5, 31, 7), False),  # 09:00 opening still in force
        (at(2023, 6, 1, 6), True),  # 06:00 opening from 2023-06-01
        (at(2024, 1, 1, 6, 30), True),  # New Year's Day: holidays included
        (at(2024, 5, 5, 5, 59), False),
    ],
)
def test_programme_hours(moment: dt.datetime, open_: bool) -> None:
    assert is_open(PROGRAMME, moment) is open_


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 11, 29, 22, 30), at(2026, 11, 30, 6)),  # a web case at 22:30
        (at(2026, 11, 30, 3), at(2026, 11, 30, 6)),
        (at(2026, 11, 30, 10), at(2026, 11, 30, 10)),  # open: now
        (at(2023, 5, 31, 21, 30), at(2023, 6, 1, 6)),  # the change of hours
        (at(2022, 5, 1), at(2022, 6, 1, 9)),
    ],
)
def test_next_opening(moment: dt.datetime, expected: dt.datetime) -> None:
    assert next_opening(PROGRAMME, moment) == expected


def test_a_clock_started_at_night_runs_from_the_opening() -> None:
    due = add_desk_time(PROGRAMME, at(2026, 11, 29, 22, 30), dt.timedelta(hours=4))
    assert due == at(2026, 11, 30, 10)


def test_a_clock_crosses_the_night() -> None:
    due = add_desk_time(PROGRAMME, at(2026, 11, 29, 20), dt.timedelta(hours=4))
    assert due == at(2026, 11, 30, 9)
    assert desk_time_between(PROGRAMME, at(2026, 11, 29, 20), due) == dt.timedelta(hours=4)


def test_utc_input_is_read_in_tokyo() -> None:
    assert is_open(PROGRAMME, dt.datetime(2026, 11, 29, 21, 30, tzinfo=dt.UTC))  # 06:30 JST
    with pytest.raises(ValueError, match="aware"):
        is_open(PROGRAMME, dt.datetime(2026, 11, 29, 12))


def test_closed_days_and_holidays() -> None:
    weekdays = DeskSchedule(
        periods=(
            DeskHoursPeriod(
                dt.date(2020, 1, 1),
                dt.time(9),
                dt.time(17),
                weekdays=frozenset(range(5)),
                open_on_holidays=False,
            ),
        ),
        holidays=frozenset({dt.date(2026, 11, 23)}),
    )
    # Friday 16:00 + 2h: one hour on Friday, the next on Tuesday (Monday is a holiday)
    assert add_desk_time(weekdays, at(2026, 11, 20, 16), dt.timedelta(hours=2)) == at(
        2026, 11, 24, 10
    )


def test_bad_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        DeskHoursPeriod(dt.date(2022, 1, 1), dt.time(21), dt.time(6))
    never = DeskSchedule(
        periods=(
            DeskHoursPeriod(dt.date(2022, 1, 1), dt.time(9), dt.time(17), weekdays=frozenset()),
        )
    )
    with pytest.raises(ValueError, match="same day"):
        DeskSchedule(periods=(*PROGRAMME.periods, PROGRAMME.periods[0]))
    with pytest.raises(ValueError, match="never open"):
        next_opening(never, at(2026, 1, 1))


# --- SLA -------------------------------------------------------------------------------------
TARGETS = [
    SlaTarget("", "urgent", dt.timedelta(minutes=30), dt.timedelta(hours=8)),
    SlaTarget("", "normal", dt.timedelta(hours=4), dt.timedelta(hours=45)),
    SlaTarget("cyber_attack", "urgent", dt.timedelta(minutes=15), dt.timedelta(hours=4)),
]


def test_target_for_falls_back_to_the_severity_default() -> None:
    assert target_for(TARGETS, "cyber_attack", "urgent").first_response == dt.timedelta(minutes=15)
    assert target_for(TARGETS, "pc_takeover", "urgent").first_response == dt.timedelta(minutes=30)
    with pytest.raises(LookupError):
        target_for(TARGETS, "other", "unknown")


def test_sla_states() -> None:
    target = dt.timedelta(hours=4)
    start = at(2026, 11, 30, 9)
    due = add_desk_time(PROGRAMME, start, target)

    def state(now: dt.datetime, done: dt.datetime | None = None) -> SlaState:
        return sla_state(PROGRAMME, due=due, target=target, now=now, done_at=done)

    assert state(at(2026, 11, 30, 10)) is SlaState.ON_TIME
    assert state(at(2026, 11, 30, 12, 30)) is SlaState.DUE_SOON
    assert state(at(2026, 11, 30, 13)) is SlaState.BREACHED
    assert state(at(2026, 11, 30, 14), at(2026, 11, 30, 12)) is SlaState.MET
    assert state(at(2026, 11, 30, 14), at(2026, 11, 30, 13, 1)) is SlaState.BREACHED


def test_due_soon_counts_desk_time_only() -> None:
    # due 06:30 tomorrow: at 20:50 the desk has 40 minutes left, which is "due soon" for 4 h
    target = dt.timedelta(hours=4)
    due = at(2026, 12, 1, 6, 30)
    assert sla_state(PROGRAMME, due=due, target=target, now=at(2026, 11, 30, 20, 50)) is (
        SlaState.DUE_SOON
    )
    assert sla_state(PROGRAMME, due=due, target=target, now=at(2026, 11, 30, 18)) is (
        SlaState.ON_TIME
    )


# --- the resolution clock stops while the desk waits for the member -----------------------
def test_a_pause_moves_the_due_time_by_the_desk_time_it_took() -> None:
    # 240 desk minutes from 10:00 fall due at 14:00; waiting 11:00–13:00 stops the clock
    start = at(2026, 11, 30, 10)
    paused = [(at(2026, 11, 30, 11), at(2026, 11, 30, 13))]
    assert resolution_due(PROGRAMME, start, 240 * MINUTE) == at(2026, 11, 30, 14)
    assert resolution_due(PROGRAMME, start, 240 * MINUTE, paused) == at(2026, 11, 30, 16)


def test_a_pause_over_the_night_counts_desk_hours_only() -> None:
    # waiting from 20:00 to 07:00 the next day stops 1 h 20:00–21:00 and 1 h 06:00–07:00
    start = at(2026, 11, 30, 18)
    paused = [(at(2026, 11, 30, 20), at(2026, 12, 1, 7))]
    assert resolution_due(PROGRAMME, start, 240 * MINUTE) == at(2026, 12, 1, 7)
    assert resolution_due(PROGRAMME, start, 240 * MINUTE, paused) == at(2026, 12, 1, 9)


def test_a_pause_after_the_breach_does_not_undo_it() -> None:
    start = at(2026, 11, 30, 10)
    late = [(at(2026, 11, 30, 15), at(2026, 11, 30, 18))]
    assert resolution_due(PROGRAMME, start, 240 * MINUTE, late) == at(2026, 11, 30, 14)


def test_a_pause_may_not_end_before_it_begins() -> None:
    with pytest.raises(ValueError, match="pause"):
        resolution_due(
            PROGRAMME, at(2026, 11, 30, 10), MINUTE, [(at(2026, 11, 30, 12), at(2026, 11, 30, 11))]
        )


def test_pauses_are_read_from_the_status_changes() -> None:
    changes = [
        (at(2026, 11, 30, 10), "new", "in_progress"),
        (at(2026, 11, 30, 11), "in_progress", "waiting_member"),
        (at(2026, 11, 30, 13), "waiting_member", "in_progress"),
        (at(2026, 11, 30, 14), "in_progress", "waiting_member"),  # still waiting: left out
    ]
    assert pauses_from(changes, "waiting_member") == [(at(2026, 11, 30, 11), at(2026, 11, 30, 13))]


def test_a_paused_clock_shows_paused_unless_it_was_late_already() -> None:
    due, target = at(2026, 11, 30, 14), 240 * MINUTE
    now = at(2026, 11, 30, 20)  # past the due time, but the desk is waiting for the member
    waiting = sla_state(PROGRAMME, due=due, target=target, now=now, paused_at=at(2026, 11, 30, 12))
    assert waiting is SlaState.PAUSED
    late = sla_state(PROGRAMME, due=due, target=target, now=now, paused_at=at(2026, 11, 30, 15))
    assert late is SlaState.BREACHED


# --- hypothesis against a minute-by-minute reference -----------------------------------------
def ref_open(schedule: DeskSchedule, minute: dt.datetime) -> bool:
    local = minute.astimezone(TZ)
    periods = [p for p in schedule.periods if p.effective_from <= local.date()]
    if not periods:
        return False
    period = max(periods, key=lambda p: p.effective_from)
    if local.weekday() not in period.weekdays:
        return False
    if local.date() in schedule.holidays and not period.open_on_holidays:
        return False
    return period.opens <= local.time() < period.closes


def ref_minutes_between(schedule: DeskSchedule, start: dt.datetime, end: dt.datetime) -> int:
    count, t = 0, start
    while t < end:
        count += ref_open(schedule, t)
        t += MINUTE
    return count


def ref_add(schedule: DeskSchedule, start: dt.datetime, minutes: int) -> dt.datetime:
    if minutes == 0:
        return start
    count, t = 0, start
    while True:
        if ref_open(schedule, t):
            count += 1
            if count == minutes:
                return t + MINUTE
        t += MINUTE


def ref_next_opening(schedule: DeskSchedule, start: dt.datetime) -> dt.datetime:
    t = start
    while not ref_open(schedule, t):
        t += MINUTE
    return t


quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: dt.time(q // 4, q % 4 * 15))


@st.composite
def periods(draw: st.DrawFn) -> DeskHoursPeriod:
    opens = draw(quarter_hours.filter(lambda t: t < dt.time(23, 45)))
    closes = draw(quarter_hours.filter(lambda t: t > opens))
    return DeskHoursPeriod(
        effective_from=draw(st.dates(dt.date(2023, 1, 1), dt.date(2023, 1, 6))),
        opens=opens,
        closes=closes,
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        open_on_holidays=draw(st.booleans()),
    )


schedules = st.builds(
    DeskSchedule,
    periods=st.lists(periods(), min_size=1, max_size=3, unique_by=lambda p: p.effective_from).map(
        tuple
    ),
    holidays=st.frozensets(st.dates(dt.date(2023, 1, 1), dt.date(2023, 1, 12)), max_size=3),
)
# minutes across twelve days (the periods start in the first week)
moments = st.integers(min_value=0, max_value=12 * 24 * 60).map(
    lambda m: at(2023, 1, 1) + m * MINUTE
)


@settings(max_examples=60, deadline=None)
@given(schedule=schedules, start=moments, length=st.integers(0, 2 * 24 * 60))
def test_desk_time_between_matches_the_reference(
    schedule: DeskSchedule, start: dt.datetime, length: int
) -> None:
    end = start + length * MINUTE
    assert (
        desk_time_between(schedule, start, end)
        == ref_minutes_between(schedule, start, end) * MINUTE
    )


@settings(max_examples=60, deadline=None)
@given(schedule=schedules, start=moments, minutes=st.integers(0, 12 * 60))
def test_add_desk_time_matches_the_reference(
    schedule: DeskSchedule, start: dt.datetime, minutes: int
) -> None:
    due = add_desk_time(schedule, start, minutes * MINUTE)
    assert due == ref_add(schedule, start, minutes)
    assert desk_time_between(schedule, start, due) == minutes * MINUTE


@settings(max_examples=60, deadline=None)
@given(schedule=schedules, start=moments)
def test_next_opening_matches_the_reference(schedule: DeskSchedule, start: dt.datetime) -> None:
    opening = next_opening(schedule, start)
    assert opening == ref_next_opening(schedule, start)
    assert is_open(schedule, opening)


def ref_add_paused(
    schedule: DeskSchedule,
    start: dt.datetime,
    minutes: int,
    pauses: list[tuple[dt.datetime, dt.datetime]],
) -> dt.datetime:
    """Minute by minute: a minute counts when the desk is open and no pause covers it."""
    if minutes == 0:
        return start
    count, t = 0, start
    while True:
        if ref_open(schedule, t) and not any(p <= t < r for p, r in pauses):
            count += 1
            if count == minutes:
                return t + MINUTE
        t += MINUTE


@st.composite
def pause_lists(draw: st.DrawFn, start: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Up to three pauses after ``start``, in order, not overlapping (gaps and lengths in
    minutes; a gap of 0 makes a pause begin as the previous one ends)."""
    pauses, t = [], start
    for _n in range(draw(st.integers(0, 3))):
        begins = t + draw(st.integers(0, 24 * 60)) * MINUTE
        ends = begins + draw(st.integers(0, 24 * 60)) * MINUTE
        pauses.append((begins, ends))
        t = ends
    return pauses


@settings(max_examples=80, deadline=None)
@given(schedule=schedules, start=moments, minutes=st.integers(0, 12 * 60), data=st.data())
def test_resolution_due_with_pauses_matches_the_reference(
    schedule: DeskSchedule, start: dt.datetime, minutes: int, data: st.DataObject
) -> None:
    pauses = data.draw(pause_lists(start))
    due = resolution_due(schedule, start, minutes * MINUTE, pauses)
    assert due == ref_add_paused(schedule, start, minutes, pauses)
