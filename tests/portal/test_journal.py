"""Journal issues: volume/number, date, table of contents, a PDF stored through the documents
module (a file that is not a PDF is refused), downloaded by the readers its audience allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medcyber.portal import services
from medcyber.portal.models import ContentItem
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

from .conftest import make_item, registered_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _journal_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "journal",
        "title": "サイバーリスクジャーナル 第1巻第2号",
        "summary": "特集：ランサムウェア",
        "body": "今号の特集はランサムウェアです。",
        "audience": "members",
        "volume": "1",
        "number": "2",
        "issue_date": "2026-10-01",
        "table_of_contents": "巻頭言\n特集 ランサムウェア\n事例紹介",
        "action": "save",
    }
    data.update(overrides)
    return data


def _editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def test_an_issue_with_its_pdf_is_published_and_read_by_members(editor: Any) -> None:
    client = _editor_client(editor)
    upload = SimpleUploadedFile("journal.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("portal:editor_new", args=["journal"]), {**_journal_form(), "pdf_file": upload}
    )
    issue = ContentItem.objects.get()
    assert issue.pdf is not None and issue.pdf.content_type == "application/pdf"
    services.publish(item=issue, by=editor)
    from tests import factories

    member, _m, _f = factories.member_with_facility()
    reader = Client()
    reader.force_login(member)
    page = reader.get(reverse("portal:item", args=[issue.pk])).content.decode()
    assert "第1巻 第2号" in page and "特集 ランサムウェア" in page and "2026年10月1日" in page
    download = reader.get(reverse("portal:journal_pdf", args=[issue.pk]))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    # a registered portal user is not a programme member: neither page nor file
    outsider = Client()
    outsider.force_login(registered_user())
    assert outsider.get(reverse("portal:journal_pdf", args=[issue.pk])).status_code == 404
    assert Client().get(reverse("portal:journal_pdf", args=[issue.pk])).status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused(editor: Any) -> None:
    client = _editor_client(editor)
    fake = SimpleUploadedFile(
        "journal.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        reverse("portal:editor_new", args=["journal"]),
        {**_journal_form(), "pdf_file": fake},
        follow=True,
    )
    html = response.content.decode()
    assert "PDFファイルを登録できませんでした" in html
    issue = ContentItem.objects.get()
    assert issue.pdf is None  # the text was saved, the file was not
    with pytest.raises(services.PortalError, match="PDFファイルを登録してから"):
        services.publish(item=issue, by=editor)


def test_a_journal_number_is_used_once(editor: Any) -> None:
    make_item(
        editor, kind="journal", title="第1巻第1号", volume=1, number=1,
        issue_date=dt.date(2026, 4, 1), publish=False,
    )  # fmt: skip
    response = _editor_client(editor).post(
        reverse("portal:editor_new", args=["journal"]), _journal_form(number="1")
    )
    assert response.status_code == 200
    assert ContentItem.objects.count() == 1
