"""Founder/manager links through the staging table (PostgreSQL) give what the row path gives.

As in ``test_import_staged.py``: each file is imported through ``staged_links.py`` and again
with the staging path switched off, from the same registry; the links stored, the counts and
every message (line, column, reason) must be the same. On SQLite only the row-by-row path
exists; the tests still run there and compare it with itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from medcyber.registry.imports import apply
from medcyber.registry.imports import rows as parsers
from medcyber.registry.models import Facility, FacilityManagement, Member
from tests.factories import FacilityFactory, MemberFactory, manage
from tests.registry.test_import_apply import csv_file, run

pytestmark = pytest.mark.usefixtures("db")

HEADER = ["医療機関コード", "介護保険事業所番号", "施設ID", "会員番号", "関係", "開始日", "終了日"]


def _registry() -> dict[str, int]:
    """Three facilities (by code, by care number, by id only) and four members."""
    clinic = FacilityFactory(medical_institution_code="1310000001", name="さくら診療所")
    care = FacilityFactory(
        medical_institution_code="", care_provider_number="1370000001", name="ひまわり苑"
    )
    other = FacilityFactory(medical_institution_code="", name="あおば健診センター")
    for number in ("130001", "130002", "130003", "130004"):
        MemberFactory(membership_number=number)
    return {"clinic": clinic.pk, "care": care.pk, "other": other.pk}


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        FacilityManagement.unscoped.order_by(
            "facility__name", "member__membership_number", "valid_from"
        ).values_list(
            "facility__name", "member__membership_number", "relation", "valid_from", "valid_to"
        )
    )


def _both(
    monkeypatch: pytest.MonkeyPatch,
    steps: Callable[[dict[str, int]], apply.ImportReport],
    setup: Callable[[dict[str, int]], None] = lambda ids: None,
) -> list[tuple[Any, Any, Any]]:
    """(report counts, errors, links) after the staged and after the row-by-row path, each
    from a registry made afresh (``steps`` gets the facilities' ids)."""
    results = []
    for use_staging in (True, False):
        FacilityManagement.unscoped.all().delete()
        Facility.unscoped.all().delete()
        Member.unscoped.all().delete()
        ids = _registry()
        setup(ids)
        with monkeypatch.context() as patch:
            if not use_staging:
                patch.setattr(apply, "_staged", lambda writer: False)
            report = steps(ids)
        errors = sorted((e.line, e.column, e.message, e.value) for e in report.errors)
        counts = {k: v for k, v in report.counts().items() if k != "file_sha256"}
        results.append((counts, errors, _snapshot()))
    return results


def _file(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    return csv_file(tmp_path, rows, header=header, name="links.csv")


def test_the_staging_path_is_used_for_links_on_postgresql() -> None:
    report = apply.ImportReport("links", "x.csv")
    writer = apply.LinkWriter(report, frozenset(), dt.date.today(), 10)
    assert apply._staged(writer) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("valid_only", [False, True])
def test_clean_messy_unknown_and_overlapping_rows_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, valid_only: bool
) -> None:
    def steps(ids: dict[str, int]) -> apply.ImportReport:
        rows = [
            ["1310000001", "", "", "130001", "開設者・管理者", "2015-04-01", ""],
            ["", "1370000001", "", "130002", "管理者", "2016-04-01", ""],
            ["", "", str(ids["other"]), "130003", "", "2017-04-01", "2020-03-31"],
            ["１３１００００００１", "", "", "１３０００１", "開設者", "2015/4/1", ""],
            ["1319999999", "", "", "130001", "", "2015-04-01", ""],
            ["", "1379999999", "", "130001", "", "2015-04-01", ""],
            ["1310000001", "", "", "139999", "", "2015-04-01", ""],
            ["", "", "", "130001", "", "2015-04-01", ""],
            ["1310000001", "", "", "130004", "上司", "2015-02-30", ""],
            ["1310000001", "", "", "130003", "", "2020-04-01", ""],
            ["", "", "0", "130001", "", "2015-04-01", ""],
            ["", "", str(ids["other"]), "130004", "", "R2.4.1", "令和3年3月31日"],
        ]
        return run(_file(tmp_path, rows), "links", valid_only=valid_only)

    staged, python = _both(monkeypatch, steps)
    assert staged == python
    counts, errors, links = staged
    messages = {line: message for line, _column, message, _value in errors}
    assert messages[5].startswith("2行目と重複しています")
    assert "この施設は登録されていません" in messages[6]
    assert [column for line, column, _m, _v in errors if line == 7] == ["介護保険事業所番号"]
    assert "この会員番号の会員は登録されていません" in messages[8]
    assert "どれかを入力してください" in messages[9]
    assert "すでに別の開設者・管理者が登録されています（2015-04-01 から）" in messages[11]
    assert "施設ID" in {column for line, column, _m, _v in errors if line == 12}
    assert counts["rejected"] == 8
    assert len(links) == (4 if valid_only else 0)


@pytest.mark.parametrize("handover_first", [False, True])
def test_a_handover_gives_the_same_result_in_either_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handover_first: bool
) -> None:
    """Ending the old link before the new one starts is accepted; the other way round the
    new link meets the old one still open, on both paths."""

    def setup(ids: dict[str, int]) -> None:
        clinic = Facility.unscoped.get(pk=ids["clinic"])
        manage(clinic, Member.unscoped.get(membership_number="130001"))

    ending = ["1310000001", "", "", "130001", "開設者・管理者", "2015-04-01", "2025-03-31"]
    taking = ["1310000001", "", "", "130002", "管理者", "2025-04-01", ""]
    other = ["", "1370000001", "", "130003", "", "2019-04-01", ""]
    rows = [taking, ending, other] if handover_first else [ending, taking, other]
    path = _file(tmp_path, rows)
    staged, python = _both(monkeypatch, lambda ids: run(path, "links", valid_only=True), setup)
    assert staged == python
    counts, errors, _links = staged
    if handover_first:
        assert (counts["created"], counts["updated"], counts["rejected"]) == (1, 1, 1)
        assert errors[0][:2] == (2, "開始日")
    else:
        assert (counts["created"], counts["updated"], counts["rejected"]) == (2, 1, 0)


