"""Pure normalisation of the values found in the association's files (no ORM, no clock).

Width and kana conversion use ``mojimoji`` (full-width letters and digits to half width,
half-width kana to full width) and ``jaconv`` (hiragana to katakana), never hand-written
tables. Every function here is idempotent: normalising a normalised value changes nothing.

Japanese era dates (令和5年4月1日) are read with a small table of era start dates: none of the
installed packages (jaconv, mojimoji, babel, jpholiday) converts 和暦, and adding one (e.g.
``japanera``) for five rows of data was not worth a dependency.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping

import jaconv
import mojimoji
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from ..choices import (
    FacilityKind,
    FacilityStatus,
    ManagementRelation,
    MemberClass,
    MemberStatus,
    Prefecture,
)


class InvalidValue(ValueError):
    """A value that cannot be read; ``str(error)`` is the message for the person (Japanese)."""


# Every character people type for a hyphen in phone numbers, postal codes and dates.
_DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff0d\uff70\u2043\ufe63-]")
_SPACES = re.compile(r"[\s\u3000]+")


def to_half_width(value: str) -> str:
    """Letters, digits and symbols to half width; kana to full width; spaces collapsed."""
    if value.isascii():  # most cells (numbers, dates, e-mail, phones): nothing to convert
        return " ".join(value.split())
    return _to_half_width(value)


@functools.lru_cache(maxsize=1 << 13)  # names, towns and labels repeat; bounded memory
def _to_half_width(value: str) -> str:
    text = mojimoji.han_to_zen(value, ascii=False, digit=False)  # ｶﾞ → ガ
    text = mojimoji.zen_to_han(text, kana=False)  # Ａ１ → A1
    # str.split() splits on exactly what _SPACES matches (every Unicode space, U+3000 too).
    return " ".join(text.split())


def normalize_text(value: str) -> str:
    """Names, addresses and other free text: width-normalised and trimmed."""
    return to_half_width(value)


_KANA_HYPHEN = re.compile(r"(?<=[\u30a1-\u30fa])[-\u2010-\u2015\u2212]")


@functools.lru_cache(maxsize=1 << 13)  # readings repeat (ヤマダ, タロウ …); bounded memory
def normalize_kana(value: str) -> str:
    """Kana fields: full-width katakana (hiragana and half-width kana converted)."""
    text = jaconv.hira2kata(to_half_width(value))
    # The prolonged sound mark typed as a hyphen after kana (ﾔﾏﾀﾞ-) is still the mark.
    text = _KANA_HYPHEN.sub("ー", text)
    return text.replace(" ", "\u3000")


_KATAKANA = re.compile(r"^[\u30a0-\u30ff\u3000]+$")


def is_katakana(value: str) -> bool:
    return bool(_KATAKANA.match(value))


def digits_only(value: str) -> str:
    return re.sub(r"[^0-9]", "", to_half_width(value))


# Number ranges whose split is fixed nationally (mobile, IP phones, toll-free): the only
# ten/eleven-digit numbers we hyphenate ourselves. Landline area codes vary in length
# (03, 045, 0466, 01267) and are left as digits unless the file gives the hyphens.
_FIXED_SPLITS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("0120", 10, (4, 3, 3)),
    ("0800", 11, (4, 3, 4)),
    ("0570", 10, (4, 3, 3)),
    ("050", 11, (3, 4, 4)),
    ("060", 11, (3, 4, 4)),
    ("070", 11, (3, 4, 4)),
    ("080", 11, (3, 4, 4)),
    ("090", 11, (3, 4, 4)),
)


def normalize_phone(value: str) -> str:
    """03-1234-5678 as given, or 0312345678 when the split is not known; 090-1234-5678."""
    text = to_half_width(value).replace(" ", "")
    text = re.sub(
        r"^(0\d{1,4})\((\d{1,4})\)(\d{3,4})$", r"\1-\2-\3", text, flags=re.ASCII
    )  # 03(1234)5678
    text = _DASHES.sub("-", text)
    if "-" in text:
        return text
    for prefix, length, parts in _FIXED_SPLITS:
        if text.startswith(prefix) and len(text) == length and text.isascii() and text.isdigit():
            pieces, start = [], 0
            for size in parts:
                pieces.append(text[start : start + size])
                start += size
            return "-".join(pieces)
    return text


def normalize_postal_code(value: str) -> str:
    """〒1138621 / １１３－８６２１ → 113-8621 (anything else is returned for the validator)."""
    text = _DASHES.sub("-", to_half_width(value).replace("〒", "").replace(" ", ""))
    if re.fullmatch(r"\d{7}", text):
        return f"{text[:3]}-{text[3:]}"
    return text


def normalize_digits(value: str) -> str:
    """Codes and numbers: width-normalised, spaces and hyphens removed."""
    return _DASHES.sub("", to_half_width(value)).replace(" ", "")


# --- dates

# Start dates of the modern eras (the Cabinet orders that named them).
ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("大正", "T", dt.date(1912, 7, 30)),
    ("明治", "M", dt.date(1868, 1, 25)),
)

_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", re.ASCII)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_WAREKI = re.compile(
    r"^(令和|平成|昭和|大正|明治|[RHSTM])(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", re.ASCII
)


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidValue(
            _("%(year)d年%(month)d月%(day)d日という日付はありません。")
            % {"year": year, "month": month, "day": day}
        ) from None


def _from_wareki(era: str, year_text: str, month: int, day: int) -> dt.date:
    index = next(i for i, (name, letter, _start) in enumerate(ERAS) if era in (name, letter))
    name, _letter, start = ERAS[index]
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise InvalidValue(_("%(era)s0年という年はありません。") % {"era": name})
    result = _make_date(start.year + year - 1, month, day)
    end = ERAS[index - 1][2] if index > 0 else None
    if result < start or (end is not None and result >= end):
        raise InvalidValue(
            _("%(era)s%(year)s年%(month)d月%(day)d日は%(era)sの期間にない日付です。")
            % {"era": name, "year": year_text, "month": month, "day": day}
        )
    return result


def parse_date(value: str) -> dt.date:
    """2023-04-01, 2023/4/1, 2023年4月1日, 20230401, 令和5年4月1日, R5.4.1 → date."""
    text = _DASHES.sub("-", to_half_width(value).replace(" ", "").upper())
    if match := _SEPARATED.match(text) or _COMPACT.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day)
    if wareki := _WAREKI.match(text):
        era, year_text, month_text, day_text = wareki.groups()
        return _from_wareki(era, year_text, int(month_text), int(day_text))
    raise InvalidValue(
        _("日付は 2023-04-01、2023/4/1 または 令和5年4月1日 の形で入力してください。")
    )


# --- code lists


def _key(value: str) -> str:
    """The form labels and codes are compared in: half width, no spaces, upper case."""
    return to_half_width(value).replace(" ", "").upper()


def _choice_table(
    choices: type[models.TextChoices], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Code, Japanese label and aliases of a code list → code."""
    table: dict[str, str] = {}
    with translation.override("ja"):  # the files are Japanese whatever the page language
        for code, label in choices.choices:
            table[_key(code)] = code
            table[_key(str(label))] = code
    for alias, code in (aliases or {}).items():
        table[_key(alias)] = code
    return table


