"""Server-rendered SVG charts for the association overview: one picture serves the page and
print, needs no JavaScript, and reads with a screen reader (title, description, and the same
numbers in the table and CSV beside it). Pure: values in, SVG text out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: One colour per fiscal year (oldest → newest), distinguishable in greyscale print too.
PALETTE = ("#9bb7d4", "#4a7fb5", "#1f3f66", "#c47f2c")
LABEL_WIDTH = 240
PLOT_WIDTH = 420
BAR_HEIGHT = 11
GROUP_GAP = 8
TOP = 34


@dataclass(frozen=True)
class BarGroup:
    """One row of the chart (a prefecture, an item): a percentage per series, ``None`` when
    that series has no data for it."""

    label: str
    values: tuple[int | None, ...]


def _truncate(text: str, length: int = 22) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def grouped_bars(
    *, title: str, description: str, series: Sequence[str], groups: Sequence[BarGroup]
) -> SafeString:
    """Horizontal bars, 0–100 %, one bar per series in each group, legend on top."""
    group_height = len(series) * BAR_HEIGHT + GROUP_GAP
    height = TOP + max(len(groups), 1) * group_height + 20
    width = LABEL_WIDTH + PLOT_WIDTH + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>"
    ]
    for index, name in enumerate(series):
        x = LABEL_WIDTH + index * 110
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="16" font-size="11">{escape(name)}</text>'
        )
    for tick in (0, 50, 100):
        tick_x = LABEL_WIDTH + PLOT_WIDTH * tick / 100
        parts.append(
            f'<line x1="{tick_x:.0f}" y1="{TOP - 4}" x2="{tick_x:.0f}" y2="{height - 16}" '
            f'stroke="#ccc" stroke-width="1"/>'
            f'<text x="{tick_x:.0f}" y="{height - 4}" font-size="10" '
            f'text-anchor="middle">{tick}%</text>'
        )
    for row, group in enumerate(groups):
        y0 = TOP + row * group_height
        middle = y0 + len(series) * BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.0f}" font-size="11" text-anchor="end">'
            f"{escape(_truncate(group.label))}</text>"
        )
        for index, value in enumerate(group.values):
            y = y0 + index * BAR_HEIGHT
            if value is None:
                continue
            bar = PLOT_WIDTH * max(0, min(value, 100)) / 100
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(series[index])} '
                f"{escape(group.label)}: {value}%</title></rect>"
                f'<text x="{LABEL_WIDTH + bar + 3:.1f}" y="{y + BAR_HEIGHT - 3}" font-size="9">'
                f"{value}%</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
