"""Server-drawn SVG charts of a campaign's results (TRAIN-3): no JavaScript, so they show on
every screen, in print and in the PDF report alike. Every text is escaped; the figures are
also in the tables next to them (the charts are an aid, not the only record)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import rules

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"
KINDS = ("opened", "clicked", "submitted", "reported")
COLOURS = {
    "sent": "#4a5568",
    "opened": "#3182ce",
    "clicked": "#dd6b20",
    "submitted": "#c53030",
    "reported": "#2f855a",
}


def _labels() -> dict[str, str]:
    return {
        "sent": _("送信した"),
        "opened": _("メールを開いた"),
        "clicked": _("リンクを開いた"),
        "submitted": _("ログイン画面に入力した"),
        "reported": _("不審なメールとして報告した"),
    }


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def funnel_svg(funnel: rules.Funnel) -> SafeString:
    """Horizontal bars: sent → opened → clicked → submitted, and reported, each with its
    count and share of the mails sent."""
    labels = _labels()
    width, left, right, row = 640, 190, 110, 34
    plot = width - left - right
    rows = ("sent", *KINDS)
    body = []
    for i, key in enumerate(rows):
        count = getattr(funnel, key)
        y = 10 + i * row
        bar = round(plot * count / funnel.sent) if funnel.sent else 0
        share = rules.percent(funnel.rate(count)) if key != "sent" else ""
        figure = _("%(n)d通") % {"n": count}
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{escape(labels[key])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{plot}" height="20" fill="#edf2f7"/>'
            f'<rect x="{left}" y="{y + 3}" width="{bar}" height="20" fill="{COLOURS[key]}"/>'
            f'<text x="{left + plot + 8}" y="{y + 17}" data-key="{key}">'
            f"{escape(figure)} {escape(share)}</text>"
        )
    return _svg(width, 20 + len(rows) * row, _("訓練の結果（人数）"), body)


def timeline_svg(timeline: list[tuple[dt.datetime, dict[str, int]]]) -> SafeString:
    """Stacked bars per hour of the events recorded (opened, clicked, submitted, reported)."""
    labels = _labels()
    width, left, top, plot_h, bottom = 640, 44, 34, 180, 44
    plot_w = width - left - 10
    peak = max((sum(k.get(kind, 0) for kind in KINDS) for _h, k in timeline), default=0)
    body = []
    for i, kind in enumerate(KINDS):  # the legend
        x = left + i * 150
        body.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[kind]}"/>'
            f'<text x="{x + 16}" y="17" font-size="11">{escape(labels[kind])}</text>'
        )
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#4a5568"/>'
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11">{peak}</text>'
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>'
    )
    slot = plot_w / max(len(timeline), 1)
    for i, (hour, kinds) in enumerate(timeline):
        bx = left + i * slot
        y = float(top + plot_h)
        for kind in KINDS:
            n = kinds.get(kind, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            body.append(
                f'<rect x="{bx + 1:.1f}" y="{y:.1f}" width="{max(slot - 2, 1):.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[kind]}"><title>'
                f"{escape(formats.date_format(hour, 'DATETIME_FORMAT'))} "
                f"{escape(labels[kind])} {n}</title></rect>"
            )
    if timeline:
        for i in sorted({0, len(timeline) - 1}):
            anchor = "start" if i == 0 else "end"
            x = left if i == 0 else width - 10
            when = formats.date_format(timeline[i][0], "DATETIME_FORMAT")
            body.append(
                f'<text x="{x}" y="{top + plot_h + 18}" text-anchor="{anchor}" '
                f'font-size="11">{escape(when)}</text>'
            )
    return _svg(width, top + plot_h + bottom, _("時間ごとの記録"), body)
