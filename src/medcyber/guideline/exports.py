"""The self-assessment as an Excel workbook laid out like the MHLW checklist (GL-3): one sheet
of items with yes/no, date checked and target date, one sheet of the asset register."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from . import queries, rules


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value[:1] in ("=", "+", "-", "@"):  # never a formula from someone's text
            value = "'" + value
    return value


def assessment_workbook(
    *,
    facility: Any,
    version: Any,
    sections: list[queries.SectionRows],
    assets: list[Any],
    progress: rules.Progress,
    has_system: bool | None,
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("チェックリスト")
    sheet.append([_("医療機関におけるサイバーセキュリティ対策チェックリスト")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("医療機関名"), _clean(facility.name)])
    sheet.append([_("年度"), rules.fiscal_year_label(version.fiscal_year), _clean(version.title)])
    system = {True: _("有"), False: _("無（以下の確認は不要）"), None: _("未回答")}[has_system]
    sheet.append([_("医療情報システムの有無"), system])
    sheet.append([_("回答済み"), f"{progress.answered}/{progress.total}"])
    sheet.append([])
    sheet.append(
        [_("項番"), _("確認事項"), _("対象"), _("回答"), _("確認日"), _("対応予定日"), _("備考")]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for section in sections:
        sheet.append([f"{section.code}. {_clean(section.title)}"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for row in section.rows:
            answer = row.answer
            sheet.append(
                [
                    row.item.number,
                    _clean(row.item.text),
                    "・".join(row.item.scope_labels),
                    answer.get_value_display() if answer and answer.value else "",
                    answer.checked_on if answer else None,
                    answer.target_date if answer else None,
                    _clean(answer.note) if answer else "",
                ]
            )
    for column, width in zip("ABCDEFG", (8, 60, 22, 8, 14, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=8):
        line[1].alignment = Alignment(wrap_text=True, vertical="top")
        for cell in line[4:6]:
            cell.number_format = "yyyy/mm/dd"
    annex = book.create_sheet(_("資産台帳"))
    annex.append(
        [
            _("種類"),
            _("名称"),
            _("メーカー"),
            _("製品名"),
            _("バージョン"),
            _("設置場所"),
            _("管理責任者"),
            _("インターネット接続"),
            _("保守事業者"),
        ]
    )
    for asset in assets:
        annex.append(
            [
                asset.get_kind_display(),
                _clean(asset.name),
                _clean(asset.vendor),
                _clean(asset.product),
                _clean(asset.version),
                _clean(asset.location),
                _clean(asset.owner),
                _("あり") if asset.internet_exposed else _("なし"),
                _clean(asset.maintainer),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
