"""Facilities files through the staging table (PostgreSQL) give what the row-by-row path gives.

As in ``test_import_staged.py``: each file is imported through ``staged_facilities.py`` and
again with the staging path switched off, from the same starting registry; the facilities
stored, the counts and every message (line, column, reason, value) must be the same. On
SQLite only the row-by-row path exists; the tests still run there and compare it with itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from medcyber.registry.choices import FacilityStatus
from medcyber.registry.imports import apply
from medcyber.registry.imports import rows as parsers
from medcyber.registry.models import Facility
from tests.factories import FacilityFactory
from tests.registry.test_import_apply import csv_file, run

pytestmark = pytest.mark.usefixtures("db")

HEADER = [
    "医療機関コード",
    "介護保険事業所番号",
    "施設名",
    "施設名カナ",
    "施設種別",
    "郵便番号",
    "都道府県",
    "住所",
    "電話番号",
    "状態",
]
# Clean as they stand: proven in SQL.
SAKURA = [
    "1310000001",
    "",
    "さくら診療所",
    "サクラ シンリョウジョ",
    "診療所",
    "1138621",
    "東京都",
    "東京都文京区本駒込2-28-16",
    "03-3946-2121",
    "運営中",
]
HIMAWARI = [
    "",
    "2770000012",
    "ひまわり苑",
    "ヒマワリエン",
    "介護",
    "",
    "27",
    "大阪市北区1-1",
    "",
    "",
]
NOCODE = [
    "",
    "",
    "あおば健診センター",
    "アオバケンシンセンター",
    "その他",
    "",
    "宮城",
    "仙台市1",
    "",
    "",
]
BOTH = [
    "1310000002",
    "1370000003",
    "つばき病院",
    "ツバキビョウイン",
    "病院",
    "100-0001",
    "13",
    "千代田区1",
    "",
    "",
]
# What SQL cannot prove: normalised or refused by the Python parser.
MESSY = [
    [
        "１３１００００００４",
        "",
        "ｽﾐﾚ医院",
        "すみれいいん",
        "医院",
        "〒113-0001",
        "東京",
        "文京区　2",
        "",
        "",
    ],
    ["13100000X5", "", "", "カナ", "診療所", "12-34", "ムー", "文京区3", "12", "休止中"],
    ["1310000001", "", "さくら診療所", "サクラ", "診療所", "", "東京都", "文京区9", "", ""],
    ["", "1370000003", "つばき苑", "ツバキエン", "介護", "", "東京都", "文京区4", "", ""],
    ["1310000006", "1370000003", "もみじ医院", "モミジ", "診療所", "", "東京都", "文京区5", "", ""],
    ["", "", "あおば健診センター", "アオバ", "その他", "", "宮城", "仙台市1", "", ""],
    ["1310000007", "", "き\x01く", "キク", "診療所", "", "東京都", "文京区6", "", "廃止"],
]


def _rows() -> list[list[str]]:
    return [SAKURA, HIMAWARI, NOCODE, BOTH, *MESSY]


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Facility.unscoped.order_by(
            "medical_institution_code", "care_provider_number", "name", "address"
        ).values_list(
            "medical_institution_code",
            "care_provider_number",
            "name",
            "name_kana",
            "kind",
            "postal_code",
            "prefecture",
            "address",
            "phone",
            "status",
        )
    )


def _without_staging(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(apply, "_staged", lambda writer: False)


def _both(
    monkeypatch: pytest.MonkeyPatch,
    steps: Callable[[], apply.ImportReport],
    setup: Callable[[], None] = lambda: None,
) -> list[tuple[Any, Any, Any]]:
    """(report counts, errors, facilities) after the staged and after the row-by-row path,
    each from the registry ``setup`` leaves."""
    results = []
    for use_staging in (True, False):
        Facility.unscoped.all().delete()
        setup()
        with monkeypatch.context() as patch:
            if not use_staging:
                _without_staging(patch)
            report = steps()
        errors = sorted((e.line, e.column, e.message, e.value) for e in report.errors)
        counts = {k: v for k, v in report.counts().items() if k != "file_sha256"}
        results.append((counts, errors, _snapshot()))
    return results


def _file(
    tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER, name: str = "facilities.csv"
) -> Path:
    return csv_file(tmp_path, rows, header=header, name=name)


def test_the_staging_path_is_used_for_facilities_on_postgresql() -> None:
    report = apply.ImportReport("facilities", "x.csv")
    writer = apply.FacilityWriter(report, frozenset(), dt.date.today(), 10)
    assert apply._staged(writer) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("valid_only", [False, True])
def test_clean_messy_and_duplicate_rows_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, valid_only: bool
) -> None:
    path = _file(tmp_path, _rows())
    staged, python = _both(monkeypatch, lambda: run(path, "facilities", valid_only=valid_only))
    assert staged == python
    counts, errors, facilities = staged
    assert counts["rejected"] == 6
    assert {line for line, *_rest in errors} == {7, 8, 9, 10, 11, 12}
    by_line = {(line, column): message for line, column, message, _value in errors}
    assert by_line[8, "医療機関コード"].startswith("2行目と重複しています")
    assert by_line[9, "介護保険事業所番号"].startswith("5行目と重複しています")
    assert by_line[10, "介護保険事業所番号"].startswith("5行目と重複しています")
    assert by_line[11, "施設名"].startswith("4行目と重複しています")
    assert len(facilities) == (5 if valid_only else 0)
    if valid_only:
        sumire = next(f for f in facilities if f[0] == "1310000004")
        assert sumire[2:8] == (
            "スミレ医院",
            "スミレイイン",
            "clinic",
            "113-0001",
            "13",
            "文京区 2",
        )
        sakura = next(f for f in facilities if f[0] == "1310000001")
        assert (sakura[3], sakura[5]) == ("サクラ\u3000シンリョウジョ", "113-8621")


def test_a_row_refused_for_its_care_number_leaves_its_code_to_a_later_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row path reads in order: a refused row holds none of its keys."""
    rows = [
        BOTH,
        ["1310000009", "1370000003", "かえで医院", "カエデ", "診療所", "", "13", "港区1", "", ""],
        ["1310000009", "", "かえで医院", "カエデ", "診療所", "", "13", "港区1", "", ""],
        ["", "", "壊れた", "カナ", "診療所", "", "ムー", "港区2", "", ""],
        ["", "", "壊れた", "カナ", "診療所", "", "13", "港区2", "", ""],
    ]
    path = _file(tmp_path, rows)
    staged, python = _both(monkeypatch, lambda: run(path, "facilities", valid_only=True))
    assert staged == python
    counts, errors, _facilities = staged
    assert counts["created"] == 2
    assert [(line, column, message[:5]) for line, column, message, _v in errors] == [
        (3, "介護保険事業所番号", "2行目と重"),
        (5, "都道府県", "都道府県が"),
        (6, "施設名", "ほかの行と"),
    ]


