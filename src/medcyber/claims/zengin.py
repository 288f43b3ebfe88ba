"""Zengin (全銀協) general-transfer files and the characters they allow (regulations.md §5).

Pure functions over plain values: the name conversion, bank and branch look-ups in the
``zengin-code`` data set, the next bank business day, and the writer of a general-transfer
(総合振込) file. Settings and the database are read by the callers.

Name conversion (the only changes ever made to a name; anything else is refused with the
reason, never dropped):

1. hiragana → katakana; full-width letters, digits, space and ``( ) . -`` → half-width;
   a–z → A–Z;
2. legal-entity words → their Zengin abbreviation (医療法人 → ｲ, 株式会社 → ｶ, …, see
   ``ENTITY_ABBREVIATIONS``), written ``ｲ)…`` at the start of a name, ``…(ｲ`` at the end and
   ``…(ｲ)…`` in the middle;
3. katakana → half-width katakana, voicing marks as bytes of their own (ガ → ｶﾞ);
4. small kana written large (ｯ → ﾂ, ｬ → ﾔ, ヵ → ｶ, ヶ → ｹ, ヮ → ﾜ), ヰ → ｲ, ヱ → ｴ, ｦ → ｵ;
5. the long-vowel mark and dashes (ー ｰ ‐ ‑ − – — ―) → ``-``; the middle dot ・ → ``.``;
   runs of spaces → one space, none at either end nor beside an abbreviation.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import jaconv
import jpholiday
from django.utils.translation import gettext as _

KANA = frozenset(chr(c) for c in range(0xFF71, 0xFF9E))  # ｱ … ﾝ (no ｦ, no small kana)
VOICING = frozenset("ﾞﾟ")
LETTERS_DIGITS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
#: What a person's or an organisation's name may hold.
NAME_CHARS = KANA | VOICING | LETTERS_DIGITS | frozenset("().-")
#: Bank and branch names: ``-`` is the only symbol.
BANK_NAME_CHARS = KANA | VOICING | LETTERS_DIGITS | frozenset("-")

#: Legal-entity words and their abbreviation in Zengin names (longest words are tried first).
ENTITY_ABBREVIATIONS: dict[str, str] = {
    "社会医療法人": "ｲ",
    "医療法人社団": "ｲ",
    "医療法人財団": "ｲ",
    "医療法人": "ｲ",
    "社会福祉法人": "ﾌｸ",
    "株式会社": "ｶ",
    "有限会社": "ﾕ",
    "合名会社": "ﾒ",
    "合資会社": "ｼ",
    "合同会社": "ﾄﾞ",
    "一般社団法人": "ｼﾔ",
    "公益社団法人": "ｼﾔ",
    "一般財団法人": "ｻﾞｲ",
    "公益財団法人": "ｻﾞｲ",
    "学校法人": "ｶﾞｸ",
    "特定非営利活動法人": "ﾄｸﾋ",
    "地方独立行政法人": "ﾁﾄﾞｸ",
    "独立行政法人": "ﾄﾞｸ",
    "国立大学法人": "ﾀﾞｲ",
    "宗教法人": "ｼﾕｳ",
}
_ENTITY = re.compile("|".join(sorted(map(re.escape, ENTITY_ABBREVIATIONS), key=len, reverse=True)))

_LARGE = str.maketrans(
    {
        "ｧ": "ｱ",
        "ｨ": "ｲ",
        "ｩ": "ｳ",
        "ｪ": "ｴ",
        "ｫ": "ｵ",
        "ｬ": "ﾔ",
        "ｭ": "ﾕ",
        "ｮ": "ﾖ",
        "ｯ": "ﾂ",
        "ｦ": "ｵ",
        "ｰ": "-",
    }
)
_BEFORE_HALF_WIDTH = str.maketrans(
    {
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヮ": "ワ",
        "ヰ": "イ",
        "ヱ": "エ",
        "ー": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "・": ".",
        "･": ".",
        "　": " ",
    }
)


_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)  # a–z only: ß stays ß


class ZenginError(ValueError):
    """A value cannot be written in a Zengin file; the message says why, in Japanese."""


@dataclass(frozen=True)
class NameConversion:
    original: str
    converted: str

    @property
    def changed(self) -> bool:
        return self.original != self.converted


def convert_name(
    text: str, *, width: int = 30, allowed: frozenset[str] = NAME_CHARS
) -> NameConversion:
    """The name in Zengin characters, or :class:`ZenginError` with the reason."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text):
        raise ZenginError(_("名義に制御文字などの見えない文字が含まれています。"))
    value = _abbreviate_entities(_widen(text).strip())
    value = jaconv.z2h(value, kana=True, ascii=True, digit=True)
    value = value.translate(_LARGE).translate(_UPPER)
    value = re.sub(r" {2,}", " ", value).strip()
    bad = sorted({c for c in value if c not in allowed}, key=value.index)
    if bad:
        raise ZenginError(
            _("「%(chars)s」は全銀の文字（半角カナ・英大文字・数字・一部の記号）にできません。")
            % {"chars": "」「".join(bad)}
        )
    if not value:
        raise ZenginError(_("名義が空です。"))
    if len(value) > width:
        raise ZenginError(
            _("変換後の名義「%(name)s」が%(length)d文字で、%(width)d文字を超えます。")
            % {"name": value, "length": len(value), "width": width}
        )
    return NameConversion(text, value)


