"""The loader's report as text (for the command line) — the screen renders the same rows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .loading import LoadReport

OUTCOMES = {
    "new": gettext_lazy("新規"),
    "changed": gettext_lazy("文言変更"),
    "same": gettext_lazy("変更なし"),
    "dropped": gettext_lazy("削除"),
    "error": gettext_lazy("エラー"),
}


def outcome_label(outcome: str) -> str:
    return str(OUTCOMES.get(outcome, outcome))


def format_report(report: LoadReport) -> str:
    lines = [report.file_name]
    if report.spec is not None and report.spec.fiscal_year:
        lines.append(
            _("チェックリスト: %(code)s / %(year)s年度 / 項目 %(items)d件")
            % {
                "code": report.spec.checklist,
                "year": report.spec.fiscal_year,
                "items": len(report.spec.items),
            }
        )
    lines += [f"! {problem}" for problem in report.problems]
    for row in report.rows:
        text = f"{row.where}\t{row.key}\t{outcome_label(row.outcome)}"
        lines.append(f"{text}\t{row.message}" if row.message else text)
    if not report.ok:
        lines.append(_("問題が%(n)d件あるため、何も変更していません。") % {"n": report.error_count})
    elif report.dry_run:
        lines.append(_("確認のみ（ドライラン）: 問題はありません。何も変更していません。"))
    elif report.applied:
        lines.append(_("読み込みました。"))
    return "\n".join(lines)
