"""Normalising what the association's files contain: widths, kana, phones, dates, code lists."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcyber.registry.imports import normalize
from medcyber.registry.imports.columns import COLUMNS
from medcyber.registry.imports.rows import (
    PARSERS,
    FacilityRecord,
    LinkRecord,
    MemberRecord,
    RowError,
    parse_member,
)

NAME_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), max_size=30
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("  山田　太郎  ", "山田 太郎"),
        ("ｻｸﾗ診療所", "サクラ診療所"),
        ("東京都文京区本駒込２－２８－１６", "東京都文京区本駒込2-28-16"),
    ],
)
def test_text_is_width_normalised(raw: str, expected: str) -> None:
    assert normalize.normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ｻｲﾄｰ", "サイトー"),
        ("さいと-", "サイトー"),
        ("ヤマダ タロウ", "ヤマダ\u3000タロウ"),
    ],
)
def test_kana_becomes_full_width_katakana(raw: str, expected: str) -> None:
    assert normalize.normalize_kana(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("03(1234)5678", "03-1234-5678"),
        ("045ー123ー4567", "045-123-4567"),
        ("09012345678", "090-1234-5678"),
        ("0120123456", "0120-123-456"),
        # A landline's area code may be 2 to 5 digits: no split is invented.
        ("0312345678", "0312345678"),
    ],
)
def test_phone_numbers(raw: str, expected: str) -> None:
    assert normalize.normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("〒１１３８６２１", "113-8621"), ("113ー8621", "113-8621"), ("1138621", "113-8621")],
)
def test_postal_codes(raw: str, expected: str) -> None:
    assert normalize.normalize_postal_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-04-01", dt.date(2023, 4, 1)),
        ("2023/4/1", dt.date(2023, 4, 1)),
        ("2023.4.1", dt.date(2023, 4, 1)),
        ("２０２３年４月１日", dt.date(2023, 4, 1)),
        ("20230401", dt.date(2023, 4, 1)),
        ("令和5年4月1日", dt.date(2023, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R5.4.1", dt.date(2023, 4, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("H1/1/8", dt.date(1989, 1, 8)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ],
)
def test_dates_are_read(raw: str, expected: dt.date) -> None:
    assert normalize.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2023-02-30", "2023年2月30日という日付はありません。"),
        ("2023-13-01", "2023年13月1日という日付はありません。"),
        ("平成31年5月1日", "平成の期間にない日付です"),
        ("令和0年1月1日", "令和0年という年はありません"),
        ("昭和64年1月8日", "昭和の期間にない日付です"),
        ("来年の春", "2023-04-01、2023/4/1 または 令和5年4月1日"),
    ],
)
def test_impossible_dates_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(normalize.InvalidValue, match=reason):
        normalize.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A①", "A1"),
        ("A1", "A1"),
        ("Ａ①", "A1"),
        ("A①会員", "A1"),
        ("A②(B)", "A2B"),
        ("Ａ②（Ｂ）", "A2B"),
        ("A2B", "A2B"),
        ("a2c", "A2C"),
        ("Ｂ", "B"),
        ("C会員", "C"),
        ("D", None),
        ("A3", None),
    ],
)
def test_member_classes(raw: str, expected: str | None) -> None:
    assert normalize.normalize_member_class(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("東京都", "13"),
        ("東京", "13"),
        ("13", "13"),
        ("１３", "13"),
        ("1", "01"),
        ("北海道", "01"),
        ("大阪府", "27"),
        ("48", None),
        ("東京県", None),
    ],
)
def test_prefectures(raw: str, expected: str | None) -> None:
    assert normalize.normalize_prefecture(raw) == expected


def test_code_lists_accept_labels_codes_and_aliases() -> None:
    assert normalize.lookup_choice("facility_kind", "病院") == "hospital"
    assert normalize.lookup_choice("facility_kind", "介護") == "care_facility"
    assert normalize.lookup_choice("facility_kind", "clinic") == "clinic"
    assert normalize.lookup_choice("relation", "開設者・管理者") == "founder_manager"
    assert normalize.lookup_choice("member_status", "退会") == "withdrawn"
    assert normalize.lookup_choice("member_status", "休眠") is None


# --- properties


@given(NAME_TEXT)
def test_text_normalisation_is_idempotent(value: str) -> None:
    once = normalize.normalize_text(value)
    assert normalize.normalize_text(once) == once


@given(NAME_TEXT)
def test_kana_normalisation_is_idempotent(value: str) -> None:
    once = normalize.normalize_kana(value)
    assert normalize.normalize_kana(once) == once


@given(st.text(alphabet="0123456789０１２３-ー()（） ", max_size=16))
def test_phone_and_postal_normalisation_are_idempotent(value: str) -> None:
    phone = normalize.normalize_phone(value)
    assert normalize.normalize_phone(phone) == phone
    postal = normalize.normalize_postal_code(value)
    assert normalize.normalize_postal_code(postal) == postal


@given(st.dates(min_value=dt.date(1, 1, 1)).filter(lambda d: d.year >= 1000))
def test_a_date_round_trips(day: dt.date) -> None:
    assert normalize.parse_date(day.isoformat()) == day
    assert normalize.parse_date(f"{day.year}/{day.month}/{day.day}") == day
    assert normalize.parse_date(f"{day.year}年{day.month}月{day.day}日") == day


@given(st.dates(min_value=dt.date(1868, 1, 25), max_value=dt.date(2100, 12, 31)))
def test_an_era_date_round_trips(day: dt.date) -> None:
    name, _letter, start = next(era for era in normalize.ERAS if era[2] <= day)
    year = day.year - start.year + 1
    assert normalize.parse_date(f"{name}{year}年{day.month}月{day.day}日") == day


def row_values(kind: str) -> st.SearchStrategy[dict[str, str]]:
    names = [column.name for column in COLUMNS[kind]]
    return st.dictionaries(st.sampled_from(names), st.text(max_size=40))


@given(
    st.sampled_from(sorted(PARSERS)).flatmap(
        lambda kind: st.tuples(st.just(kind), row_values(kind))
    )
)
def test_the_row_parsers_never_raise(case: tuple[str, dict[str, str]]) -> None:
    kind, values = case
    result = PARSERS[kind](7, values)
    if isinstance(result, list):
        assert result
        assert all(isinstance(error, RowError) and error.line == 7 for error in result)
    else:
        assert isinstance(result, MemberRecord | FacilityRecord | LinkRecord)


@given(
    st.fixed_dictionaries(
        {
            "membership_number": st.from_regex(r"\A[0-9０-９]{1,12}\Z"),
            "family_name": NAME_TEXT.filter(lambda s: s.strip() and len(s) <= 50),
            "given_name": st.just("太郎"),
            "family_name_kana": st.text(alphabet="やまだヤマダｱｲｳ", min_size=1, max_size=20),
            "given_name_kana": st.just("たろう"),
            "member_class": st.sampled_from(["A①", "Ａ１", "A②(B)", "A2C", "Ｂ", "C会員"]),
            "prefecture": st.sampled_from(["東京都", "13", "１", "大阪"]),
            "valid_from": st.dates(min_value=dt.date(1990, 1, 1)).map(lambda d: f"{d:%Y/%m/%d}"),
        }
    )
)
def test_valid_rows_are_accepted_and_clean(values: dict[str, str]) -> None:
    result = parse_member(2, values)
    assert isinstance(result, MemberRecord), result
    assert result.membership_number.isascii()
    assert normalize.is_katakana(result.family_name_kana)
