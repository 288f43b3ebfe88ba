"""Payment batches (PAY-4): approved payments into a Zengin file, then the bank's answer.

The claims that feed a batch are not modelled here yet: callers hand in :class:`BatchItem`
values (one per approved claim), and the claim gets its link to the transfer when the
claims model exists. Each function is one transaction with its audit events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import zengin
from .models import PaymentBatch, PaymentTransfer


class BatchError(Exception):
    """The batch cannot be made or changed; the message says why, in Japanese."""


@dataclass(frozen=True)
class BatchItem:
    facility_id: int
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_name: str  # as the member typed it; converted here with the documented rules
    amount: int
    customer_code: str = ""  # e.g. the claim number, so the bank's report names the claim


def export_batch(
    items: Sequence[BatchItem],
    *,
    by: Any,
    now: datetime,
    today: date,
    requester: zengin.Requester,
    separator: bytes = b"\r\n",
    transfer_date: date | None = None,
) -> tuple[PaymentBatch, bytes]:
    """A new batch and its file; nothing is saved when any transfer cannot be written."""
    if not items:
        raise BatchError(_("振込する支払いがありません。振込ファイルは作成していません。"))
    day = transfer_date or zengin.next_bank_business_day(today)
    if not zengin.is_bank_business_day(day) or day <= today:
        raise BatchError(
            _("振込指定日%(day)sは今日より後の銀行営業日にしてください。") % {"day": day}
        )
    transfers = [_transfer(item) for item in items]
    try:
        content = zengin.general_transfer_file(requester, day, transfers, separator=separator)
    except zengin.ZenginError as error:
        raise BatchError(str(error)) from None
    with transaction.atomic():
        batch = PaymentBatch.objects.create(
            created_at=now,
            created_by=by,
            transfer_date=day,
            transfer_count=len(transfers),
            total_amount=sum(t.amount for t in transfers),
            requester_code=requester.code,
            requester_name=requester.name,
            requester_bank_code=requester.bank_code,
            requester_branch_code=requester.branch_code,
            requester_account_type=requester.account_type,
            requester_account_number=requester.account_number,
            record_separator=separator.decode("ascii"),
            file_sha256=hashlib.sha256(content).hexdigest(),
        )
        for position, (item, written) in enumerate(zip(items, transfers, strict=True), start=1):
            PaymentTransfer.objects.create(
                batch=batch,
                position=position,
                facility_id=item.facility_id,
                bank_code=written.bank_code,
                branch_code=written.branch_code,
                account_type=written.account_type,
                account_number=written.account_number,
                holder_name=written.recipient_name,
                amount=written.amount,
                customer_code=written.customer_code_1,
            )
    return batch, content


def _transfer(item: BatchItem) -> zengin.Transfer:
    try:
        name = zengin.convert_name(item.holder_name).converted
    except zengin.ZenginError as error:
        raise BatchError(
            _("受取人名「%(name)s」: %(reason)s") % {"name": item.holder_name, "reason": error}
        ) from None
    return zengin.Transfer(
        bank_code=item.bank_code,
        branch_code=item.branch_code,
        account_type=item.account_type,
        account_number=item.account_number,
        recipient_name=name,
        amount=item.amount,
        customer_code_1=item.customer_code,
    )


def batch_file(batch: PaymentBatch) -> bytes:
    """The batch's file, written again from its rows; refused if it differs from the sent one."""
    requester = zengin.Requester(
        code=batch.requester_code,
        name=batch.requester_name,
        bank_code=batch.requester_bank_code,
        branch_code=batch.requester_branch_code,
        account_type=batch.requester_account_type,
        account_number=batch.requester_account_number,
    )
    transfers = [
        zengin.Transfer(
            bank_code=t.bank_code,
            branch_code=t.branch_code,
            account_type=t.account_type,
            account_number=t.account_number,
            recipient_name=t.holder_name,
            amount=t.amount,
            customer_code_1=t.customer_code,
        )
        for t in PaymentTransfer.unscoped.filter(batch=batch).order_by("position")
    ]
    content = zengin.general_transfer_file(
        requester,
        batch.transfer_date,
        transfers,
        separator=batch.record_separator.encode("ascii"),
    )
    if hashlib.sha256(content).hexdigest() != batch.file_sha256:
        raise BatchError(
            _("振込バッチ%(pk)sのファイルを再現できません（銀行コードのデータが変わった可能性）。")
            % {"pk": batch.pk}
        )
    return content


def mark_batch_paid(batch: PaymentBatch, *, by: Any, now: datetime) -> PaymentBatch:
    """The bank confirmed the batch: every transfer not reported failed is paid."""
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PaymentBatch.Status.PAID:
            raise BatchError(_("この振込バッチは支払済みです。"))
        for transfer in PaymentTransfer.unscoped.filter(
            batch=batch, status=PaymentTransfer.Status.SENT
        ):
            transfer.status = PaymentTransfer.Status.PAID
            transfer.settled_at = now
            transfer.save(update_fields=["status", "settled_at"])
        batch.status = PaymentBatch.Status.PAID
        batch.paid_at = now
        batch.paid_confirmed_by = by
        batch.save(update_fields=["status", "paid_at", "paid_confirmed_by"])
    return batch


def mark_transfer_failed(
    transfer: PaymentTransfer, *, reason: str, now: datetime
) -> PaymentTransfer:
    """The bank could not pay this transfer (closed account, wrong name …): record why.

    The claim behind it goes back to the queue of approved claims for a later batch.
    """
    if not reason.strip():
        raise BatchError(_("振込不能の理由を入力してください。"))
    with transaction.atomic():
        transfer = PaymentTransfer.unscoped.select_for_update().get(pk=transfer.pk)
        if transfer.status == PaymentTransfer.Status.FAILED:
            raise BatchError(_("この振込はすでに振込不能として記録されています。"))
        if transfer.status == PaymentTransfer.Status.PAID:  # else the claim could be paid twice
            raise BatchError(_("支払済みの振込は振込不能にできません。"))
        transfer.status = PaymentTransfer.Status.FAILED
        transfer.failure_reason = reason.strip()
        transfer.settled_at = now
        transfer.save(update_fields=["status", "failure_reason", "settled_at"])
    return transfer
