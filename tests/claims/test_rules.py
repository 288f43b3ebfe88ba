"""The payment rules of programme.md, Pillar 3, row by row, on the schedules the migration loads."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcyber.claims import queries, rules
from medcyber.claims.rules import IncidentFacts, InvalidFacts, parse_facts


@pytest.fixture
def schedules(db: None) -> list[rules.Schedule]:
    """The rows the migration loads: the programme's rules as shipped."""
    return queries.schedules()


def facts(
    kind: str = "cyber_attack",
    occurred_on: str = "2024-03-10",
    closure_days: int = 0,
    *,
    insider: bool = False,
    member_class: str = "A1",
    facility_kind: str = "clinic",
    reports: tuple[str, ...] | None = None,
) -> IncidentFacts:
    if reports is None:
        reports = ("mhlw",) if kind == "cyber_attack" else ("ppc", "individuals")
    return IncidentFacts(
        kind=kind,
        occurred_on=date.fromisoformat(occurred_on),
        closure_days=closure_days,
        insider=insider,
        member_class=member_class,
        facility_kind=facility_kind,
        reports=frozenset(reports),
    )


# ① cyber attack: base ¥100,000 + closure addition; ② leak: ¥50,000. (date, days, yen, version)
AMOUNTS = [
    # from 2023-06-01: ¥100,000 a day closed, at most ¥300,000
    ("cyber_attack", "2024-03-10", 0, 100_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2024-03-10", 1, 200_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2024-03-10", 2, 300_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2024-03-10", 3, 400_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2024-03-10", 4, 400_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2024-03-10", 365, 400_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2023-06-01", 0, 100_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2023-06-01", 1, 200_000, "cyber_attack-2023-06-01"),
    ("cyber_attack", "2023-06-01", 3, 400_000, "cyber_attack-2023-06-01"),
    # 2022-06-01 to 2023-05-31: the base stays; a flat ¥50,000 when closed a day or more
    ("cyber_attack", "2023-05-31", 0, 100_000, "cyber_attack-2022-06-01"),
    ("cyber_attack", "2023-05-31", 1, 150_000, "cyber_attack-2022-06-01"),
    ("cyber_attack", "2023-05-31", 3, 150_000, "cyber_attack-2022-06-01"),
    ("cyber_attack", "2022-06-01", 0, 100_000, "cyber_attack-2022-06-01"),
    ("cyber_attack", "2022-06-01", 2, 150_000, "cyber_attack-2022-06-01"),
    # ② leak: ¥50,000, never a closure addition
    ("data_leak", "2022-06-01", 0, 50_000, "data_leak-2022-06-01"),
    ("data_leak", "2023-05-31", 2, 50_000, "data_leak-2022-06-01"),
    ("data_leak", "2024-03-10", 0, 50_000, "data_leak-2022-06-01"),
    ("data_leak", "2024-03-10", 5, 50_000, "data_leak-2022-06-01"),
]


@pytest.mark.parametrize(("kind", "day", "days", "amount", "version"), AMOUNTS)
def test_amounts(
    schedules: list[rules.Schedule], kind: str, day: str, days: int, amount: int, version: str
) -> None:
    result = rules.quote(facts(kind, day, days), schedules)
    assert (result.entitlement, result.payable, result.rules_version) == (amount, True, version)
    assert sum(line.amount for line in result.lines) == amount
    assert result.unmet == result.refusals == ()


@pytest.mark.parametrize("kind", ["cyber_attack", "data_leak"])
@pytest.mark.parametrize("day", ["2022-05-31", "2020-01-01"])
def test_incidents_before_the_programme_are_not_paid(
    schedules: list[rules.Schedule], kind: str, day: str
) -> None:
    result = rules.quote(facts(kind, day, 3), schedules)
    assert (result.entitlement, result.payable) == (0, False)
    assert result.refusals == ("before_programme",)
    assert result.rules_version == "none"
    assert [line.code for line in result.lines] == ["refused.before_programme"]


def test_the_ransomware_clinic_of_the_story_sees_every_line(
    schedules: list[rules.Schedule],
) -> None:
    """A demo clinic hit by ransomware on 2024-03-10 and closed three days: ¥400,000."""
    result = rules.quote(facts("cyber_attack", "2024-03-10", 3, reports=("jma",)), schedules)
    assert result.as_contract() == {
        "entitlement": 400_000,
        "payable": True,
        "lines": [
            {"code": "base", "label": "基本額（サイバー攻撃の被害）", "amount": 100_000},
            {
                "code": "closure_per_day",
                "label": "休業加算（3日 × ¥100,000、上限¥300,000）",
                "amount": 300_000,
            },
        ],
        "unmet": [],
        "refusals": [],
        "rules_version": "cyber_attack-2023-06-01",
    }
    assert [line.label_en for line in result.lines] == [
        "Base amount (cyber attack)",
        "Closure addition (3 days × ¥100,000, at most ¥300,000)",
    ]


def test_the_flat_closure_line_names_its_schedule(schedules: list[rules.Schedule]) -> None:
    line = rules.quote(facts("cyber_attack", "2023-05-31", 4), schedules).lines[1]
    assert (line.code, line.amount) == ("closure_flat", 50_000)
    assert "定額" in line.label_ja and "2022年6月1日" in line.label_ja
    assert "flat" in line.label_en


def test_a_leak_with_closure_days_explains_why_nothing_is_added(
    schedules: list[rules.Schedule],
) -> None:
    lines = rules.quote(facts("data_leak", "2024-03-10", 2), schedules).lines
    assert [(x.code, x.amount) for x in lines] == [("base", 50_000), ("closure_none", 0)]
    assert (
        lines[1].label_en == "No closure addition (personal-data leak not caused by a cyber attack)"
    )


# requirements: ① MHLW or JMA; ② PPC report with recurrence measures and notice to the persons
REQUIREMENTS = [
    ("cyber_attack", ("mhlw",), ()),
    ("cyber_attack", ("jma",), ()),
    ("cyber_attack", ("mhlw", "jma"), ()),
    ("cyber_attack", (), ("report_mhlw_or_jma",)),
    ("cyber_attack", ("police",), ("report_mhlw_or_jma",)),
    ("cyber_attack", ("ppc", "individuals"), ("report_mhlw_or_jma",)),
    ("data_leak", ("ppc", "individuals"), ()),
    ("data_leak", ("ppc",), ("notice_individuals",)),
    ("data_leak", ("individuals",), ("report_ppc",)),
    ("data_leak", ("mhlw", "jma", "police"), ("report_ppc", "notice_individuals")),
    ("data_leak", (), ("report_ppc", "notice_individuals")),
]


@pytest.mark.parametrize(("kind", "reports", "unmet"), REQUIREMENTS)
def test_requirements(
    schedules: list[rules.Schedule], kind: str, reports: tuple[str, ...], unmet: tuple[str, ...]
) -> None:
    result = rules.quote(facts(kind, reports=reports), schedules)
    assert result.unmet == unmet
    # the facts still qualify: the entitlement stands, it is not payable until the report exists
    assert result.entitlement == (100_000 if kind == "cyber_attack" else 50_000)
    assert result.payable is (not unmet)
    assert [r.code for r in result.unmet_requirements] == list(unmet)


def test_unmet_requirements_have_labels_for_the_member(schedules: list[rules.Schedule]) -> None:
    (requirement,) = rules.quote(facts(reports=()), schedules).unmet_requirements
    assert requirement.label_ja == "日本医師会への報告 または 厚生労働省への報告"
    assert requirement.label_en == "report to the JMA or report to the MHLW"


@pytest.mark.parametrize("kind", ["cyber_attack", "data_leak"])
@pytest.mark.parametrize("day", ["2022-06-01", "2023-05-31", "2023-06-01", "2025-01-10"])
def test_insider_crimes_are_not_paid(schedules: list[rules.Schedule], kind: str, day: str) -> None:
    result = rules.quote(facts(kind, day, 3, insider=True), schedules)
    assert (result.entitlement, result.payable, result.refusals) == (0, False, ("insider",))
    assert result.lines[0].label_ja == "内部犯罪に起因する事案のため支給対象外"
    assert result.rules_version != "none"


@pytest.mark.parametrize("member_class", ["A2B", "A2C", "B", "C"])
def test_only_class_a1_members_are_covered(
    schedules: list[rules.Schedule], member_class: str
) -> None:
    result = rules.quote(facts(closure_days=2, member_class=member_class), schedules)
    assert (result.entitlement, result.refusals) == (0, ("member_class",))


@pytest.mark.parametrize(
    ("facility_kind", "covered"),
    [("hospital", True), ("clinic", True), ("care_facility", True), ("other", False)],
)
def test_covered_facility_kinds(
    schedules: list[rules.Schedule], facility_kind: str, covered: bool
) -> None:
    result = rules.quote(facts(facility_kind=facility_kind), schedules)
    assert (result.entitlement > 0, result.refusals) == (
        covered,
        () if covered else ("facility_kind",),
    )


def test_every_refusal_is_listed_with_the_unmet_requirements(
    schedules: list[rules.Schedule],
) -> None:
    result = rules.quote(
        facts(insider=True, member_class="B", facility_kind="other", reports=()), schedules
    )
    assert result.refusals == ("member_class", "facility_kind", "insider")
    assert result.unmet == ("report_mhlw_or_jma",)
    assert len(result.lines) == 3 and all(line.amount == 0 for line in result.lines)


def test_a_gap_between_schedules_is_not_a_programme_start() -> None:
    early = rules.Schedule("a", "data_leak", date(2022, 6, 1), date(2022, 12, 31), 50_000)
    late = rules.Schedule("b", "data_leak", date(2024, 1, 1), None, 60_000)
    result = rules.quote(facts("data_leak", "2023-02-01"), [early, late])
    assert result.refusals == ("no_schedule",)
    assert rules.quote(facts("data_leak", "2024-01-01"), [early, late]).entitlement == 60_000


# --- properties ---
fact_strategy = st.builds(
    IncidentFacts,
    kind=st.sampled_from(rules.KINDS),
    occurred_on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    closure_days=st.integers(0, 400),
    insider=st.booleans(),
    member_class=st.sampled_from(rules.MEMBER_CLASSES),
    facility_kind=st.sampled_from(rules.FACILITY_KINDS),
    reports=st.frozensets(st.sampled_from(rules.REPORTS)),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fact_strategy)
def test_the_lines_always_add_up_to_the_entitlement(
    schedules: list[rules.Schedule], f: IncidentFacts
) -> None:
    result = rules.quote(f, schedules)
    assert sum(line.amount for line in result.lines) == result.entitlement
    assert 0 <= result.entitlement <= 400_000
    assert result.payable == (result.entitlement > 0 and not result.unmet and not result.refusals)
    assert all(line.label_ja and line.label_en for line in result.lines)
    assert (result.entitlement == 0) == bool(result.refusals)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fact_strategy, st.integers(0, 30))