def member_class_key(value: str) -> str:
    """A① / Ａ１ / A②(B) / A2B / A①会員 → A1, A2B …"""
    text = _key(value).replace("①", "1").replace("②", "2").replace("会員", "")
    return re.sub(r"[()]", "", text)


_MEMBER_CLASSES = frozenset(MemberClass.values)


def normalize_member_class(value: str) -> str | None:
    key = member_class_key(value)
    return key if key in _MEMBER_CLASSES else None


@functools.cache
def _prefecture_table() -> dict[str, str]:
    table: dict[str, str] = {}
    with translation.override("ja"):
        for code, label in Prefecture.choices:
            name = str(label)
            table[code] = code
            table[str(int(code))] = code  # 1 for 01: Excel drops the leading zero
            table[name] = code
            if name != "北海道":
                table[name[:-1]] = code  # 東京 for 東京都
    return table


def normalize_prefecture(value: str) -> str | None:
    """東京都 / 東京 / 13 / １３ → "13"."""
    return _prefecture_table().get(_key(value))


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    return {
        "member_status": _choice_table(MemberStatus, {"正会員": "active", "在会": "active"}),
        "facility_status": _choice_table(FacilityStatus, {"運営": "active", "閉院": "closed"}),
        "facility_kind": _choice_table(
            FacilityKind,
            {
                "介護": "care_facility",
                "介護施設": "care_facility",
                "クリニック": "clinic",
                "医院": "clinic",
            },
        ),
        "relation": _choice_table(
            ManagementRelation,
            {"開設者兼管理者": "founder_manager", "開設者/管理者": "founder_manager"},
        ),
    }


def lookup_choice(table: str, value: str) -> str | None:
    """member_status / facility_status / facility_kind / relation: label or code → code."""
    return _tables()[table].get(_key(value))