def _widen(text: str) -> str:
    """One form for every kana and symbol before abbreviating: full-width katakana."""
    text = unicodedata.normalize("NFC", text)
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)  # ｶﾞ → ガ, so words match
    return jaconv.hira2kata(text).translate(_BEFORE_HALF_WIDTH)


def _abbreviate_entities(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        abbreviation = ENTITY_ABBREVIATIONS[match.group(0)]
        before = text[: match.start()].strip()
        after = text[match.end() :].strip()
        if not before:
            written = f"{abbreviation})"
        elif not after:
            written = f"({abbreviation}"
        else:
            written = f"({abbreviation})"
        return f"\0{written}\0"

    # Spaces around an abbreviation carry nothing: ｲ)ﾔﾏﾀﾞｶｲ, not ｲ) ﾔﾏﾀﾞｶｲ.
    return re.sub(r"\s*\0\s*", "", _ENTITY.sub(replace, text))


def bank_name(text: str) -> str:
    """A bank or branch name from the data set for a 15-character field.

    Letters other than ``-`` become spaces and a longer name is cut at 15 characters: the
    codes identify the bank, the name is only read by people.
    """
    value = jaconv.z2h(_widen(text), kana=True, ascii=True, digit=True)
    value = value.translate(_LARGE).translate(_UPPER)
    value = "".join(c if c in BANK_NAME_CHARS else " " for c in value)
    return re.sub(r" {2,}", " ", value).strip()[:15]


# --- banks and branches (the zengin-code data set) ---


@dataclass(frozen=True)
class BankBranch:
    bank_code: str
    bank_name: str  # Zengin characters, at most 15
    branch_code: str
    branch_name: str
    bank_name_ja: str
    branch_name_ja: str


@cache
def _banks() -> Any:
    # Imported on first use: the package reads every bank and branch (~0.3 s) when imported.
    from zengin_code import Bank

    return Bank.all


def data_version() -> str:
    import zengin_code

    return str(zengin_code.__version__)


def find_branch(bank_code: str, branch_code: str) -> BankBranch:
    """The bank and branch, or :class:`ZenginError` saying which code is wrong."""
    if not re.fullmatch(r"[0-9]{4}", bank_code or ""):
        raise ZenginError(_("金融機関コードは4桁の数字です: %(code)s") % {"code": bank_code})
    if not re.fullmatch(r"[0-9]{3}", branch_code or ""):
        raise ZenginError(_("支店コードは3桁の数字です: %(code)s") % {"code": branch_code})
    bank = _banks().get(bank_code)
    if bank is None:
        raise ZenginError(_("金融機関コード%(code)sの金融機関はありません。") % {"code": bank_code})
    branch = bank.branches.get(branch_code)
    if branch is None:
        raise ZenginError(
            _("%(bank)s（%(bank_code)s）に支店コード%(code)sの支店はありません。")
            % {"bank": bank.name, "bank_code": bank_code, "code": branch_code}
        )
    return BankBranch(
        bank_code=bank_code,
        bank_name=bank_name(bank.kana),
        branch_code=branch_code,
        branch_name=bank_name(branch.kana),
        bank_name_ja=bank.name,
        branch_name_ja=branch.name,
    )


ACCOUNT_TYPES = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}


def check_account(account_type: str, account_number: str) -> None:
    if account_type not in ACCOUNT_TYPES:
        raise ZenginError(
            _("預金種目は 1（普通）、2（当座）、4（貯蓄）、9（その他）のいずれかです: %(v)s")
            % {"v": account_type}
        )
    if not re.fullmatch(r"[0-9]{7}", account_number or ""):
        raise ZenginError(_("口座番号は7桁の数字です: %(v)s") % {"v": account_number})


# --- the calendar of bank transfers ---


