"""A campaign's results per recipient as CSV or Excel (TRAIN-3)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core.exports import csv_response

from .models import Campaign, Message


def header() -> list[str]:
    return [
        _("氏名"),
        _("メールアドレス"),
        _("部署"),
        _("職種"),
        _("送信状態"),
        _("送信日時"),
        _("開封日時"),
        _("クリック日時"),
        _("入力日時"),
        _("報告日時"),
    ]


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(campaign: Campaign) -> Iterator[list[Any]]:
    messages = (
        Message.unscoped.filter(campaign=campaign)
        .select_related("recipient")
        .order_by("recipient__department", "recipient__name")
    )
    for m in messages.iterator(chunk_size=2000):
        yield [
            m.recipient.name,
            m.recipient.email,
            m.recipient.department,
            m.recipient.job_type,
            str(m.get_state_display()),
            _when(m.sent_at),
            _when(m.opened_at),
            _when(m.clicked_at),
            _when(m.submitted_at),
            _when(m.reported_at),
        ]


def response(campaign: Campaign, fmt: str) -> HttpResponse | StreamingHttpResponse:
    name = f"training-{campaign.pk}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header(), rows(campaign))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("結果"))
    sheet.append(header())
    for row in rows(campaign):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    result["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return result