def test_upserts_by_code_care_number_and_name_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _file(tmp_path, [SAKURA, HIMAWARI, NOCODE, BOTH], name="first.csv")

    def setup() -> None:
        run(first, "facilities")
        # Two registered facilities named alike: a row naming them by name is ambiguous.
        for _ in range(2):
            FacilityFactory(medical_institution_code="", name="なでしこ荘", address="札幌市1")
        FacilityFactory(
            medical_institution_code="", care_provider_number="0170000001", name="あやめ苑"
        )

    renamed = [*SAKURA[:2], "さくら内科クリニック", *SAKURA[3:]]
    moved = [*HIMAWARI[:7], "大阪市北区2-2", *HIMAWARI[8:]]
    ambiguous = ["", "", "なでしこ荘", "ナデシコソウ", "介護", "", "北海道", "札幌市1", "", ""]
    taking = [
        "1310000008",
        "0170000001",
        "ふじ医院",
        "フジイイン",
        "診療所",
        "",
        "13",
        "港区",
        "",
        "",
    ]
    later = _file(tmp_path, [renamed, moved, NOCODE, BOTH, ambiguous, taking])
    staged, python = _both(monkeypatch, lambda: run(later, "facilities", valid_only=True), setup)
    assert staged == python
    counts, errors, _facilities = staged
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 2, 2)
    assert [(line, column, value) for line, column, _message, value in errors] == [
        (6, "施設名", ""),
        (7, "介護保険事業所番号", "0170000001"),
    ]


