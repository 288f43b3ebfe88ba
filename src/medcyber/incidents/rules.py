"""Which reports an incident needs and by when (regulations.md §1–§2): pure functions over
plain values. No ORM and no clock: the rules table is passed in (``ruleset.py`` loads it from
the database), and so is today's date.

The statutory readings are data: :data:`BASELINE_RULES` and :data:`BASELINE_CRITERIA` are the
rows the data migration loads (a test keeps the two in step); staff change the database rows,
with effective dates, when the law changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import jpholiday
from django.utils.translation import gettext as _


class Category(StrEnum):
    """What the law and the programme distinguish: an attack, or a leak without one."""

    CYBER_ATTACK = "cyber_attack"
    DATA_LEAK = "data_leak"


class ObligationCode(StrEnum):
    MHLW = "mhlw"
    JMA = "jma"
    POLICE = "police"
    PPC_PRELIMINARY = "ppc_preliminary"
    PPC_FINAL = "ppc_final"
    INDIVIDUALS = "individuals"


#: The order obligations are listed in: by whom they are owed, most urgent first.
CODE_ORDER = tuple(ObligationCode)


class Condition(StrEnum):
    """When a rule applies to an incident."""

    CYBER_ATTACK = "cyber_attack"  # any cyber attack on the institution
    PPC_REPORT = "ppc_report"  # a leak the PPC must be told of (規則7条)


class Timing(StrEnum):
    IMMEDIATELY = "immediately"  # 直ちに: no fixed day, shown with the date it was done
    PROMPTLY = "promptly"  # 速やかに (notice to individuals): no fixed day either
    DAYS = "days"  # day N counted from the day the business knew (day 1)


@dataclass(frozen=True)
class ObligationRule:
    code: ObligationCode
    condition: Condition
    timing: Timing
    basis: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    days: int | None = None
    #: Day count where the leak was or may have been for an unlawful purpose (確報: 60 days).
    days_if_unlawful: int | None = None
    #: A last day on a closed day moves to the next open day.
    roll_forward: bool = True

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class LeakCriteria:
    """When a personal-data leak must be reported to the PPC (規則7条)."""

    valid_from: dt.date
    valid_to: dt.date | None = None
    #: More than this many persons (1,000 exactly does not qualify).
    persons_over: int = 1000
    #: A cyber attack that reaches personal data counts as an unlawful purpose (category 3).
    attack_is_unlawful: bool = True

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class IncidentFacts:
    category: Category
    discovered_on: dt.date
    persons: int = 0
    sensitive_data: bool = False
    financial_damage_risk: bool = False
    unlawful_purpose: bool = False
    strongly_encrypted: bool = False
    occurred_on: dt.date | None = None


@dataclass(frozen=True)
class ObligationDue:
    code: ObligationCode
    timing: Timing
    due_on: dt.date | None
    basis: str


@dataclass(frozen=True)
class Assessment:
    ppc_report_required: bool
    ppc_reasons: tuple[str, ...]
    unlawful: bool
    obligations: tuple[ObligationDue, ...]

    def codes(self) -> list[str]:
        return [o.code.value for o in self.obligations]


class FactsError(ValueError):
    """Facts that cannot be true together, or dates that cannot be right (a readable message
    for the person who entered them)."""


# --- the rows the data migration loads -------------------------------------------------------
#: The amended Act on the Protection of Personal Information in force since 2022-04-01.
ACT_2022 = dt.date(2022, 4, 1)

BASELINE_RULES: tuple[ObligationRule, ...] = (
    ObligationRule(
        ObligationCode.MHLW,
        Condition.CYBER_ATTACK,
        Timing.IMMEDIATELY,
        "サイバー攻撃を受けた医療機関は厚生労働省へ速やかに報告",
        ACT_2022,
    ),
    ObligationRule(
        ObligationCode.JMA,
        Condition.CYBER_ATTACK,
        Timing.IMMEDIATELY,
        "支援金①には厚生労働省または日本医師会への報告が必要",
        ACT_2022,
    ),
    ObligationRule(
        ObligationCode.POLICE,
        Condition.CYBER_ATTACK,
        Timing.IMMEDIATELY,
        "サイバー攻撃は都道府県警察へ通報・相談",
        ACT_2022,
    ),
    ObligationRule(
        ObligationCode.PPC_PRELIMINARY,
        Condition.PPC_REPORT,
        Timing.DAYS,
        "個人情報保護法施行規則8条1項：速報（目安は知った日から5日）",
        ACT_2022,
        days=5,
    ),
    ObligationRule(
        ObligationCode.PPC_FINAL,
        Condition.PPC_REPORT,
        Timing.DAYS,
        "個人情報保護法施行規則8条2項：確報（30日、不正の目的は60日）",
        ACT_2022,
        days=30,
        days_if_unlawful=60,
    ),
    ObligationRule(
        ObligationCode.INDIVIDUALS,
        Condition.PPC_REPORT,
        Timing.PROMPTLY,
        "個人情報保護法施行規則10条：本人への通知（状況に応じ速やかに）",
        ACT_2022,
    ),
)

BASELINE_CRITERIA: tuple[LeakCriteria, ...] = (LeakCriteria(valid_from=ACT_2022),)


# --- the calendar ----------------------------------------------------------------------------
def is_year_end_closure(day: dt.date) -> bool:
    """29 December – 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_closed_day(day: dt.date) -> bool:
    """Saturdays, Sundays, national (and substitute) holidays and the year-end closure."""
    return day.weekday() >= 5 or is_year_end_closure(day) or jpholiday.is_holiday(day)


