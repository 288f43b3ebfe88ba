"""The association overview across fiscal years: completion per prefecture and the share of
“no” per item, from the kept counts (:mod:`.tallies`) — counts only, never a facility."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import queries, rules
from .charts import BarGroup
from .models import ChecklistVersion

#: How many fiscal years the charts compare (the newest ones).
YEARS_SHOWN = 3


@dataclass(frozen=True)
class Trend:
    years: list[int]
    series: list[str]
    prefectures: list[BarGroup]
    items: list[BarGroup]
    prefecture_rows: list[tuple[int, queries.PrefectureRow]]


def _versions(years: list[int]) -> list[tuple[int, ChecklistVersion]]:
    found = []
    for year in sorted(years)[-YEARS_SHOWN:]:
        version = queries.version_for("institution", year)
        if version is not None:
            found.append((year, version))
    return found


def trend(user: Any, years: list[int], kind: str = "") -> Trend:
    """Completion rate per prefecture and “no” rate per item (matched across versions by the
    item's key; labelled as in the newest version), for the newest fiscal years."""
    versions = _versions(years)
    by_prefecture: dict[str, dict[int, int]] = {}
    labels: dict[str, str] = {}
    prefecture_rows: list[tuple[int, queries.PrefectureRow]] = []
    by_item: dict[str, dict[int, int]] = {}
    item_labels: dict[str, str] = {}
    facilities = queries.active_facilities_by_prefecture(user)
    for year, version in versions:
        for row in queries.association_overview(user, version, facilities):
            by_prefecture.setdefault(row.prefecture, {})[year] = row.complete_rate
            labels[row.prefecture] = row.label
            prefecture_rows.append((year, row))
        for rate in queries.item_rates(user, version, kind):
            by_item.setdefault(rate.item.key, {})[year] = rate.no_rate if rate.answered else -1
            item_labels[rate.item.key] = f"{rate.item.number} {rate.item.text}"
    shown = [year for year, _version in versions]

    def values(per_year: dict[int, int]) -> tuple[int | None, ...]:
        return tuple(None if per_year.get(y, -1) < 0 else per_year.get(y) for y in shown)

    return Trend(
        years=shown,
        series=[rules.fiscal_year_label(y).split("（")[0] for y in shown],
        prefectures=[
            BarGroup(labels[code], values(by_prefecture[code])) for code in sorted(labels)
        ],
        items=[BarGroup(item_labels[key], values(by_item[key])) for key in item_labels],
        prefecture_rows=prefecture_rows,
    )