def test_a_longer_closure_never_pays_less(
    schedules: list[rules.Schedule], f: IncidentFacts, more: int
) -> None:
    longer = IncidentFacts(**{**f.__dict__, "closure_days": f.closure_days + more})
    assert rules.quote(longer, schedules).entitlement >= rules.quote(f, schedules).entitlement


# --- reading the facts ---
TODAY = date(2026, 11, 30)
GOOD = {
    "kind": "cyber_attack",
    "occurred_on": "2024-03-10",
    "closure_days": 3,
    "insider": False,
    "member_class": "A1",
    "facility_kind": "clinic",
    "reports": ["mhlw", "police"],
}


def test_good_facts_are_read() -> None:
    assert parse_facts(GOOD, today=TODAY) == facts(closure_days=3, reports=("mhlw", "police"))
    assert parse_facts({**GOOD, "occurred_on": "2026-11-30"}, today=TODAY).occurred_on == TODAY


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "earthquake"}, "kind の値「earthquake」は使えません"),
        ({"member_class": "A"}, "member_class の値「A」は使えません"),
        ({"facility_kind": "pharmacy"}, "facility_kind の値「pharmacy」"),
        ({"occurred_on": "2023-02-30"}, "「2023-02-30」は存在しません"),
        ({"occurred_on": "2024/03/10"}, "YYYY-MM-DD で指定してください"),
        ({"occurred_on": "20240310"}, "YYYY-MM-DD で指定してください"),
        ({"occurred_on": "２０２４-03-10"}, "YYYY-MM-DD で指定してください"),
        ({"occurred_on": "2026-12-01"}, "2026年12月1日は未来の日付です"),
        ({"closure_days": -1}, "負の数です: -1"),
        ({"closure_days": 1.5}, "0以上の整数"),
        ({"closure_days": "3"}, "0以上の整数"),
        ({"closure_days": True}, "0以上の整数"),
        ({"insider": "no"}, "true か false"),
        ({"reports": "mhlw"}, "リストで指定"),
        ({"reports": ["mhlw", "fax"]}, "reports の値「fax」は使えません"),
        ({"closure_day": 3}, "知らない項目があります: closure_day"),
    ],
)
def test_bad_facts_are_refused_with_the_reason(change: dict, reason: str) -> None:
    with pytest.raises(InvalidFacts, match=reason):
        parse_facts({**GOOD, **change}, today=TODAY)


@pytest.mark.parametrize("key", list(GOOD))
def test_every_key_is_required(key: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != key}
    with pytest.raises(InvalidFacts, match=f"必要な項目がありません: {key}"):
        parse_facts(data, today=TODAY)


def test_only_an_object_is_read() -> None:
    with pytest.raises(InvalidFacts, match="JSONオブジェクト"):
        parse_facts([GOOD], today=TODAY)