def next_open_day(day: dt.date) -> dt.date:
    while is_closed_day(day):
        day += dt.timedelta(days=1)
    return day


def day_n(knew_on: dt.date, n: int, *, roll_forward: bool = True) -> dt.date:
    """Day ``n`` counting the day the business knew as day 1; a closed last day moves on."""
    if n < 1:
        raise ValueError("day counts start at 1")
    last = knew_on + dt.timedelta(days=n - 1)
    return next_open_day(last) if roll_forward else last


# --- the assessment --------------------------------------------------------------------------
def validate(facts: IncidentFacts, *, today: dt.date) -> None:
    """Refuse facts that cannot be right, with the reason in Japanese."""
    if facts.persons < 0:
        raise FactsError(_("人数は0以上の整数で入力してください。"))
    if facts.discovered_on > today:
        raise FactsError(_("発覚日が未来の日付になっています。"))
    if facts.occurred_on is not None:
        if facts.occurred_on > today:
            raise FactsError(_("発生日が未来の日付になっています。"))
        if facts.occurred_on > facts.discovered_on:
            raise FactsError(_("発覚日が発生日より前になっています。"))
    if facts.persons == 0 and (facts.sensitive_data or facts.financial_damage_risk):
        raise FactsError(
            _(
                "個人データの人数が0人なのに、要配慮個人情報または財産的被害のおそれが"
                "選ばれています。"
            )
        )
    if facts.persons == 0 and facts.strongly_encrypted:
        raise FactsError(_("個人データの人数が0人なのに、高度な暗号化が選ばれています。"))


def _rules_in_force(rules: Iterable[ObligationRule], day: dt.date) -> list[ObligationRule]:
    by_code: dict[ObligationCode, ObligationRule] = {}
    for rule in rules:
        if rule.in_force(day):
            current = by_code.get(rule.code)
            if current is None or rule.valid_from > current.valid_from:
                by_code[rule.code] = rule
    return [by_code[code] for code in CODE_ORDER if code in by_code]


def _criteria_in_force(criteria: Iterable[LeakCriteria], day: dt.date) -> LeakCriteria:
    found = [c for c in criteria if c.in_force(day)]
    if not found:
        raise FactsError(
            _("この日付に適用される報告基準が登録されていません。事務局にご連絡ください。")
        )
    return max(found, key=lambda c: c.valid_from)


def ppc_reasons(facts: IncidentFacts, criteria: LeakCriteria) -> tuple[list[str], bool]:
    """Why the PPC must be told (empty: it need not), and whether category 3 applies."""
    if facts.persons <= 0 or facts.strongly_encrypted:
        return [], False
    unlawful = facts.unlawful_purpose or (
        criteria.attack_is_unlawful and facts.category == Category.CYBER_ATTACK
    )
    reasons = []
    if facts.sensitive_data:
        reasons.append(_("要配慮個人情報の漏えい（等）"))
    if facts.financial_damage_risk:
        reasons.append(_("財産的被害のおそれ"))
    if unlawful:
        reasons.append(_("不正の目的によるおそれ"))
    if facts.persons > criteria.persons_over:
        reasons.append(_("%(n)s人を超える漏えい（等）") % {"n": f"{criteria.persons_over:,}"})
    return reasons, unlawful


def assess(
    facts: IncidentFacts,
    *,
    rules: Sequence[ObligationRule],
    criteria: Sequence[LeakCriteria],
    today: dt.date,
) -> Assessment:
    """The reports an incident needs, each with its due date (``None``: immediately/promptly)."""
    validate(facts, today=today)
    knew_on = facts.discovered_on
    reasons, unlawful = ppc_reasons(facts, _criteria_in_force(criteria, knew_on))
    ppc_required = bool(reasons)
    out = []
    for rule in _rules_in_force(rules, knew_on):
        if rule.condition == Condition.CYBER_ATTACK and facts.category != Category.CYBER_ATTACK:
            continue
        if rule.condition == Condition.PPC_REPORT and not ppc_required:
            continue
        due_on = None
        basis = rule.basis
        if rule.timing == Timing.DAYS:
            days = rule.days_if_unlawful if unlawful and rule.days_if_unlawful else rule.days
            assert days is not None, f"rule {rule.code} counts days but has none"
            due_on = day_n(knew_on, days, roll_forward=rule.roll_forward)
        if rule.condition == Condition.PPC_REPORT:
            basis = f"{basis}／{'・'.join(reasons)}"
        out.append(ObligationDue(rule.code, rule.timing, due_on, basis))
    return Assessment(ppc_required, tuple(reasons), unlawful, tuple(out))


@dataclass(frozen=True)
class Change:
    """One difference between two assessments, for showing what a fact change did."""

    code: ObligationCode
    kind: str  # "added" | "removed" | "due_changed"
    before: dt.date | None = None
    after: dt.date | None = None


def compare(before: Assessment | None, after: Assessment) -> list[Change]:
    old = {o.code: o for o in (before.obligations if before else ())}
    new = {o.code: o for o in after.obligations}
    changes = []
    for code in CODE_ORDER:
        if code in new and code not in old:
            changes.append(Change(code, "added", after=new[code].due_on))
        elif code in old and code not in new:
            changes.append(Change(code, "removed", before=old[code].due_on))
        elif code in old and old[code].due_on != new[code].due_on:
            changes.append(Change(code, "due_changed", old[code].due_on, new[code].due_on))
    return changes
