"""Pure rules of the MHLW checklist: fiscal years, target dates, scopes, progress, changes.

No ORM and no clock: callers pass ``today``. Japan's fiscal year runs from 1 April to 31 March
and is named by the calendar year it starts in (FY2025 = 2025-04-01 … 2026-03-31).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

#: The systems an item applies to; an empty scope means every system.
SCOPES: dict[str, str] = {
    "all": "すべてのシステム",
    "servers": "サーバ",
    "pcs": "端末PC",
    "network": "ネットワーク機器",
}

YES = "yes"
NO = "no"


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """「2025年度（令和7年度）」: the association's way of naming a fiscal year."""
    return _("%(year)d年度（令和%(reiwa)d年度）") % {"year": year, "reiwa": year - 2018}


def parse_scope(text: str) -> list[str]:
    """``"servers, pcs"`` → ``["servers", "pcs"]``; ValueError naming the unknown code."""
    codes = [part.strip().lower() for part in text.replace("、", ",").split(",") if part.strip()]
    unknown = [code for code in codes if code not in SCOPES]
    if unknown:
        raise ValueError(
            _("対象「%(code)s」は使えません（使えるもの: %(known)s）。")
            % {"code": unknown[0], "known": ", ".join(SCOPES)}
        )
    if not codes or "all" in codes:
        return ["all"]
    return [code for code in SCOPES if code in codes]


def answer_problems(
    *,
    answer: str,
    checked_on: dt.date | None,
    target_date: dt.date | None,
    fiscal_year: int,
) -> dict[str, str]:
    """What is wrong with one answer, by field name (empty when it may be saved)."""
    start, end = fiscal_year_bounds(fiscal_year)
    problems: dict[str, str] = {}
    if answer == NO:
        if target_date is None:
            problems["target_date"] = _("「いいえ」の項目には対応予定日が必要です。")
        elif not start <= target_date <= end:
            problems["target_date"] = _(
                "対応予定日は%(start)sから%(end)sまでの日付にしてください（同じ年度内）。"
            ) % {"start": japanese_date(start), "end": japanese_date(end)}
    elif target_date is not None and answer == YES:
        problems["target_date"] = _("「はい」の項目に対応予定日は入れられません。")
    if checked_on is not None and answer == "":
        problems["checked_on"] = _("確認日を入れたときは「はい」か「いいえ」を選んでください。")
    return problems


def japanese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Progress:
    answered: int
    yes: int
    no: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def progress(answers: Iterable[str], total: int) -> Progress:
    values = [a for a in answers if a in (YES, NO)]
    return Progress(
        answered=len(values),
        yes=sum(1 for a in values if a == YES),
        no=sum(1 for a in values if a == NO),
        total=total,
    )


@dataclass(frozen=True)
class Change:
    """How one item's answer moved from last fiscal year to this one."""

    key: str
    before: str  # "", "yes", "no" or "new" (the item did not exist last year)
    after: str

    @property
    def kind(self) -> str:
        if self.before == "new":
            return "new_item"
        if self.before == NO and self.after == YES:
            return "improved"
        if self.before == YES and self.after == NO:
            return "worsened"
        if self.before != self.after:
            return "changed"
        return "same"


def changes_since(
    last_year: Mapping[str, str], this_year: Mapping[str, str], keys: Iterable[str]
) -> list[Change]:
    """Per item key of this year's version (in its order), last year's answer against this."""
    return [
        Change(
            key, last_year.get(key, "new") if key in last_year else "new", this_year.get(key, "")
        )
        for key in keys
    ]
