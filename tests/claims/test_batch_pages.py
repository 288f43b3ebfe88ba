"""The payment batch screens (PAY-4): the approved claims into a batch, its Zengin file, the
bank's answer — for claims approvers and the association's admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.claims import batches
from medcyber.claims.models import Claim, ClaimStatus, PaymentBatch, PaymentTransfer
from medcyber.core.models import AuditEvent
from tests import factories
from tests.claims import factories as cf
from tests.claims import zengin_reader as reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(settings: Any, tmp_path: Any) -> list[Claim]:
    """Two approved claims of two facilities, their members with e-mail addresses."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    out = []
    for name, email in (("山田", "yamada@example.jp"), ("佐藤", "sato@example.jp")):
        user, _member, facility = factories.member_with_facility(family_name=name, email=email)
        out.append(cf.approved(cf.submitted(cf.ransomware(facility, user), user)))
    return out


@pytest.fixture
def approver() -> Client:
    client = Client()
    client.force_login(factories.staff_user(Role.CLAIMS_APPROVER))
    return client


def _make_batch(client: Client) -> PaymentBatch:
    response = client.post(reverse("claims:batch_create"))
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:batch_detail", args=[batch.pk])
    return batch


def test_the_list_shows_the_queue_then_the_batch(claims: list[Claim], approver: Client) -> None:
    page = approver.get(reverse("claims:batch_list")).content.decode()
    assert "2件、合計¥800,000" in page
    assert "振込バッチを作成する" in page
    batch = _make_batch(approver)
    page = approver.get(reverse("claims:batch_list")).content.decode()
    assert "0件、合計¥0" in page and "振込バッチを作成する" not in page
    assert reverse("claims:batch_detail", args=[batch.pk]) in page
    assert "¥800,000" in page and "振込ファイル出力済み" in page
    assert f"{batch.transfer_date.year}年{batch.transfer_date.month}月" in page


def test_nothing_to_pay_makes_no_batch(approver: Client) -> None:
    response = approver.post(reverse("claims:batch_create"), follow=True)
    assert "振込する支払いがありません" in response.content.decode()
    assert not PaymentBatch.objects.exists()


def test_the_batch_page_and_its_file_read_back(claims: list[Claim], approver: Client) -> None:
    batch = _make_batch(approver)
    page = approver.get(reverse("claims:batch_detail", args=[batch.pk])).content.decode()
    for claim in claims:
        assert claim.number in page and claim.facility.name in page
    assert claims[0].holder_name_zengin in page and "¥400,000" in page
    response = approver.get(reverse("claims:batch_file", args=[batch.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == batches.batch_file(batch)
    assert reader.check_totals(reader.read(response.content)) == {"count": 2, "total": 800_000}
    event = AuditEvent.objects.get(action="claims.batch.file")
    assert event.changes["sha256"] == batch.file_sha256
    assert AuditEvent.objects.filter(action="claims.paymenttransfer.list").exists()


def test_paid_sends_the_payment_notice_through_the_worker(
    claims: list[Claim], approver: Client, settings: Any, smtp_sink: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    batch = _make_batch(approver)
    response = approver.post(reverse("claims:batch_paid", args=[batch.pk]), follow=True)
    assert "支払いのお知らせを会員に送ります" in response.content.decode()
    assert [Claim.unscoped.get(pk=c.pk).status for c in claims] == [ClaimStatus.PAID] * 2
    subjects = sorted(str(m["Subject"]).strip() for m in smtp_sink.messages)
    assert subjects == sorted(f"一時支援金 お支払いのお知らせ（{c.number}）" for c in claims)
    again = approver.post(reverse("claims:batch_paid", args=[batch.pk]), follow=True)
    assert "この振込バッチは支払済みです" in again.content.decode()


def test_a_failed_transfer_returns_its_claim_to_the_queue(
    claims: list[Claim], approver: Client
) -> None:
    batch = _make_batch(approver)
    transfer = PaymentTransfer.unscoped.get(batch=batch, position=1)
    url = reverse("claims:transfer_failed", args=[transfer.pk])
    empty = approver.post(url, {"reason": " "}, follow=True).content.decode()
    assert "振込不能の理由を入力してください" in empty
    approver.post(url, {"reason": "口座解約済み"})
    transfer.refresh_from_db()
    assert (transfer.status, transfer.failure_reason) == ("failed", "口座解約済み")
    claim = Claim.unscoped.get(pk=int(transfer.customer_code))
    assert (claim.status, claim.transfer_id) == (ClaimStatus.APPROVED, None)
    page = approver.get(reverse("claims:batch_list")).content.decode()
    assert "1件、合計¥400,000" in page
    detail = approver.get(reverse("claims:batch_detail", args=[batch.pk])).content.decode()
    assert "口座解約済み" in detail and claim.number in detail  # still linked to its claim


@pytest.mark.parametrize("role", [Role.CLAIMS_REVIEWER, Role.AUDITOR, Role.DESK_TIER1])
def test_others_may_not_pay(claims: list[Claim], role: str) -> None:
    client = Client()
    client.force_login(factories.staff_user(role))
    assert client.get(reverse("claims:batch_list")).status_code == 403
    assert client.post(reverse("claims:batch_create")).status_code == 403
    assert not PaymentBatch.objects.exists()
    assert "振込バッチ" not in client.get(reverse("dashboard")).content.decode()


def test_an_admin_sees_the_batches_in_the_menu(claims: list[Claim]) -> None:
    client = Client()
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("claims:batch_list") in page
