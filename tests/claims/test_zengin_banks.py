"""Bank and branch codes are checked against the zengin-code data set; accounts by their form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medcyber.claims import payments, zengin
from medcyber.claims.zengin import ZenginError, find_branch
from tests.claims import zengin_reader as reader


def test_a_known_branch_is_found_with_its_names() -> None:
    found = find_branch("0001", "001")
    assert (found.bank_name_ja, found.bank_name, found.branch_name) == ("みずほ", "ﾐｽﾞﾎ", "ﾄｳｷﾖｳ")


def test_japan_post_bank_is_9900() -> None:
    found = find_branch("9900", "018")
    assert (found.bank_name_ja, found.branch_name) == ("ゆうちょ", "ｾﾞﾛｲﾁﾊﾁ")


@pytest.mark.parametrize(
    ("bank", "branch", "reason"),
    [
        ("0002", "001", "金融機関コード0002の金融機関はありません"),
        ("0001", "999", "みずほ（0001）に支店コード999の支店はありません"),
        ("１２３４", "001", "金融機関コードは4桁の数字です"),
        ("0001", "01", "支店コードは3桁の数字です"),
        ("", "", "金融機関コードは4桁の数字です"),
    ],
)
def test_unknown_codes_are_refused(bank: str, branch: str, reason: str) -> None:
    with pytest.raises(ZenginError, match=reason):
        find_branch(bank, branch)


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [("1", "1234567", True), ("4", "0000001", True), ("3", "1234567", False)]
    + [("1", n, False) for n in ("123456", "12345678", "12345a7", "１２３４５６７")],
)
def test_account_type_and_number(kind: str, number: str, ok: bool) -> None:
    if ok:
        zengin.check_account(kind, number)
    else:
        with pytest.raises(ZenginError):
            zengin.check_account(kind, number)


def test_the_data_set_version_is_dated() -> None:
    assert zengin.data_version().startswith("1.1.0.2026")


def test_the_requester_comes_from_the_settings(settings: Any) -> None:
    settings.ZENGIN_REQUESTER = {**settings.ZENGIN_REQUESTER, "code": "9876543210"}
    settings.ZENGIN_RECORD_SEPARATOR = b"\n"
    transfer = zengin.Transfer("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾀﾛｳ", 1000)
    content = zengin.general_transfer_file(
        payments.requester(), date(2025, 1, 6), [transfer], separator=payments.record_separator()
    )
    parsed = reader.read(content, b"\n")
    assert parsed.header["requester_code"] == "9876543210"
    assert reader.text(parsed.header["requester_name"]) == "ｼﾔ)ﾆﾎﾝｲｼｶｲ"