def test_reimporting_changes_nothing_on_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        ["1310000001", "", "", "130001", "開設者・管理者", "2001-04-01", "2019-03-31"],
        ["1310000001", "", "", "130002", "開設者・管理者", "2019-04-01", ""],
        ["", "1370000001", "", "130003", "ｍａｎａｇｅｒ", "2016-04-01", ""],
    ]
    path = _file(tmp_path, rows)

    def twice(ids: dict[str, int]) -> apply.ImportReport:
        run(path, "links")
        return run(path, "links")

    staged, python = _both(monkeypatch, twice)
    assert staged == python
    assert (staged[0]["unchanged"], staged[0]["created"], staged[0]["updated"]) == (3, 0, 0)


def test_a_file_without_the_end_column_changes_only_the_relation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def setup(ids: dict[str, int]) -> None:
        clinic = Facility.unscoped.get(pk=ids["clinic"])
        manage(
            clinic,
            Member.unscoped.get(membership_number="130001"),
            valid_to=dt.date(2020, 3, 31),
        )

    header = HEADER[:-1]
    path = _file(tmp_path, [["1310000001", "", "", "130001", "開設者", "2015-04-01"]], header)
    staged, python = _both(monkeypatch, lambda ids: run(path, "links"), setup)
    assert staged == python
    assert staged[0]["updated"] == 1
    assert staged[2] == [
        ("さくら診療所", "130001", "founder", dt.date(2015, 4, 1), dt.date(2020, 3, 31))
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the staging path is PostgreSQL's")
def test_rows_already_clean_never_reach_the_python_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _registry()
    parsed: list[int] = []
    parse = parsers.PARSERS["links"]

    def spy(line: int, values: Any) -> Any:
        parsed.append(line)
        return parse(line, values)

    monkeypatch.setitem(parsers.PARSERS, "links", spy)
    rows = [
        ["1310000001", "", "", "130001", "開設者・管理者", "2015-04-01", "2019-03-31"],
        ["", "1370000001", "", "130002", "", "2016-04-01", ""],
        ["1310000001", "", "", "130003", "管理者", "令和1年5月1日", ""],
    ]
    report = run(_file(tmp_path, rows), "links")
    assert (report.created, parsed) == (3, [4])