def test_reimporting_changes_nothing_on_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, [SAKURA, HIMAWARI, NOCODE, BOTH, MESSY[0]])

    def twice() -> apply.ImportReport:
        run(path, "facilities")
        stamps = dict(Facility.unscoped.values_list("pk", "updated_at"))
        report = run(path, "facilities")
        assert dict(Facility.unscoped.values_list("pk", "updated_at")) == stamps
        return report

    staged, python = _both(monkeypatch, twice)
    assert staged == python
    assert (staged[0]["unchanged"], staged[0]["created"], staged[0]["updated"]) == (5, 0, 0)


def test_a_file_without_the_care_column_matches_care_facilities_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = [name for name in HEADER if name != "介護保険事業所番号"]
    row = ["", "ひまわり苑", "ヒマワリエン", "介護", "", "27", "大阪市北区1-1", "06-1234-5678", ""]

    def setup() -> None:
        run(_file(tmp_path, [HIMAWARI], name="first.csv"), "facilities")

    path = _file(tmp_path, [row], header=header)
    staged, python = _both(monkeypatch, lambda: run(path, "facilities"), setup)
    assert staged == python
    assert staged[0]["updated"] == 1
    assert staged[2][0][1] == "2770000012"  # the care number is left as it was


def test_a_full_file_closes_the_same_facilities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def setup() -> None:
        run(_file(tmp_path, [SAKURA, HIMAWARI, NOCODE, BOTH], name="first.csv"), "facilities")
        FacilityFactory(
            medical_institution_code="1310000099", name="閉院", status=FacilityStatus.CLOSED
        )

    typo = [*HIMAWARI[:6], "ムー", *HIMAWARI[7:]]  # rejected, but its number counts as present
    # A duplicate row's other key does not count: BOTH's care number is not held by the file.
    duplicate = [SAKURA[0], BOTH[1], "あおば", "アオバ", "その他", "", "宮城", "仙台市2", "", ""]
    path = _file(tmp_path, [SAKURA, typo, duplicate])
    staged, python = _both(
        monkeypatch, lambda: run(path, "facilities", full=True, valid_only=True), setup
    )
    assert staged == python
    counts, errors, facilities = staged
    assert counts["ended"] == 2
    assert [(line, column) for line, column, _m, _v in errors] == [
        (3, "都道府県"),
        (4, "医療機関コード"),
    ]
    statuses = {(f[0], f[1]): f[-1] for f in facilities}
    assert statuses["1310000001", ""] == "active"
    assert statuses["", "2770000012"] == "active"
    assert statuses["1310000002", "1370000003"] == "closed"
    assert statuses["", ""] == "closed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the staging path is PostgreSQL's")
def test_rows_already_clean_never_reach_the_python_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    parse = parsers.PARSERS["facilities"]

    def spy(line: int, values: Any) -> Any:
        parsed.append(line)
        return parse(line, values)

    monkeypatch.setitem(parsers.PARSERS, "facilities", spy)
    report = run(_file(tmp_path, [SAKURA, HIMAWARI, NOCODE, BOTH, MESSY[0]]), "facilities")
    assert (report.created, parsed) == (5, [6])
