"""Members files through the staging table (PostgreSQL) give what the row-by-row path gives.

Each file is imported twice on the same database, once through ``staged_members.py`` and
once with the staging path switched off: the members stored, the counts and every message
(line, column, reason) must be the same. On SQLite only the row-by-row path exists; the
tests still run there and compare it with itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from medcyber.registry.imports import apply, staged
from medcyber.registry.models import Member
from tests.registry.test_import_apply import MEMBER_HEADER, SATO, SUZUKI, YAMADA, csv_file, run

pytestmark = pytest.mark.usefixtures("db")

FULL_HEADER = [*MEMBER_HEADER, "状態", "退会日", "メールアドレス"]
CLEAN = [
    "140001",
    "高橋",
    "健",
    "タカハシ",
    "ケン",
    "A①",
    "北海道",
    "",
    "2001-02-28",
    "011-222-3333",
]
MESSY = [
    ["140002", "伊藤", "美咲", "イトウ", "ミサキ", "B", "沖縄", "", "2024-02-29", ""],
    ["140003", "渡辺　", "ｹﾝｼﾞ", "ワタナベ", "ケンジ", "c会員", "47", "", "2023-02-30", ""],
    ["140004", "中村", "優", "なかむら", "ユウ", "A②(C)", "東京都", "", "R1.5.1", "0312345678"],
    ["140005", "小林", "", "コバヤシ", "Ｋ", "X", "ムー", "", "", "12"],
    ["140001", "高橋", "健", "タカハシ", "ケン", "A①", "北海道", "", "2001-02-28", ""],
    ["１４０００６", "加藤", "愛", "カトウ", "アイ", "C", "大阪府", "", "2001-13-01", ""],
]


def _rows(extra: list[str]) -> list[list[str]]:
    return [[*row, *extra] for row in [CLEAN, YAMADA, SUZUKI, SATO, *MESSY]]


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Member.unscoped.order_by("membership_number").values_list(
            "membership_number",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "member_class",
            "prefectural_association__prefecture",
            "district_association__name",
            "status",
            "valid_from",
            "valid_to",
            "email",
            "phone",
        )
    )


def _both(
    monkeypatch: pytest.MonkeyPatch, path: Path, **options: Any
) -> list[tuple[Any, Any, Any]]:
    """(report counts, errors, members) after the staged and after the row-by-row path."""
    results = []
    for use_staging in (True, False):
        Member.unscoped.all().delete()
        with monkeypatch.context() as patch:
            if not use_staging:
                patch.setattr(apply, "_staged", lambda writer: False)
            report = run(path, **options)
        errors = sorted((e.line, e.column, e.message, e.value) for e in report.errors)
        skip = ("file_sha256", "associations_created")  # associations stay between the runs
        counts = {k: v for k, v in report.counts().items() if k not in skip}
        results.append((counts, errors, _snapshot()))
    return results


def test_the_staging_path_is_used_on_postgresql() -> None:
    writer = apply.MemberWriter(
        apply.ImportReport("members", "x.csv"), frozenset(), dt.date.today(), 10
    )
    assert apply._staged(writer) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("valid_only", [False, True])
def test_clean_messy_and_duplicate_rows_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, valid_only: bool
) -> None:
    path = csv_file(tmp_path, _rows([]))
    staged_result, python_result = _both(monkeypatch, path, valid_only=valid_only)
    assert staged_result == python_result
    counts, errors, members = staged_result
    assert counts["rejected"] == 4
    assert {line for line, *_rest in errors} == {7, 9, 10, 11}
    assert ("10", "会員番号", "2行目と重複しています。同じものは1行にしてください。") in {
        (str(line), column, message) for line, column, message, _value in errors
    }
    assert len(members) == (6 if valid_only else 0)


def test_optional_columns_codes_and_spaces_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extras = [
        ["在籍", "", "a@example.jp"],
        ["退会", "2024-03-31", ""],
        ["withdrawn", "2030-01-01", "not-an-address"],
        ["正会員", "", " b@example.jp"],
    ]
    rows = [[*row, *extras[i % len(extras)]] for i, row in enumerate(_rows([]))]
    path = csv_file(tmp_path, rows, header=FULL_HEADER)
    staged_result, python_result = _both(monkeypatch, path, valid_only=True)
    assert staged_result == python_result


def test_an_update_that_puts_the_end_before_the_start_is_refused_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = [
        "会員番号",
        "氏",
        "名",
        "氏カナ",
        "名カナ",
        "会員種別",
        "都道府県",
        "入会日",
        "退会日",
    ]
    first = csv_file(
        tmp_path,
        [["150001", "森", "一", "モリ", "ハジメ", "B", "13", "2020-01-01", "2022-01-01"]],
        header=header,
        name="a.csv",
    )
    later = csv_file(
        tmp_path,
        [["150001", "森", "一", "モリ", "ハジメ", "B", "13", "2023-01-01"]],
        header=header[:-1],
        name="b.csv",
    )
    results = []
    for use_staging in (True, False):
        Member.unscoped.all().delete()
        with monkeypatch.context() as patch:
            if not use_staging:
                patch.setattr(apply, "_staged", lambda writer: False)
            run(first)
            report = run(later)
        results.append(([(e.line, e.column, e.message) for e in report.errors], _snapshot()))
    assert results[0] == results[1]
    assert "開始日（入会日）より前" in results[0][0][0][2]


def test_a_full_file_ends_the_same_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    for use_staging in (True, False):
        Member.unscoped.all().delete()
        with monkeypatch.context() as patch:
            if not use_staging:
                patch.setattr(apply, "_staged", lambda writer: False)
            run(csv_file(tmp_path, [CLEAN, YAMADA, SUZUKI, SATO]))
            typo = [*SATO[:5], "Q", *SATO[6:]]  # rejected, but its number counts as present
            report = run(csv_file(tmp_path, [YAMADA, typo]), full=True, valid_only=True)
        results.append((report.ended, _snapshot()))
    assert results[0] == results[1]
    assert results[0][0] == 2


def test_the_characters_sent_to_python_include_every_width_change() -> None:
    pattern = staged._unsafe_characters()
    assert "\\u3000" in pattern and "\\uff61-\\uff9f" in pattern
