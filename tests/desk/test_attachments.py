"""Attachments on cases with the real clamd: an infected file is never stored nor served, and
the case is flagged where the desk looks (queue, case page, timeline) (DESK-7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent, StoredDocument
from medcyber.desk import services
from medcyber.desk.choices import Channel
from medcyber.desk.models import Case, CaseEvent
from tests import factories
from tests.desk.conftest import EICAR

pytestmark = pytest.mark.django_db

CASE = {
    "category": "pc_takeover",
    "severity": "high",
    "patient_data": "unknown",
    "summary": "添付のログを見てほしい",
    "description": "ウイルス対策ソフトが警告を出した。",
}


def _eicar(name: str = "警告ログ.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EICAR, content_type="text/plain")


def test_an_infected_web_attachment_is_refused_and_flags_the_case(
    client: Any, clamd: Any, document_storage: Any
) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    response = client.post(
        reverse("desk:web_intake"),
        {"facility": facility.pk, **CASE, "attachments": [_eicar()]},
        follow=True,
    )
    body = response.content.decode()
    assert "ウイルスが検出されたため、ファイルを受け付けられません" in body
    case = Case.unscoped.get()
    assert case.virus_found_at is not None
    assert not case.attachments.exists() and not StoredDocument.unscoped.exists()
    assert not [p for p in document_storage.rglob("*") if p.is_file()]  # nothing stored
    event = CaseEvent.unscoped.get(case=case, kind="quarantined")
    assert not event.internal and event.data["signature"].startswith("Eicar-Test-Signature")
    assert event.data["file_name"] == "警告ログ.txt" and len(event.data["sha256"]) == 64
    assert "「警告ログ.txt」からウイルス" in body  # the member's own timeline says so
    assert AuditEvent.objects.filter(action="core.document.rejected").exists()

    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    queue = client.get(reverse("desk:queue"), {"tier": "1"}).content.decode()
    assert "ウイルス検出" in queue
    page = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert 'id="virus-flag"' in page and "ウイルスが検出されました" in page


def test_an_operator_upload_is_scanned_too(client: Any, clamd: Any, document_storage: Any) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    case = services.open_case(
        by=operator,
        channel=Channel.PHONE,
        caller_name="電話の方",
        now=dt.datetime.now(dt.UTC),
        **CASE,
    )
    url = reverse("desk:case_attach", args=[case.pk])
    clean = SimpleUploadedFile("通信ログ.txt", "正常なログ\n".encode(), content_type="text/plain")
    page = client.post(url, {"attachments": [clean]}, follow=True).content.decode()
    assert "ファイルを添付しました" in page and "通信ログ.txt" in page
    case.refresh_from_db()
    assert case.virus_found_at is None and case.attachments.count() == 1

    page = client.post(url, {"attachments": [_eicar("メール添付.txt")]}, follow=True)
    text = page.content.decode()
    assert "ウイルスが検出されたため" in text and 'id="virus-flag"' in text
    case.refresh_from_db()
    assert case.virus_found_at is not None and case.attachments.count() == 1
    names = [a.document.original_name for a in case.attachments.all()]
    assert names == ["通信ログ.txt"]  # the infected file has no document, no download link
