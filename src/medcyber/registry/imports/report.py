"""An import's report for people: Japanese text for the command, CSV rows for download."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .apply import ImportReport
from .columns import kind_label
from .rows import RowError


def report_header() -> list[str]:
    return [_("行"), _("列"), _("値"), _("理由")]


def sorted_errors(report: ImportReport) -> list[RowError]:
    return sorted(report.errors, key=lambda error: error.line)


def error_rows(report: ImportReport) -> Iterator[list[str]]:
    """line, column, value, reason — one row per rejected value, in file order."""
    for error in sorted_errors(report):
        yield [str(error.line), error.column, error.value, error.message]


def write_error_csv(report: ImportReport, stream: IO[str]) -> None:
    """The report as CSV that Excel opens correctly (UTF-8 with BOM, written by the caller)."""
    writer = csv.writer(stream)
    writer.writerow(report_header())
    writer.writerows(error_rows(report))


def save_error_csv(report: ImportReport, path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8-sig", newline="") as stream:
        write_error_csv(report, stream)


def _mode(report: ImportReport) -> str:
    if report.dry_run:
        return _("確認のみ（登録内容は変更していません）")
    if report.applied:
        return _("取り込み済み")
    return _("取り込み中止（登録内容は変更していません）")


def _counts(report: ImportReport) -> list[str]:
    would = report.dry_run or not report.applied
    lines = [
        _("読んだ行: %(n)d") % {"n": report.rows_read},
        (_("新規（予定）: %(n)d") if would else _("新規: %(n)d")) % {"n": report.created},
        (_("更新（予定）: %(n)d") if would else _("更新: %(n)d")) % {"n": report.updated},
        _("変更なし: %(n)d") % {"n": report.unchanged},
    ]
    if report.full:
        ended = (
            _("ファイルになく廃止とした施設: %(n)d")
            if report.kind == "facilities"
            else _("ファイルになく退会とした会員: %(n)d")
        )
        lines.append(ended % {"n": report.ended})
    if report.associations_created:
        lines.append(_("新しく登録した医師会: %(n)d") % {"n": report.associations_created})
    lines.append(_("取り込めない行: %(n)d") % {"n": report.rejected_rows})
    return lines


def _outcome(report: ImportReport) -> str:
    if report.ok:
        return _("すべての行を読めました。") if report.dry_run else ""
    if report.applied:
        return _("取り込めない行を除いて取り込みました。")
    return _(
        "取り込めない行があるため、何も変更していません。"
        "ファイルを直してもう一度取り込むか、正しい行だけを取り込んでください（--valid-only）。"
    )


def format_text(report: ImportReport, *, limit: int = 200) -> str:
    """The summary and the first ``limit`` problems, one per line."""
    title = _("%(kind)sの取り込み（%(file)s）: %(mode)s") % {
        "kind": kind_label(report.kind),
        "file": report.file_name,
        "mode": _mode(report),
    }
    lines = [title, *("  " + line for line in _counts(report))]
    errors = sorted_errors(report)
    for error in errors[:limit]:
        value = _("「%(value)s」") % {"value": error.value} if error.value else ""
        lines.append(
            _("  %(line)d行目 %(column)s%(value)s: %(message)s")
            % {"line": error.line, "column": error.column, "value": value, "message": error.message}
        )
    hidden = len(errors) - min(len(errors), limit) + report.errors_not_kept
    if hidden:
        lines.append(_("  ほか %(n)d 件（一覧は --report で CSV に書き出せます）") % {"n": hidden})
    if outcome := _outcome(report):
        lines.append(outcome)
    return "\n".join(lines)