def is_bank_business_day(day: date) -> bool:
    """Banks are closed at weekends, on national holidays and from 31 December to 3 January."""
    year_end = (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not year_end


def next_bank_business_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_bank_business_day(day):
        day += timedelta(days=1)
    return day


# --- the general-transfer file ---


@dataclass(frozen=True)
class Requester:
    """The association as the bank knows it (settings)."""

    code: str  # 10 digits, given by the bank
    name: str
    bank_code: str
    branch_code: str
    account_type: str  # 1 ordinary, 2 current, 9 other
    account_number: str


@dataclass(frozen=True)
class Transfer:
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    recipient_name: str  # converted with convert_name before it gets here, or converted here
    amount: int
    customer_code_1: str = ""  # digits, e.g. the claim number
    customer_code_2: str = ""
    edi: str = ""  # EDI information instead of the customer codes (position 113 "Y")


MAX_AMOUNT = 9_999_999_999
MAX_TOTAL = 999_999_999_999
RECORD_BYTES = 120


def general_transfer_file(
    requester: Requester,
    transfer_date: date,
    transfers: Sequence[Transfer],
    *,
    separator: bytes = b"\r\n",
) -> bytes:
    """The whole file: header, one data record per transfer, trailer and end record."""
    if not transfers:
        raise ZenginError(_("振込がありません。"))
    records = [_header(requester, transfer_date)]
    for number, transfer in enumerate(transfers, start=1):
        try:
            records.append(_data(transfer))
        except ZenginError as error:
            raise ZenginError(
                _("%(n)d件目の振込: %(reason)s") % {"n": number, "reason": error}
            ) from None
    total = sum(t.amount for t in transfers)
    if total > MAX_TOTAL or len(transfers) > 999_999:
        raise ZenginError(_("件数または合計金額が全銀ファイルの桁数を超えます。"))
    records.append("8" + _n(len(transfers), 6) + _n(total, 12) + " " * 101)
    records.append("9" + " " * 119)
    encoded = [record.encode("cp932") for record in records]
    assert all(len(r) == RECORD_BYTES for r in encoded), "every record is 120 bytes"
    return separator.join(encoded) + separator


def _header(r: Requester, transfer_date: date) -> str:
    if not re.fullmatch(r"[0-9]{10}", r.code):
        raise ZenginError(_("依頼人コードは10桁の数字です: %(v)s") % {"v": r.code})
    if r.account_type not in ("1", "2", "9"):
        raise ZenginError(
            _("依頼人の預金種目は 1、2、9 のいずれかです: %(v)s") % {"v": r.account_type}
        )
    check_account(r.account_type, r.account_number)
    bank = find_branch(r.bank_code, r.branch_code)
    name = convert_name(r.name, width=40).converted
    return (
        "1"
        + "21"
        + "0"
        + r.code
        + _c(name, 40)
        + transfer_date.strftime("%m%d")
        + r.bank_code
        + _c(bank.bank_name, 15)
        + r.branch_code
        + _c(bank.branch_name, 15)
        + r.account_type
        + r.account_number
        + " " * 17
    )


def _data(t: Transfer) -> str:
    bank = find_branch(t.bank_code, t.branch_code)
    check_account(t.account_type, t.account_number)
    if not 0 < t.amount <= MAX_AMOUNT:
        raise ZenginError(
            _("振込金額%(amount)s円は1円以上9,999,999,999円以下にしてください。")
            % {"amount": f"{t.amount:,}"}
        )
    name = convert_name(t.recipient_name, width=30).converted
    if t.edi:
        codes, edi_flag = _c(convert_name(t.edi, width=20).converted, 20), "Y"
    else:
        codes = _customer_code(t.customer_code_1) + _customer_code(t.customer_code_2)
        edi_flag = " "
    return (
        "2"
        + t.bank_code
        + _c(bank.bank_name, 15)
        + t.branch_code
        + _c(bank.branch_name, 15)
        + "0000"
        + t.account_type
        + t.account_number
        + _c(name, 30)
        + _n(t.amount, 10)
        + "0"
        + codes
        + "7"
        + edi_flag
        + " " * 7
    )


def _customer_code(value: str) -> str:
    if value and not re.fullmatch(r"[0-9]{1,10}", value):
        raise ZenginError(_("顧客コードは10桁以内の数字です: %(v)s") % {"v": value})
    return _n(int(value or 0), 10)


def _n(value: int, width: int) -> str:
    text = str(value)
    if len(text) > width:
        raise ZenginError(_("%(v)sは%(w)d桁に収まりません。") % {"v": value, "w": width})
    return text.rjust(width, "0")


def _c(value: str, width: int) -> str:
    return value.ljust(width, " ")
