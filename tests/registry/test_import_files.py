"""Reading the files the association sends: encodings, Excel, headers, and files that are wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from medcyber.registry.imports.columns import read_header
from medcyber.registry.imports.readers import ImportFileError, Table

HEADER = "会員番号,氏,名,氏カナ,名カナ,会員種別,都道府県,入会日"
ROW = "1300001,山田,太郎,ヤマダ,タロウ,A①,東京都,2023-04-01"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def cells(path: Path) -> list[list[str]]:
    return [row.cells for row in Table(path).rows()]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")],
)
def test_utf8_with_or_without_bom_and_cp932_read_the_same(
    tmp_path: Path, encoding: str, detected: str
) -> None:
    path = write(tmp_path, "members.csv", f"{HEADER}\r\n{ROW}\r\n".encode(encoding))
    table = Table(path)
    assert table.encoding == detected
    assert cells(path) == [HEADER.split(","), ROW.split(",")]


def test_cp932_is_recognised_even_when_the_first_megabyte_is_ascii(tmp_path: Path) -> None:
    ascii_rows = "".join(f"{1300000 + i},a,b,c,d,A1,13,2023-04-01\r\n" for i in range(40_000))
    data = f"{HEADER}\r\n{ascii_rows}{ROW}\r\n".encode("cp932")
    assert len(data) > 1 << 20
    path = write(tmp_path, "members.csv", data)
    assert Table(path).encoding == "cp932"
    assert cells(path)[-1][1] == "山田"


def test_an_unknown_encoding_is_refused_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "members.csv", HEADER.encode("utf-8") + b"\r\n1300001,\x81\x20\r\n")
    with pytest.raises(ImportFileError, match=r"文字コードを判別できません（2行目"):
        Table(path)


def test_utf16_is_refused_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, "members.csv", HEADER.encode("utf-16"))
    with pytest.raises(ImportFileError, match="UTF-16"):
        Table(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="ファイルが空です"):
        Table(write(tmp_path, "members.csv", b""))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("members.xls", "古い Excel 形式"),
        ("members.pdf", r"ファイルの種類（\.pdf）に対応していません"),
        ("members", "拡張子なし"),
    ],
)
def test_wrong_extensions_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(ImportFileError, match=reason):
        Table(write(tmp_path, name, b"x"))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="を開けません"):
        Table(tmp_path / "nowhere.csv")


def test_blank_lines_are_skipped_and_line_numbers_are_the_files(tmp_path: Path) -> None:
    text = f'{HEADER}\r\n\r\n,,,\r\n1300002,"山田\r\n",x,y,z,A1,13,2023-04-01\r\n{ROW}\r\n'
    rows = list(Table(write(tmp_path, "m.csv", text.encode())).rows())
    assert [row.line for row in rows] == [1, 4, 6]


def test_a_broken_excel_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "members.xlsx", f"{HEADER}\n".encode())
    with pytest.raises(ImportFileError, match=r"Excel ファイル（\.xlsx）として読めません"):
        list(Table(path).rows())


def test_excel_values_and_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([1300001, "山田", "太郎", "ヤマダ", "タロウ", "A①", 13, dt.datetime(2023, 4, 1)])
    sheet.append(["1300002", '=A2&"x"', "花子", "ハナコ", "ハナコ", "B", "東京都", "2023-04-01"])
    path = tmp_path / "members.xlsx"
    book.save(path)
    first, second, third = Table(path).rows()
    assert (first.line, second.line, third.line) == (1, 2, 3)
    assert second.cells == ["1300001", "山田", "太郎", "ヤマダ", "タロウ", "A①", "13", "2023-04-01"]
    assert second.formulas == frozenset()
    assert third.formulas == frozenset({1})


# --- headers


def test_japanese_english_and_width_variants_are_the_same_header() -> None:
    header = read_header(
        "members",
        [
            "membership_number",
            "氏",
            "名",
            "氏（フリガナ）",
            "名カナ",
            "会員種別",
            "prefecture",
            "入会日",
            " ＥＭＡＩＬ ",
            "",
        ],
    )
    assert header.positions["membership_number"] == 0
    assert header.positions["family_name_kana"] == 3
    assert header.positions["email"] == 8
    assert "phone" not in header.present


def test_missing_columns_are_named() -> None:
    with pytest.raises(ImportFileError, match="必要な列「名カナ」「入会日」がありません"):
        read_header("members", ["会員番号", "氏", "名", "氏カナ", "会員種別", "都道府県"])


def test_a_column_given_twice_is_refused() -> None:
    with pytest.raises(ImportFileError, match="見出し「会員番号」が2回あります"):
        read_header("members", [*HEADER.split(","), "membership_number"])


def test_unknown_columns_are_refused_with_the_known_ones() -> None:
    with pytest.raises(ImportFileError, match="見出し「血液型」は会員のファイルの列ではありません"):
        read_header("members", [*HEADER.split(","), "血液型"])


def test_links_need_a_facility_column() -> None:
    with pytest.raises(
        ImportFileError,
        match="「医療機関コード」「介護保険事業所番号」「施設ID」のどれかの列が必要です",
    ):
        read_header("links", ["会員番号", "開始日"])
