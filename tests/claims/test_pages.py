"""The claim screens: the member's form with the live quote, the claim's page, the review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.claims import services
from medcyber.claims.models import Claim, ClaimDocument, ClaimStatus
from medcyber.core.models import StoredDocument
from tests import factories
from tests.claims import factories as cf
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]


@pytest.fixture
def member() -> tuple[Client, Any, Any]:
    user, _member, facility = factories.member_with_facility()
    client = Client()
    client.force_login(user)
    return client, user, facility


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 copy of a report", "application/pdf")


def test_the_form_shows_the_quote_with_its_lines(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    incident = cf.ransomware(facility, user)
    page = client.get(reverse("claims:create", args=[incident.pk])).content.decode()
    assert "¥400,000" in page
    assert "基本額（サイバー攻撃の被害）" in page
    assert "休業加算（3日 × ¥100,000、上限¥300,000）" in page
    assert "日本医師会への報告 または 厚生労働省への報告の写し" in page


def test_the_live_preview_converts_the_holder_name(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    incident = cf.ransomware(facility, user)
    url = reverse("claims:preview", args=[incident.pk])
    page = client.post(
        url,
        {"bank_code": "0005", "branch_code": "001", "holder_name": "ｻﾄｳ ｼﾞｮｰｼﾞ"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "ｻﾄｳ ｼﾞﾖ-ｼﾞ" in page
    assert 'hx-swap-oob="true"' in page
    assert "¥400,000" in page
    bad = client.post(url, {"bank_code": "9998", "branch_code": "001", "holder_name": "山田"})
    assert "金融機関はありません" in bad.content.decode()
    assert "全銀の文字" in bad.content.decode()


def test_submitting_asks_to_confirm_then_saves(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    incident = cf.ransomware(facility, user)
    url = reverse("claims:create", args=[incident.pk])
    data = {
        "bank_code": "0005",
        "branch_code": "001",
        "account_type": "1",
        "account_number": "7654321",
        "holder_name": "イリョウホウジン サクラカイ",
    }
    first = client.post(
        url,
        {
            **data,
            "doc_report_mhlw_or_jma": _pdf("jma.pdf"),
            "doc_closure_days": _pdf("closed.pdf"),
        },
    )
    assert first.status_code == 200
    assert "ｲﾘﾖｳﾎｳｼﾞﾝ ｻｸﾗｶｲ" in first.content.decode()
    assert not Claim.unscoped.exists()
    assert not StoredDocument.unscoped.exists()  # nothing stored before the name is confirmed
    second = client.post(
        url,
        {
            **data,
            "confirmed_holder_name": "ｲﾘﾖｳﾎｳｼﾞﾝ ｻｸﾗｶｲ",
            "doc_report_mhlw_or_jma": _pdf("jma.pdf"),
            "doc_closure_days": _pdf("closed.pdf"),
        },
    )
    claim = Claim.unscoped.get()
    assert second.status_code == 302 and second["Location"] == reverse(
        "claims:detail", args=[claim.pk]
    )
    assert claim.entitlement == 400_000
    assert ClaimDocument.unscoped.filter(claim=claim).count() == 2
    detail = client.get(second["Location"]).content.decode()
    assert "申請受付" in detail


def test_missing_documents_are_asked_for(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    incident = cf.ransomware(facility, user)
    page = client.post(
        reverse("claims:create", args=[incident.pk]),
        {"bank_code": "0005", "branch_code": "001", "account_type": "1",
         "account_number": "7654321", "holder_name": "ヤマダ タロウ"},
    ).content.decode()  # fmt: skip
    assert "この書類を添付してください。" in page
    assert not Claim.unscoped.exists()


def test_two_staff_approve_on_the_screens_and_the_member_sees_why(
    member: tuple[Client, Any, Any],
) -> None:
    client, user, facility = member
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer, approver = Client(), Client()
    reviewer.force_login(factories.staff_user(Role.CLAIMS_REVIEWER))
    approver_user = factories.staff_user(Role.CLAIMS_APPROVER)
    approver.force_login(approver_user)
    url = reverse("claims:review", args=[claim.pk])
    reviewer.post(url, {"action": "start", "version": 1})
    reviewer.post(
        url, {"action": "recommend_approve", "version": 2, "reason": "報告書と休業の記録を確認"}
    )
    page = approver.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'value="approve"' in page
    stale = approver.post(url, {"action": "approve", "version": 2, "reason": "可"}, follow=True)
    assert "画面を読み込み直して" in stale.content.decode()
    approver.post(url, {"action": "approve", "version": 3, "reason": "支給要件を満たす"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == approver_user
    seen = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "支給決定" in seen and "支給要件を満たす" in seen and "¥400,000" in seen
    assert "cyber_attack-2023-06-01" in seen
    assert "報告書と休業の記録を確認" not in seen  # the reviewer's note stays with the staff


def test_the_member_answers_a_request_for_information(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    claim = services.request_information(
        claim=claim, by=reviewer, version=claim.version, reason="予約台帳の写しを送ってください"
    )
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "予約台帳の写しを送ってください" in page
    client.post(
        reverse("claims:supply", args=[claim.pk]),
        {"version": claim.version, "note": "添付します", "document": _pdf("ledger.pdf")},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    assert ClaimDocument.unscoped.filter(claim=claim, requirement="additional").exists()


def test_the_list_offers_incidents_to_claim(member: tuple[Client, Any, Any]) -> None:
    client, user, facility = member
    incident = cf.ransomware(facility, user)
    page = client.get(reverse("claims:list")).content.decode()
    assert reverse("claims:create", args=[incident.pk]) in page
