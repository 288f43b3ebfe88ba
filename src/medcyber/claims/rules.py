"""The one-off support payment rules (PAY-1): pure functions over plain values.

Given the facts of an incident and the payment schedules (effective-dated rows that
association staff keep in ``PaymentSchedule``), :func:`quote` says what the facts qualify for,
every line of the calculation in Japanese and English, the requirements not yet met, the
reasons for refusal and the version of the schedule used. The member's preview, the
reviewer's screen, the API and ``medcyber claims quote`` all call it.

No ORM and no clock here: the schedules and "today" are passed in. Only the messages about
facts that cannot be read go through gettext; the calculation lines carry both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

KINDS = ("cyber_attack", "data_leak")
MEMBER_CLASSES = ("A1", "A2B", "A2C", "B", "C")
FACILITY_KINDS = ("hospital", "clinic", "care_facility", "other")
REPORTS = ("mhlw", "jma", "police", "ppc", "individuals")

#: What each report code means, in Japanese and English (requirement labels are made of these).
REPORT_LABELS: dict[str, tuple[str, str]] = {
    "mhlw": ("厚生労働省への報告", "report to the MHLW"),
    "jma": ("日本医師会への報告", "report to the JMA"),
    "police": ("警察への届出・相談", "report to the police"),
    "ppc": (
        "個人情報保護委員会への報告（再発防止策を含む）",
        "report to the PPC including measures to prevent recurrence",
    ),
    "individuals": ("本人への通知", "notice to the persons whose data leaked"),
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "cyber_attack": ("サイバー攻撃の被害", "cyber attack"),
    "data_leak": (
        "サイバー攻撃に起因しない個人情報漏えい",
        "personal-data leak not caused by a cyber attack",
    ),
}

#: Why a claim is not paid, whatever documents come with it.
REFUSAL_LABELS: dict[str, tuple[str, str]] = {
    "before_programme": (
        "制度開始前に発生した事案のため支給対象外",
        "not paid: the incident occurred before the programme began",
    ),
    "no_schedule": (
        "発生日に適用される支給基準がないため支給対象外",
        "not paid: no payment schedule applies on the date of the incident",
    ),
    "insider": (
        "内部犯罪に起因する事案のため支給対象外",
        "not paid: the incident was caused by an insider's crime",
    ),
    "member_class": (
        "A①会員が開設・管理する施設ではないため支給対象外",
        "not paid: the facility is not founded or managed by a class A① member",
    ),
    "facility_kind": (
        "支給対象の施設（病院・診療所・介護サービス施設・事業所）ではないため支給対象外",
        "not paid: not a hospital, clinic or care-service facility",
    ),
}


class InvalidFacts(ValueError):
    """The facts cannot be quoted; the message says why, in Japanese."""


@dataclass(frozen=True)
class Requirement:
    """Met when at least one of the reports ``any_of`` has been made."""

    code: str
    any_of: frozenset[str]

    @property
    def label_ja(self) -> str:
        return " または ".join(REPORT_LABELS[r][0] for r in sorted(self.any_of))

    @property
    def label_en(self) -> str:
        return " or ".join(REPORT_LABELS[r][1] for r in sorted(self.any_of))


@dataclass(frozen=True)
class Schedule:
    """One effective-dated row of amounts and conditions for one kind of incident."""

    version: str
    kind: str
    valid_from: date
    valid_until: date | None  # inclusive; None: open-ended
    base_amount: int
    closure_per_day: int = 0
    closure_cap: int = 0  # 0: no cap on the per-day addition
    closure_flat: int = 0  # paid once for one day closed or more, when there is no per-day rate
    requirements: tuple[Requirement, ...] = ()
    insider_excluded: bool = True
    member_classes: frozenset[str] = frozenset({"A1"})
    facility_kinds: frozenset[str] = frozenset({"hospital", "clinic", "care_facility"})

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class IncidentFacts:
    kind: str
    occurred_on: date
    closure_days: int
    insider: bool
    member_class: str
    facility_kind: str
    reports: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Line:
    code: str
    label_ja: str
    label_en: str
    amount: int


@dataclass(frozen=True)
class Quote:
    entitlement: int
    payable: bool
    lines: tuple[Line, ...]
    unmet: tuple[str, ...]
    refusals: tuple[str, ...]
    rules_version: str
    #: The unmet requirements with their labels, for forms and letters.
    unmet_requirements: tuple[Requirement, ...] = ()

    def as_contract(self) -> dict[str, Any]:
        """The JSON object of ``medcyber claims quote`` (labels in Japanese)."""
        return {
            "entitlement": self.entitlement,
            "payable": self.payable,
            "lines": [
                {"code": x.code, "label": x.label_ja, "amount": x.amount} for x in self.lines
            ],
            "unmet": list(self.unmet),
            "refusals": list(self.refusals),
            "rules_version": self.rules_version,
        }


NO_SCHEDULE_VERSION = "none"


def yen(amount: int) -> str:
    return f"¥{amount:,}"


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def schedule_for(kind: str, day: date, schedules: Iterable[Schedule]) -> Schedule | None:
    matching = [s for s in schedules if s.kind == kind and s.covers(day)]
    # Overlaps are refused when rows are saved; should two still match, the later start wins.
    return max(matching, key=lambda s: s.valid_from, default=None)


def quote(facts: IncidentFacts, schedules: Sequence[Schedule]) -> Quote:
    """What the facts qualify for under the schedule in force on the day of the incident."""
    schedule = schedule_for(facts.kind, facts.occurred_on, schedules)
    if schedule is None:
        starts = [s.valid_from for s in schedules if s.kind == facts.kind]
        code = (
            "before_programme" if not starts or facts.occurred_on < min(starts) else "no_schedule"
        )
        return _refused((code,), NO_SCHEDULE_VERSION, ())
    unmet = tuple(r for r in schedule.requirements if not (r.any_of & facts.reports))
    refusals = _refusals(facts, schedule)
    if refusals:
        return _refused(refusals, schedule.version, unmet)
    lines = _amount_lines(facts, schedule)
    entitlement = sum(line.amount for line in lines)
    return Quote(
        entitlement=entitlement,
        payable=entitlement > 0 and not unmet,
        lines=lines,
        unmet=tuple(r.code for r in unmet),
        refusals=(),
        rules_version=schedule.version,
        unmet_requirements=unmet,
    )


def _refusals(facts: IncidentFacts, schedule: Schedule) -> tuple[str, ...]:
    refusals = []
    if facts.member_class not in schedule.member_classes:
        refusals.append("member_class")
    if facts.facility_kind not in schedule.facility_kinds:
        refusals.append("facility_kind")
    if facts.insider and schedule.insider_excluded:
        refusals.append("insider")
    return tuple(refusals)


def _refused(codes: tuple[str, ...], version: str, unmet: tuple[Requirement, ...]) -> Quote:
    lines = tuple(
        Line(f"refused.{code}", REFUSAL_LABELS[code][0], REFUSAL_LABELS[code][1], 0)
        for code in codes
    )
    return Quote(
        entitlement=0,
        payable=False,
        lines=lines,
        unmet=tuple(r.code for r in unmet),
        refusals=codes,
        rules_version=version,
        unmet_requirements=unmet,
    )


def _amount_lines(facts: IncidentFacts, s: Schedule) -> tuple[Line, ...]:
    kind_ja, kind_en = KIND_LABELS[facts.kind]
    lines = [Line("base", f"基本額（{kind_ja}）", f"Base amount ({kind_en})", s.base_amount)]
    days = facts.closure_days
    if days < 1:
        return tuple(lines)
    if s.closure_per_day:
        uncapped = days * s.closure_per_day
        amount = min(uncapped, s.closure_cap) if s.closure_cap else uncapped
        cap_ja = f"、上限{yen(s.closure_cap)}" if s.closure_cap else ""
        cap_en = f", at most {yen(s.closure_cap)}" if s.closure_cap else ""
        lines.append(
            Line(
                "closure_per_day",
                f"休業加算（{days}日 × {yen(s.closure_per_day)}{cap_ja}）",
                f"Closure addition ({days} days × {yen(s.closure_per_day)}{cap_en})",
                amount,
            )
        )
    elif s.closure_flat:
        lines.append(
            Line(
                "closure_flat",
                f"休業加算（定額、休業{days}日、{japanese_date(s.valid_from)}以降の発生分の基準）",
                f"Closure addition (flat, {days} days closed, schedule from {s.valid_from})",
                s.closure_flat,
            )
        )
    else:
        lines.append(
            Line(
                "closure_none",
                f"休業加算なし（{kind_ja}）",
                f"No closure addition ({kind_en})",
                0,
            )
        )
    return tuple(lines)


# --- reading the facts as the CLI and the API receive them ---

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FACT_KEYS = (
    "kind",
    "occurred_on",
    "closure_days",
    "insider",
    "member_class",
    "facility_kind",
    "reports",
)


def parse_facts(data: Any, *, today: date) -> IncidentFacts:
    """The facts from a JSON object, or :class:`InvalidFacts` saying what is wrong."""
    if not isinstance(data, Mapping):
        raise InvalidFacts(_("JSONオブジェクト（{…}）を1つ渡してください。"))
    missing = [k for k in FACT_KEYS if k not in data]
    if missing:
        raise InvalidFacts(_("必要な項目がありません: %(keys)s") % {"keys": ", ".join(missing)})
    unknown = sorted(set(data) - set(FACT_KEYS))
    if unknown:
        raise InvalidFacts(
            _("知らない項目があります: %(keys)s") % {"keys": ", ".join(map(str, unknown))}
        )
    _one_of(data["kind"], KINDS, "kind")
    _one_of(data["member_class"], MEMBER_CLASSES, "member_class")
    _one_of(data["facility_kind"], FACILITY_KINDS, "facility_kind")
    occurred_on = _date(data["occurred_on"], today)
    days = data["closure_days"]
    if isinstance(days, bool) or not isinstance(days, int):
        raise InvalidFacts(_("closure_days（休業日数）は0以上の整数で指定してください。"))
    if days < 0:
        raise InvalidFacts(_("closure_days（休業日数）が負の数です: %(days)s") % {"days": days})
    if not isinstance(data["insider"], bool):
        raise InvalidFacts(_("insider（内部犯罪か）は true か false で指定してください。"))
    reports = data["reports"]
    if not isinstance(reports, list):
        raise InvalidFacts(_("reports（実施した報告）はリストで指定してください。"))
    for report in reports:
        _one_of(report, REPORTS, "reports")
    return IncidentFacts(
        kind=data["kind"],
        occurred_on=occurred_on,
        closure_days=days,
        insider=data["insider"],
        member_class=data["member_class"],
        facility_kind=data["facility_kind"],
        reports=frozenset(reports),
    )


def _one_of(value: Any, allowed: tuple[str, ...], key: str) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidFacts(
            _("%(key)s の値「%(value)s」は使えません。使える値: %(allowed)s")
            % {"key": key, "value": value, "allowed": "、".join(allowed)}
        )


def _date(value: Any, today: date) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InvalidFacts(
            _("occurred_on（発生日）は YYYY-MM-DD で指定してください: %(value)s") % {"value": value}
        )
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidFacts(
            _("occurred_on（発生日）の日付「%(value)s」は存在しません。") % {"value": value}
        ) from None
    if day > today:
        raise InvalidFacts(
            _("occurred_on（発生日）%(day)sは未来の日付です（今日は%(today)s）。")
            % {"day": japanese_date(day), "today": japanese_date(today)}
        )
    return day
