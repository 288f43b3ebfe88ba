"""Pure rules of the training service: who may be targeted, template variables, the campaign
workflow, the send schedule and SMTP error classes. No ORM and no clock inside."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- addresses ---------------------------------------------------------------------------------
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalise_domain(domain: str) -> str:
    return domain.strip().strip(".").lower()


def is_valid_domain(domain: str) -> bool:
    return bool(DOMAIN_PATTERN.match(normalise_domain(domain)))


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def address_allowed(email: str, domains: Iterable[str], approved: Iterable[str]) -> bool:
    """An address may be targeted when its domain (or a parent domain) is verified, or when the
    address itself is on the approved list."""
    address = email.strip().lower()
    if address in {a.lower() for a in approved}:
        return True
    domain = domain_of(address)
    verified = {normalise_domain(d) for d in domains}
    parts = domain.split(".")
    return any(".".join(parts[i:]) in verified for i in range(len(parts) - 1))


# --- template variables ------------------------------------------------------------------------
VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
#: The variables a template may use: the recipient's and facility's names and the link.
VARIABLES = frozenset({"recipient_name", "facility_name", "department", "link", "today"})


def unknown_variables(*texts: str) -> list[str]:
    found = {name for text in texts for name in VARIABLE.findall(text)}
    return sorted(found - VARIABLES)


def has_unclosed_braces(text: str) -> bool:
    return "{{" in VARIABLE.sub("", text) or "}}" in VARIABLE.sub("", text)


def render(text: str, values: dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# --- the campaign workflow ---------------------------------------------------------------------
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {"draft": "awaiting_approval"},
    "withdraw": {"awaiting_approval": "draft"},
    "approve": {"awaiting_approval": "scheduled"},
    "start": {"scheduled": "sending"},
    "pause": {"scheduled": "paused", "sending": "paused"},
    "resume": {"paused": "sending"},
    "finish": {"sending": "finished"},
    "cancel": {
        "draft": "cancelled",
        "awaiting_approval": "cancelled",
        "scheduled": "cancelled",
        "sending": "cancelled",
        "paused": "cancelled",
    },
}


def next_state(state: str, action: str) -> str | None:
    """The state after ``action``, or None when the action is not open in ``state``."""
    return TRANSITIONS.get(action, {}).get(state)


# --- the send schedule -------------------------------------------------------------------------
@dataclass(frozen=True)
class SendWindow:
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    day_start_hour: int = 9
    day_end_hour: int = 17
    weekdays_only: bool = True


def open_periods(
    window: SendWindow, closed_days: frozenset[dt.date] = frozenset()
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of the window in which mail may go out (local time of ``window.start``)."""
    tz = window.start.tzinfo
    periods = []
    day = window.start.date()
    while day <= window.end.date():
        if not (window.weekdays_only and (day.weekday() >= 5 or day in closed_days)):
            midnight = dt.datetime.combine(day, dt.time(0), tz)
            opens = midnight + dt.timedelta(hours=window.day_start_hour)
            closes = midnight + dt.timedelta(hours=window.day_end_hour)  # 24 = the day's end
            start, end = max(opens, window.start), min(closes, window.end)
            if start < end:
                periods.append((start, end))
        day += dt.timedelta(days=1)
    return periods


def spread(
    count: int, window: SendWindow, closed_days: frozenset[dt.date] = frozenset()
) -> list[dt.datetime]:
    """``count`` send times spread evenly over the open periods of the window."""
    periods = open_periods(window, closed_days)
    if count <= 0 or not periods:
        return []
    lengths = [(end - start) // dt.timedelta(microseconds=1) for start, end in periods]
    total = sum(lengths)
    times = []
    for i in range(count):
        offset = total * i // count  # whole microseconds: no drift past a period's end
        for (start, _end), length in zip(periods, lengths, strict=True):
            if offset < length:
                times.append(start + dt.timedelta(microseconds=offset))
                break
            offset -= length
    return times


def window_problems(window: SendWindow, now: dt.datetime) -> list[str]:
    """Codes of what is wrong with a window (the service turns them into messages)."""
    problems = []
    if window.end <= window.start:
        problems.append("order")
    if window.end <= now:
        problems.append("past")
    if not 0 <= window.day_start_hour < window.day_end_hour <= 24:
        problems.append("hours")
    if not problems and not open_periods(window):
        problems.append("closed")
    return problems


# --- SMTP errors -------------------------------------------------------------------------------
def is_temporary_smtp_code(code: int | None) -> bool:
    """4xx replies ask the sender to try again later; 5xx are final."""
    return code is not None and 400 <= code < 500


def retry_delay(attempts: int, base_seconds: int = 60, cap_seconds: int = 3600) -> dt.timedelta:
    """Back-off after the ``attempts``-th failed try: 1, 2, 4 … minutes, at most an hour."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(attempts - 1, 0)))


# --- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Funnel:
    sent: int
    opened: int
    clicked: int
    submitted: int
    reported: int

    def rate(self, part: int) -> float:
        return part / self.sent if self.sent else 0.0

    @property
    def rates(self) -> dict[str, float]:
        return {
            "opened": self.rate(self.opened),
            "clicked": self.rate(self.clicked),
            "submitted": self.rate(self.submitted),
            "reported": self.rate(self.reported),
        }


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def median_minutes(deltas: Sequence[dt.timedelta]) -> int | None:
    if not deltas:
        return None
    ordered = sorted(deltas)
    middle = ordered[len(ordered) // 2]
    return int(middle.total_seconds() // 60)
