"""The pure rules: who may be targeted, template variables, the workflow, the schedule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcyber.training import rules

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("a@sakura-clinic.jp", True),
        ("A@SAKURA-CLINIC.JP", True),
        ("a@mail.sakura-clinic.jp", True),  # a sub-domain of a verified domain
        ("a@sakura-clinic.jp.evil.example", False),
        ("a@evil-sakura-clinic.jp", False),
        ("a@gmail.com", False),
        ("doctor@gmail.com", True),  # on the approved list
    ],
)
def test_only_verified_domains_or_approved_addresses(email: str, allowed: bool) -> None:
    assert rules.address_allowed(email, ["sakura-clinic.jp"], ["Doctor@gmail.com"]) is allowed


def test_unknown_variables_are_named() -> None:
    assert rules.unknown_variables("{{ recipient_name }} {{ password }}", "{{link}}") == [
        "password"
    ]
    assert rules.has_unclosed_braces("{{ recipient_name }")
    assert not rules.has_unclosed_braces("{{ recipient_name }}")


def test_render_leaves_unknown_variables_visible() -> None:
    assert rules.render("{{ recipient_name }}様 {{ x }}", {"recipient_name": "山田"}) == (
        "山田様 {{ x }}"
    )


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        ("draft", "submit", "awaiting_approval"),
        ("awaiting_approval", "approve", "scheduled"),
        ("awaiting_approval", "withdraw", "draft"),
        ("scheduled", "start", "sending"),
        ("sending", "pause", "paused"),
        ("paused", "resume", "sending"),
        ("sending", "finish", "finished"),
        ("sending", "cancel", "cancelled"),
        ("draft", "approve", None),
        ("finished", "cancel", None),
        ("cancelled", "resume", None),
    ],
)
def test_workflow(state: str, action: str, after: str | None) -> None:
    assert rules.next_state(state, action) == after


def test_spread_keeps_to_weekday_office_hours() -> None:
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=TOKYO)
    window = rules.SendWindow(friday, friday + dt.timedelta(days=2, hours=18))  # Mon 10:00
    times = rules.spread(4, window)
    assert [t.strftime("%a %H:%M") for t in times] == [
        "Fri 16:00",
        "Fri 16:30",
        "Mon 09:00",
        "Mon 09:30",
    ]


@given(
    count=st.integers(min_value=1, max_value=500),
    days=st.integers(min_value=1, max_value=20),
    start_hour=st.integers(min_value=0, max_value=22),
)
def test_spread_times_are_inside_open_periods(count: int, days: int, start_hour: int) -> None:
    start = dt.datetime(2026, 12, 1, start_hour, 17, tzinfo=TOKYO)
    window = rules.SendWindow(start, start + dt.timedelta(days=days))
    periods = rules.open_periods(window)
    times = rules.spread(count, window)
    assert len(times) == (count if periods else 0)
    assert times == sorted(times)
    for t in times:
        assert any(a <= t < b for a, b in periods)


def test_window_problems() -> None:
    now = dt.datetime(2026, 12, 1, 12, tzinfo=TOKYO)
    past = rules.SendWindow(now - dt.timedelta(days=2), now - dt.timedelta(days=1))
    assert rules.window_problems(past, now) == ["past"]
    weekend = rules.SendWindow(
        dt.datetime(2026, 12, 5, 9, tzinfo=TOKYO), dt.datetime(2026, 12, 6, 17, tzinfo=TOKYO)
    )
    assert rules.window_problems(weekend, now) == ["closed"]


def test_temporary_smtp_codes_and_backoff() -> None:
    assert rules.is_temporary_smtp_code(451)
    assert not rules.is_temporary_smtp_code(550)
    assert rules.retry_delay(1) == dt.timedelta(minutes=1)
    assert rules.retry_delay(3) == dt.timedelta(minutes=4)
    assert rules.retry_delay(20) == dt.timedelta(hours=1)


def test_a_window_open_all_day_ends_at_midnight() -> None:
    monday = dt.datetime(2026, 12, 7, 0, 0, tzinfo=TOKYO)
    window = rules.SendWindow(monday, monday + dt.timedelta(days=1), 0, 24, weekdays_only=False)
    assert rules.open_periods(window) == [(monday, monday + dt.timedelta(days=1))]
