"""What the issue's bad input does to the desk: a 2 GB upload, an archive bomb, an .exe
named .png, HTML and script in every text field, two operators editing one case."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.documents import DocumentRejected
from medcyber.core.models import StoredDocument
from medcyber.desk import services
from medcyber.desk.choices import Channel, Status, Tier
from medcyber.desk.models import Case, CaseEvent, ReferralPartner
from tests import factories

pytestmark = pytest.mark.django_db

CASE = {
    "category": "cyber_attack",
    "severity": "high",
    "patient_data": "unknown",
    "summary": "サーバーのログを送ります",
    "description": "調査をお願いします。",
}
TWO_GB = 2 * 1024**3


def _case(operator: Any, **kwargs: Any) -> Case:
    values: dict[str, Any] = {"caller_name": "電話の方", **CASE, **kwargs}
    return services.open_case(
        by=operator, channel=Channel.PHONE, now=dt.datetime.now(dt.UTC), **values
    )


@pytest.fixture
def operator(client: Any) -> Any:
    user = factories.staff_user(Role.DESK_TIER1)
    client.force_login(user)
    return user


# --- uploads ----------------------------------------------------------------------------------
def test_a_2_gb_upload_is_refused_by_its_size_without_being_read(
    operator: Any, tmp_path: Path
) -> None:
    """Django streams a large upload to a temporary file on disk; its size alone refuses it.
    A sparse file stands for it here: 2 GB long, no disk used, and never read into memory."""
    sparse = tmp_path / "capture.log"
    with sparse.open("wb") as handle:
        handle.truncate(TWO_GB)
    case = _case(operator)
    tracemalloc.start()
    try:
        with sparse.open("rb") as handle, pytest.raises(DocumentRejected) as refused:
            services.attach_files(
                case, by=operator, files=[File(handle, name="capture.log")], now=case.received_at
            )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "too_large" and "MBまで" in refused.value.message
    assert peak < 16 * 1024 * 1024  # far below the file's size: nothing was read whole
    assert not case.attachments.exists() and not StoredDocument.unscoped.exists()


def _office_zip(extra: dict[str, bytes], *, part: str = "xl") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}/workbook.xml", "<workbook/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # 50 MB of zeros squeezed into about 50 KB: a thousand times its size
        ("売上.xlsx", lambda: _office_zip({"xl/sheet1.bin": bytes(50 * 1024 * 1024)})),
        # an archive inside the archive (the first layer of a nested bomb)
        ("報告書.docx", lambda: _office_zip({"word/inner.zip": b"PK\x03\x04"}, part="word")),
    ],
    ids=["expansion-ratio", "nested-archive"],
)
def test_an_archive_bomb_is_refused_before_anything_expands_it(
    client: Any, operator: Any, name: str, content: Any
) -> None:
    case = _case(operator)
    bomb = SimpleUploadedFile(name, content(), content_type="application/octet-stream")
    page = client.post(
        reverse("desk:case_attach", args=[case.pk]), {"attachments": [bomb]}, follow=True
    ).content.decode()
    assert "圧縮ファイルの展開後の大きさや入れ子の構造が異常なため" in page
    assert not case.attachments.exists() and not StoredDocument.unscoped.exists()


def test_an_ordinary_spreadsheet_is_not_taken_for_a_bomb(
    client: Any, operator: Any, clamd: Any, document_storage: Any
) -> None:
    case = _case(operator)
    workbook = SimpleUploadedFile("一覧.xlsx", _office_zip({"xl/sheet1.xml": "<row/>" * 200}))
    client.post(reverse("desk:case_attach", args=[case.pk]), {"attachments": [workbook]})
    assert [a.document.original_name for a in case.attachments.all()] == ["一覧.xlsx"]


def test_an_exe_named_png_is_refused_on_an_operator_upload(client: Any, operator: Any) -> None:
    case = _case(operator)
    fake = SimpleUploadedFile("screen.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png")
    page = client.post(
        reverse("desk:case_attach", args=[case.pk]), {"attachments": [fake]}, follow=True
    ).content.decode()
    assert "ファイルの内容が拡張子（.png）と一致しません" in page
    assert not case.attachments.exists()


# --- HTML and script in every text field ----------------------------------------------------
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_every_text_field_is_shown_escaped(client: Any, operator: Any) -> None:
    member_user, _member, facility = factories.member_with_facility()
    client.post(
        reverse("desk:phone_intake"),
        {
            "caller": "",
            "caller_name": XSS,
            "caller_phone": XSS[:20],
            "caller_facility_name": XSS,
            **CASE,
            "summary": XSS,
            "description": XSS,
        },
    )
    case = Case.unscoped.get()
    case.facility = facility  # the member's facility, so the member's page shows it too
    case.save()
    now = dt.datetime.now(dt.UTC)
    case = services.add_note(case, by=operator, text=XSS, version=None, now=now)
    case = services.send_message(case, by=operator, text=XSS, version=None, now=now)
    case = services.change_status(
        case, by=operator, status=Status.WAITING_MEMBER, text=XSS, version=None, now=now
    )
    case = services.send_message(case, by=member_user, text=XSS, version=None, now=now)
    case = services.escalate(case, by=operator, reason=XSS, version=None, now=now)
    tier2 = factories.staff_user(Role.DESK_TIER2)
    partner = ReferralPartner.objects.create(
        name=XSS, kind="forensic", regions="全国", phone="03-0000-0000"
    )
    referral = services.refer(
        case,
        by=tier2,
        partner=partner,
        consent_given=True,
        consent_method="phone",
        consent_note=XSS,
        version=None,
        now=now,
    )
    services.record_referral_outcome(referral, by=tier2, status="engaged", outcome=XSS, now=now)

    pages = {
        "case": client.get(reverse("desk:case", args=[case.pk])),
        "queue": client.get(reverse("desk:queue"), {"tier": str(Tier.TIER2)}),
        "partners": client.get(reverse("desk:partners")),
    }
    client.force_login(member_user)
    pages["member case"] = client.get(reverse("desk:my_case", args=[case.pk]))
    pages["member list"] = client.get(reverse("desk:my_cases"))
    for where, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, where
        assert "<script>alert" not in body and "<img src=x" not in body, where
        assert "&lt;script&gt;alert(" in body, where


# --- two operators, one case ----------------------------------------------------------------
def test_the_second_operator_sees_a_conflict_and_nothing_is_lost(client: Any) -> None:
    first, second = factories.staff_user(Role.DESK_TIER1), factories.staff_user(Role.DESK_TIER1)
    case = _case(first)
    seen = case.version  # both opened the case page at this version
    client.force_login(first)
    client.post(
        reverse("desk:case_note", args=[case.pk]),
        {"note-version": seen, "note-text": "先に書いたメモ"},
        HTTP_HX_REQUEST="true",
    )
    client.force_login(second)
    response = client.post(
        reverse("desk:case_note", args=[case.pk]),
        {"note-version": seen, "note-text": "後から書いたメモ"},
        HTTP_HX_REQUEST="true",
    )
    panel = response.content.decode()
    assert "他の担当者が先に更新しました" in panel
    assert "先に書いたメモ" in panel  # the panel shows the case as it is now
    assert "後から書いたメモ" in panel  # and keeps what the second operator typed, to resend
    texts = list(CaseEvent.unscoped.filter(case=case, kind="note").values_list("text", flat=True))
    assert texts == ["先に書いたメモ"]
