"""The reporting rules of regulations.md §1–§2, one table row per rule, then properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcyber.incidents import rules
from medcyber.incidents.rules import Category, IncidentFacts, ObligationCode

D = dt.date
TODAY = D(2026, 11, 30)
ATTACK, LEAK = Category.CYBER_ATTACK, Category.DATA_LEAK


def assess(facts: IncidentFacts, today: dt.date = TODAY) -> rules.Assessment:
    return rules.assess(
        facts, rules=rules.BASELINE_RULES, criteria=rules.BASELINE_CRITERIA, today=today
    )


def due(facts: IncidentFacts) -> dict[str, dt.date | None]:
    return {o.code.value: o.due_on for o in assess(facts).obligations}


# --- when the PPC must be told (規則7条) -----------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "required"),
    [
        # sensitive data (medical records): even one person
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=1, sensitive_data=True), True),
        # risk of financial damage: even one person
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=1, financial_damage_risk=True), True),
        # unlawful purpose (insider selling data): even one person
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=1, unlawful_purpose=True), True),
        # a cyber attack that reaches personal data counts as unlawful purpose
        (IncidentFacts(ATTACK, D(2025, 4, 1), persons=1), True),
        # more than 1,000 persons; 1,000 exactly does not qualify
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=1001), True),
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=1000), False),
        # a leak of ordinary data of few persons
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=3), False),
        # an attack that reached no personal data
        (IncidentFacts(ATTACK, D(2025, 4, 1), persons=0), False),
        # strong encryption whose key did not leak
        (
            IncidentFacts(
                LEAK, D(2025, 4, 1), persons=5000, sensitive_data=True, strongly_encrypted=True
            ),
            False,
        ),
    ],
)
def test_ppc_report_required(facts: IncidentFacts, required: bool) -> None:
    result = assess(facts)
    assert result.ppc_report_required is required
    ppc = {"ppc_preliminary", "ppc_final", "individuals"}
    assert ppc.issubset(result.codes()) is required
    assert not ppc.intersection(result.codes()) or required


def test_attacks_need_the_mhlw_the_jma_and_the_police_immediately() -> None:
    result = assess(IncidentFacts(ATTACK, D(2025, 4, 1)))
    assert result.codes() == ["mhlw", "jma", "police"]
    assert all(o.due_on is None for o in result.obligations)
    assert {o.timing for o in result.obligations} == {rules.Timing.IMMEDIATELY}


def test_a_leak_without_an_attack_needs_no_mhlw_jma_or_police_report() -> None:
    result = assess(IncidentFacts(LEAK, D(2025, 4, 1), persons=2, sensitive_data=True))
    assert result.codes() == ["ppc_preliminary", "ppc_final", "individuals"]


def test_the_notice_to_individuals_is_due_promptly() -> None:
    result = assess(IncidentFacts(LEAK, D(2025, 4, 1), persons=2, sensitive_data=True))
    notice = result.obligations[-1]
    assert (notice.code, notice.timing, notice.due_on) == (
        ObligationCode.INDIVIDUALS,
        rules.Timing.PROMPTLY,
        None,
    )


def test_the_basis_says_why_the_ppc_must_be_told() -> None:
    result = assess(IncidentFacts(LEAK, D(2025, 4, 1), persons=1500, sensitive_data=True))
    assert "要配慮個人情報" in result.obligations[0].basis
    assert "1,000人を超える" in result.obligations[0].basis


# --- the regulation's own example and the counting rule --------------------------------------
def test_the_regulations_example() -> None:
    # knew on 2025-04-01 → 30-day deadline 2025-04-30, 60-day deadline 2025-05-30
    plain = due(IncidentFacts(LEAK, D(2025, 4, 1), persons=1, sensitive_data=True))
    assert plain["ppc_final"] == D(2025, 4, 30)
    unlawful = due(IncidentFacts(LEAK, D(2025, 4, 1), persons=1, unlawful_purpose=True))
    assert unlawful["ppc_final"] == D(2025, 5, 30)
    attack = due(IncidentFacts(ATTACK, D(2025, 4, 1), persons=1))
    assert attack["ppc_final"] == D(2025, 5, 30)


@pytest.mark.parametrize(
    ("knew_on", "n", "expected", "why"),
    [
        # every weekday of one week as the last day (knew on Mon 2025-06-02)
        (D(2025, 6, 2), 1, D(2025, 6, 2), "Monday"),
        (D(2025, 6, 2), 2, D(2025, 6, 3), "Tuesday"),
        (D(2025, 6, 2), 3, D(2025, 6, 4), "Wednesday"),
        (D(2025, 6, 2), 4, D(2025, 6, 5), "Thursday"),
        (D(2025, 6, 2), 5, D(2025, 6, 6), "Friday"),
        (D(2025, 6, 2), 6, D(2025, 6, 9), "Saturday moves to Monday"),
        (D(2025, 6, 2), 7, D(2025, 6, 9), "Sunday moves to Monday"),
        # national holidays
        (D(2025, 4, 1), 29, D(2025, 4, 30), "Shōwa Day (Tue 29 April) moves to 30 April"),
        (D(2025, 4, 1), 34, D(2025, 5, 7), "Golden Week: 3–6 May 2025 closed (6th substitute)"),
        (D(2025, 10, 15), 30, D(2025, 11, 13), "an ordinary Thursday"),
        (D(2025, 10, 5), 30, D(2025, 11, 4), "3 Nov 2025 Culture Day (Monday) moves on"),
        # substitute holidays (振替休日)
        (D(2024, 1, 13), 30, D(2024, 2, 13), "11 Feb 2024 Sunday → 12 Feb substitute holiday"),
        (D(2024, 7, 17), 30, D(2024, 8, 15), "an ordinary Thursday in August"),
        (D(2024, 7, 14), 30, D(2024, 8, 13), "11 Aug 2024 Sunday → 12 Aug substitute holiday"),
        # the year-end closure 29 Dec – 3 Jan, across the year boundary
        (D(2025, 11, 29), 30, D(2026, 1, 5), "28 Dec Sunday, closure to 3 Jan, 4 Jan Sunday"),
        (D(2025, 12, 1), 29, D(2026, 1, 5), "29 December is closed"),
        (D(2026, 12, 2), 30, D(2027, 1, 4), "31 December moves past New Year to 4 Jan (Mon)"),
        (D(2023, 12, 5), 30, D(2024, 1, 4), "3 January 2024 closed; 4th is Thursday"),
        # leap years
        (D(2024, 2, 1), 29, D(2024, 2, 29), "29 Feb 2024 exists (Thursday)"),
        (D(2023, 2, 1), 29, D(2023, 3, 1), "no 29 Feb in 2023"),
        (D(2024, 1, 31), 30, D(2024, 2, 29), "January into a leap February"),
        (D(2028, 1, 31), 30, D(2028, 2, 29), "29 Feb 2028 Tuesday"),
    ],
)
def test_day_n(knew_on: dt.date, n: int, expected: dt.date, why: str) -> None:
    assert rules.day_n(knew_on, n) == expected, why


def test_preliminary_report_target_is_day_5() -> None:
    # knew on Tuesday 2025-04-01: day 5 is Saturday 5 April → Monday 7 April
    result = due(IncidentFacts(LEAK, D(2025, 4, 1), persons=1, sensitive_data=True))
    assert result["ppc_preliminary"] == D(2025, 4, 7)
    result = due(IncidentFacts(LEAK, D(2025, 6, 2), persons=1, sensitive_data=True))
    assert result["ppc_preliminary"] == D(2025, 6, 6)


@pytest.mark.parametrize(
    "day",
    [D(2025, 5, 6), D(2024, 2, 12), D(2025, 12, 29), D(2026, 1, 3), D(2025, 6, 7), D(2025, 9, 23)],
)
def test_closed_days(day: dt.date) -> None:
    assert rules.is_closed_day(day)


@pytest.mark.parametrize("day", [D(2025, 12, 26), D(2026, 1, 5), D(2025, 6, 6), D(2025, 4, 30)])
def test_open_days(day: dt.date) -> None:
    assert not rules.is_closed_day(day)


# --- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (IncidentFacts(LEAK, D(2026, 12, 1)), "発覚日が未来"),
        (IncidentFacts(LEAK, D(2025, 4, 1), occurred_on=D(2025, 4, 2)), "発覚日が発生日より前"),
        (IncidentFacts(LEAK, D(2025, 4, 1), occurred_on=D(2027, 1, 1)), "発生日が未来"),
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=-1), "0以上"),
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=0, sensitive_data=True), "0人なのに"),
        (IncidentFacts(LEAK, D(2025, 4, 1), persons=0, strongly_encrypted=True), "0人なのに"),
    ],
)
def test_facts_that_cannot_be_right_are_refused(facts: IncidentFacts, message: str) -> None:
    with pytest.raises(rules.FactsError, match=message):
        assess(facts)


def test_no_criteria_in_force_is_an_error() -> None:
    with pytest.raises(rules.FactsError):
        rules.assess(
            IncidentFacts(LEAK, D(2021, 4, 1), persons=1, sensitive_data=True),
            rules=rules.BASELINE_RULES,
            criteria=rules.BASELINE_CRITERIA,
            today=TODAY,
        )


# --- effective dates: a change in the law is a new row -----------------------------------------
def test_a_later_rule_replaces_the_earlier_from_its_date() -> None:
    amended = rules.ObligationRule(
        ObligationCode.PPC_FINAL,
        rules.Condition.PPC_REPORT,
        rules.Timing.DAYS,
        "改正法",
        valid_from=D(2027, 4, 1),
        days=45,
        days_if_unlawful=90,
    )
    table = (*rules.BASELINE_RULES, amended)
    facts = IncidentFacts(LEAK, D(2027, 4, 1), persons=1, sensitive_data=True)
    before = IncidentFacts(LEAK, D(2027, 3, 31), persons=1, sensitive_data=True)
    after = rules.assess(facts, rules=table, criteria=rules.BASELINE_CRITERIA, today=D(2027, 5, 1))
    old = rules.assess(before, rules=table, criteria=rules.BASELINE_CRITERIA, today=D(2027, 5, 1))
    final = {o.code: o for o in after.obligations}[ObligationCode.PPC_FINAL]
    assert final.due_on == rules.day_n(D(2027, 4, 1), 45)
    assert final.basis.startswith("改正法")
    assert {o.code: o for o in old.obligations}[ObligationCode.PPC_FINAL].due_on == rules.day_n(
        D(2027, 3, 31), 30
    )


def test_compare_names_what_changed() -> None:
    small = assess(IncidentFacts(LEAK, D(2025, 4, 1), persons=900))
    large = assess(IncidentFacts(LEAK, D(2025, 4, 1), persons=1001))
    attack = assess(IncidentFacts(ATTACK, D(2025, 4, 1), persons=1001))
    assert [(c.code.value, c.kind) for c in rules.compare(small, large)] == [
        ("ppc_preliminary", "added"),
        ("ppc_final", "added"),
        ("individuals", "added"),
    ]
    changed = rules.compare(large, attack)
    assert [(c.code.value, c.kind) for c in changed] == [
        ("mhlw", "added"),
        ("jma", "added"),
        ("police", "added"),
        ("ppc_final", "due_changed"),
    ]
    assert (changed[-1].before, changed[-1].after) == (D(2025, 4, 30), D(2025, 5, 30))
    assert [c.kind for c in rules.compare(large, small)] == ["removed"] * 3


# --- properties ------------------------------------------------------------------------------
dates = st.dates(min_value=D(2022, 4, 1), max_value=D(2030, 12, 31))
counts = st.sampled_from([5, 30, 60])


@given(dates, counts)
def test_a_due_date_is_never_on_a_closed_day(knew_on: dt.date, n: int) -> None:
    assert not rules.is_closed_day(rules.day_n(knew_on, n))


@given(dates, counts)
def test_a_due_date_is_never_before_day_n(knew_on: dt.date, n: int) -> None:
    deadline = rules.day_n(knew_on, n)
    assert deadline >= knew_on + dt.timedelta(days=n - 1)
    # and never later than needed: every day skipped was closed
    day = knew_on + dt.timedelta(days=n - 1)
    while day < deadline:
        assert rules.is_closed_day(day)
        day += dt.timedelta(days=1)


@given(dates, counts)
def test_knowing_a_day_later_never_moves_the_deadline_earlier(knew_on: dt.date, n: int) -> None:
    assert rules.day_n(knew_on + dt.timedelta(days=1), n) >= rules.day_n(knew_on, n)


@given(
    dates,
    st.integers(min_value=0, max_value=5000),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(list(Category)),
)
def test_the_final_report_never_comes_before_the_preliminary(
    knew_on: dt.date, persons: int, sensitive: bool, financial: bool, unlawful: bool, kind: Category
) -> None:
    facts = IncidentFacts(
        kind,
        knew_on,
        persons=persons,
        sensitive_data=sensitive and persons > 0,
        financial_damage_risk=financial and persons > 0,
        unlawful_purpose=unlawful,
    )
    result = rules.assess(
        facts, rules=rules.BASELINE_RULES, criteria=rules.BASELINE_CRITERIA, today=D(2031, 1, 1)
    )
    dues = {o.code: o.due_on for o in result.obligations}
    if result.ppc_report_required:
        assert dues[ObligationCode.PPC_PRELIMINARY] <= dues[ObligationCode.PPC_FINAL]  # type: ignore[operator]
    else:
        assert ObligationCode.PPC_FINAL not in dues
