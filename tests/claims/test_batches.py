"""Payment batches: approved payments into a Zengin file, then the bank's answer (PAY-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from medcyber.accounts.roles import Role
from medcyber.claims import batches, payments
from medcyber.claims.batches import BatchError, BatchItem
from medcyber.claims.models import PaymentBatch, PaymentTransfer
from medcyber.core.models import AuditEvent
from medcyber.core.scoping import UnscopedQueryError
from tests import factories
from tests.claims import zengin_reader as reader

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 4, 5, 10, 0, tzinfo=dt.UTC)
FRIDAY = dt.date(2024, 4, 5)


@pytest.fixture
def items() -> list[BatchItem]:
    _u1, _m1, clinic = factories.member_with_facility()
    _u2, _m2, care = factories.member_with_facility(family_name="佐藤")
    return [
        BatchItem(
            clinic.pk, "0005", "001", "1", "7654321", "医療法人社団 さくらかい", 400_000, "1"
        ),
        BatchItem(care.pk, "9900", "018", "1", "0012345", "ｻﾄｳ ｼﾞｮｰｼﾞ", 50_000, "2"),
        BatchItem(clinic.pk, "0001", "001", "2", "1111111", "Ｄｒ．ヤマダ", 150_000, "3"),
    ]


def export(items: list[BatchItem], **kwargs: object) -> tuple[PaymentBatch, bytes]:
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    return batches.export_batch(
        items,
        by=approver,
        now=NOW,
        today=FRIDAY,
        requester=payments.requester(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_batch_is_written_and_reads_back(items: list[BatchItem]) -> None:
    batch, content = export(items)
    parsed = reader.read(content)
    assert parsed.header["transfer_date"] == "0408"  # Friday → the next business day, Monday
    assert batch.transfer_date == dt.date(2024, 4, 8)
    assert reader.check_totals(parsed) == {"count": 3, "total": 600_000}
    assert [reader.text(d["recipient_name"]) for d in parsed.data] == [
        "ｲ)ｻｸﾗｶｲ",
        "ｻﾄｳ ｼﾞﾖ-ｼﾞ",
        "DR.ﾔﾏﾀﾞ",
    ]
    assert (batch.transfer_count, batch.total_amount) == (3, 600_000)
    rows = list(PaymentTransfer.unscoped.filter(batch=batch))
    assert [(t.position, t.holder_name, t.amount) for t in rows] == [
        (1, "ｲ)ｻｸﾗｶｲ", 400_000),
        (2, "ｻﾄｳ ｼﾞﾖ-ｼﾞ", 50_000),
        (3, "DR.ﾔﾏﾀﾞ", 150_000),
    ]
    assert AuditEvent.objects.filter(action="claims.paymenttransfer.create").count() == 3
    assert AuditEvent.objects.filter(action="claims.paymentbatch.create").count() == 1


def test_the_file_is_written_again_exactly_as_sent(items: list[BatchItem]) -> None:
    batch, content = export(items, separator=b"\n")
    assert batches.batch_file(batch) == content
    PaymentTransfer.unscoped.filter(batch=batch, position=2).update(amount=60_000)
    with pytest.raises(BatchError, match="ファイルを再現できません"):
        batches.batch_file(batch)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"holder_name": "山田クリニック"}, "受取人名「山田クリニック」: 「山」「田」は全銀の文字"),
        ({"bank_code": "0002"}, "金融機関コード0002の金融機関はありません"),
        ({"branch_code": "999"}, "支店コード999の支店はありません"),
        ({"account_number": "12345"}, "口座番号は7桁の数字です"),
        ({"amount": 10_000_000_000}, "9,999,999,999円以下"),
    ],
)
def test_nothing_is_saved_when_a_transfer_cannot_be_written(
    items: list[BatchItem], change: dict[str, object], reason: str
) -> None:
    items[1] = replace(items[1], **change)  # type: ignore[arg-type]
    with pytest.raises(BatchError, match=reason):
        export(items)
    assert not PaymentBatch.objects.exists()
    assert not PaymentTransfer.unscoped.exists()


def test_with_nothing_to_pay_no_file_is_made() -> None:
    with pytest.raises(BatchError, match="振込する支払いがありません"):
        export([])
    assert not PaymentBatch.objects.exists()


def test_a_transfer_date_must_be_a_later_bank_business_day(items: list[BatchItem]) -> None:
    with pytest.raises(BatchError, match="銀行営業日"):
        export(items, transfer_date=dt.date(2024, 4, 6))  # a Saturday
    with pytest.raises(BatchError, match="銀行営業日"):
        export(items, transfer_date=FRIDAY)  # today
    batch, _content = export(items, transfer_date=dt.date(2024, 4, 10))
    assert batch.transfer_date == dt.date(2024, 4, 10)


def test_the_bank_confirms_the_batch_except_a_failed_transfer(items: list[BatchItem]) -> None:
    batch, _content = export(items)
    failed = PaymentTransfer.unscoped.get(batch=batch, position=2)
    with pytest.raises(BatchError, match="理由を入力してください"):
        batches.mark_transfer_failed(failed, reason="  ", now=NOW)
    batches.mark_transfer_failed(failed, reason="口座解約済み（振込不能）", now=NOW)
    confirmer = factories.staff_user(Role.CLAIMS_APPROVER)
    batch = batches.mark_batch_paid(batch, by=confirmer, now=NOW)
    assert (batch.status, batch.paid_confirmed_by) == (PaymentBatch.Status.PAID, confirmer)
    statuses = dict(PaymentTransfer.unscoped.filter(batch=batch).values_list("position", "status"))
    assert statuses == {1: "paid", 2: "failed", 3: "paid"}
    with pytest.raises(BatchError, match="支払済み"):
        batches.mark_batch_paid(batch, by=confirmer, now=NOW)
    with pytest.raises(BatchError, match="すでに振込不能"):
        batches.mark_transfer_failed(failed, reason="再送", now=NOW)
    paid = PaymentTransfer.unscoped.get(batch=batch, position=1)
    with pytest.raises(BatchError, match="支払済みの振込は振込不能にできません"):
        batches.mark_transfer_failed(paid, reason="組戻し", now=NOW)


def test_a_member_sees_only_the_transfers_of_their_own_facilities(items: list[BatchItem]) -> None:
    batch, _content = export(items)
    clinic = PaymentTransfer.unscoped.get(batch=batch, position=1).facility
    member_user = clinic.managements.first().member.user
    with pytest.raises(UnscopedQueryError):
        list(PaymentTransfer.objects.all())
    visible = PaymentTransfer.objects.visible_to(member_user)
    assert sorted(visible.values_list("position", flat=True)) == [1, 3]
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    assert PaymentTransfer.objects.visible_to(reviewer).count() == 3


def test_association_admins_read_batches_in_the_admin_and_the_view_is_audited(
    items: list[BatchItem],
) -> None:
    from django.test import Client
    from django.urls import reverse

    batch, _content = export(items)
    client = Client()
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("admin:claims_paymentbatch_change", args=[batch.pk]))
    assert page.status_code == 200
    assert "ｲ)ｻｸﾗｶｲ" in page.content.decode()
    assert AuditEvent.objects.filter(action="claims.paymentbatch.view_admin").exists()
    assert client.get(reverse("admin:claims_paymentbatch_add")).status_code == 403
