"""The general-transfer (総合振込) file, read back field by field (regulations.md §5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcyber.claims import zengin
from medcyber.claims.zengin import Requester, Transfer, ZenginError, general_transfer_file
from tests.claims import zengin_reader as reader

JMA = Requester(
    code="1234567890",
    name="公益社団法人 にほんいしかい",
    bank_code="0001",
    branch_code="001",
    account_type="1",
    account_number="1234567",
)
CLINIC = Transfer(
    bank_code="0005",
    branch_code="001",
    account_type="1",
    account_number="7654321",
    recipient_name="医療法人社団 さくらかい",
    amount=400_000,
    customer_code_1="202400001",
)
POST_BANK = Transfer(
    bank_code="9900",
    branch_code="018",
    account_type="1",
    account_number="0012345",
    recipient_name="ヤマダ　タロー",
    amount=50_000,
)
CARE = Transfer(
    bank_code="0009",
    branch_code="001",
    account_type="4",
    account_number="1111111",
    recipient_name="社会福祉法人 ゆうあいかい",
    amount=150_000,
    edi="ｼｴﾝｷﾝ 2024-0003",
)


def test_a_batch_reads_back_field_by_field() -> None:
    content = general_transfer_file(JMA, date(2024, 4, 8), [CLINIC, POST_BANK, CARE])
    parsed = reader.read(content)
    h = parsed.header
    assert (h["data_type"], h["kind"], h["code_type"]) == ("1", "21", "0")
    assert h["requester_code"] == "1234567890"
    assert reader.text(h["requester_name"]) == "ｼﾔ)ﾆﾎﾝｲｼｶｲ"
    assert h["transfer_date"] == "0408"
    assert (h["bank_code"], reader.text(h["bank_name"])) == ("0001", "ﾐｽﾞﾎ")
    assert (h["branch_code"], reader.text(h["branch_name"])) == ("001", "ﾄｳｷﾖｳ")
    assert (h["account_type"], h["account_number"]) == ("1", "1234567")

    clinic, post, care = parsed.data
    assert clinic["data_type"] == "2"
    assert (clinic["bank_code"], reader.text(clinic["bank_name"])) == ("0005", "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ")
    assert clinic["branch_code"] == "001"
    assert clinic["clearing_house"] == "0000"
    assert (clinic["account_type"], clinic["account_number"]) == ("1", "7654321")
    assert reader.text(clinic["recipient_name"]) == "ｲ)ｻｸﾗｶｲ"
    assert reader.number(clinic["amount"]) == 400_000
    assert clinic["new_code"] == "0"
    assert clinic["customer_codes"] == "0202400001" + "0000000000"
    assert (clinic["transfer_kind"], clinic["edi_flag"]) == ("7", " ")

    assert (post["bank_code"], reader.text(post["bank_name"])) == ("9900", "ﾕｳﾁﾖ")
    assert (post["branch_code"], reader.text(post["branch_name"])) == ("018", "ｾﾞﾛｲﾁﾊﾁ")
    assert reader.text(post["recipient_name"]) == "ﾔﾏﾀﾞ ﾀﾛ-"
    assert reader.number(post["amount"]) == 50_000

    assert care["account_type"] == "4"
    assert reader.text(care["recipient_name"]) == "ﾌｸ)ﾕｳｱｲｶｲ"
    assert (reader.text(care["customer_codes"]), care["edi_flag"]) == ("ｼｴﾝｷﾝ 2024-0003", "Y")

    assert reader.check_totals(parsed) == {"count": 3, "total": 600_000}


def test_the_record_separator_is_a_setting() -> None:
    content = general_transfer_file(JMA, date(2024, 4, 8), [CLINIC], separator=b"")
    assert len(content) == 4 * 120
    assert reader.read(
        general_transfer_file(JMA, date(2024, 4, 8), [CLINIC], separator=b"\n"), b"\n"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bank_code": "0004"}, "1件目の振込: 金融機関コード0004の金融機関はありません"),
        ({"bank_code": "12"}, "金融機関コードは4桁の数字です"),
        ({"branch_code": "999"}, "に支店コード999の支店はありません"),
        ({"branch_code": "1"}, "支店コードは3桁の数字です"),
        ({"account_number": "123456"}, "口座番号は7桁の数字です"),
        ({"account_number": "12345678"}, "口座番号は7桁の数字です"),
        ({"account_type": "3"}, "預金種目は"),
        ({"recipient_name": "山田太郎"}, "「山」「田」「太」「郎」は全銀の文字"),
        ({"amount": 0}, "1円以上9,999,999,999円以下"),
        ({"amount": 10_000_000_000}, "10,000,000,000円は"),
        ({"customer_code_1": "ABC"}, "顧客コードは10桁以内の数字"),
    ],
)
def test_a_transfer_that_cannot_be_written_stops_the_file_with_the_reason(
    change: dict[str, object], reason: str
) -> None:
    bad = replace(CLINIC, **change)  # type: ignore[arg-type]
    with pytest.raises(ZenginError, match=reason):
        general_transfer_file(JMA, date(2024, 4, 8), [bad])


def test_the_failing_transfer_is_named_by_its_position() -> None:
    with pytest.raises(ZenginError, match="2件目の振込"):
        general_transfer_file(JMA, date(2024, 4, 8), [POST_BANK, replace(CLINIC, amount=-1)])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"code": "123"}, "依頼人コードは10桁の数字"),
        ({"account_type": "4"}, "依頼人の預金種目は"),
        ({"name": "日本医師会"}, "全銀の文字"),
        ({"branch_code": "998"}, "支店コード998の支店はありません"),
    ],
)
def test_a_wrong_requester_setting_is_refused(change: dict[str, str], reason: str) -> None:
    with pytest.raises(ZenginError, match=reason):
        general_transfer_file(replace(JMA, **change), date(2024, 4, 8), [CLINIC])


def test_an_empty_batch_writes_no_file() -> None:
    with pytest.raises(ZenginError, match="振込がありません"):
        general_transfer_file(JMA, date(2024, 4, 8), [])


def test_a_total_past_twelve_digits_is_refused() -> None:
    big = replace(CLINIC, amount=9_999_999_999)
    with pytest.raises(ZenginError, match="合計金額"):
        general_transfer_file(JMA, date(2024, 4, 8), [big] * 101)


amounts = st.lists(st.integers(1, 9_999_999), min_size=1, max_size=40)


@settings(max_examples=50, deadline=None)
@given(amounts)
def test_count_and_total_always_match_the_records(values: list[int]) -> None:
    transfers = [replace(POST_BANK, amount=v) for v in values]
    parsed = reader.read(general_transfer_file(JMA, date(2025, 1, 6), transfers))
    assert reader.check_totals(parsed) == {"count": len(values), "total": sum(values)}
    assert [reader.number(d["amount"]) for d in parsed.data] == values


# --- the transfer date ---
@pytest.mark.parametrize(
    ("today", "transfer_day"),
    [
        (date(2024, 4, 8), date(2024, 4, 9)),  # Monday → Tuesday
        (date(2024, 4, 5), date(2024, 4, 8)),  # Friday → Monday
        (date(2024, 4, 26), date(2024, 4, 30)),  # Friday before 昭和の日 (Mon 29) → Tuesday
        (date(2024, 5, 2), date(2024, 5, 7)),  # Golden Week: 3 to 6 May closed
        (date(2024, 12, 27), date(2024, 12, 30)),  # the last business day of the year
        (date(2024, 12, 30), date(2025, 1, 6)),  # year-end: 31 Dec to 3 Jan, then a weekend
        (date(2025, 9, 12), date(2025, 9, 16)),  # 敬老の日 Monday 15 September
    ],
)
def test_the_next_bank_business_day(today: date, transfer_day: date) -> None:
    assert zengin.next_bank_business_day(today) == transfer_day
