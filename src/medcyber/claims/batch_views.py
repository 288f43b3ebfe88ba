"""Payment batch screens (PAY-4): the batches, making one from the approved claims, its Zengin
file, and the bank's answer (paid, or one transfer failed). Claims approvers and the
association's admins only (``queries.may_pay``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medcyber.core import audit

from . import batches, queries, rules, services, tasks
from .models import Claim, ClaimStatus, PaymentBatch, PaymentTransfer


def _require_payer(user: Any) -> None:
    if not queries.may_pay(user):
        raise PermissionDenied


def _batch(request: HttpRequest, pk: int) -> PaymentBatch:
    _require_payer(request.user)
    return get_object_or_404(PaymentBatch, pk=pk)


@require_GET
@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    _require_payer(request.user)
    page = Paginator(PaymentBatch.objects.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/batch_list.html",
        {"page": page, "waiting": queries.waiting_for_batch(request.user)},
    )


@require_POST
@login_required
def batch_create(request: HttpRequest) -> HttpResponse:
    """Every approved claim not yet in a batch into a new one — as ``claims export-batch``."""
    _require_payer(request.user)
    try:
        batch, _content = services.export_batch(by=request.user)
    except batches.BatchError as error:
        messages.error(request, str(error))
        return redirect("claims:batch_list")
    messages.success(
        request,
        _(
            "振込バッチ%(pk)sを作成しました（%(count)d件、合計%(total)s、振込指定日%(day)s）。"
            "振込ファイルをダウンロードして銀行に送ってください。"
        )
        % {
            "pk": batch.pk,
            "count": batch.transfer_count,
            "total": rules.yen(batch.total_amount),
            "day": rules.japanese_date(batch.transfer_date),
        },
    )
    return redirect("claims:batch_detail", pk=batch.pk)


@require_GET
@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    transfers = list(queries.transfers_of(request.user, batch))
    audit.record_list_view(
        PaymentTransfer, [t.pk for t in transfers], action="claims.batch.view", batch=batch.pk
    )
    claims = queries.claims_of_transfers(request.user, transfers)
    return render(
        request,
        "claims/batch_detail.html",
        {
            "batch": batch,
            "rows": [(t, claims.get(t.customer_code)) for t in transfers],
            "open": batch.status == PaymentBatch.Status.EXPORTED,
        },
    )


@require_GET
@login_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The Zengin file, written again from the batch's rows; each download is in the trail."""
    batch = _batch(request, pk)
    try:
        content = batches.batch_file(batch)
    except batches.BatchError as error:
        messages.error(request, str(error))
        return redirect("claims:batch_detail", pk=batch.pk)
    audit.record(
        "view",
        "claims.batch.file",
        batch,
        changes={"sha256": batch.file_sha256, "transfers": batch.transfer_count},
    )
    response = HttpResponse(content, content_type="application/octet-stream")
    name = f"zengin-{batch.pk}-{batch.transfer_date:%Y%m%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def batch_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank confirmed the batch: its claims are paid and each member gets the notice."""
    batch = _batch(request, pk)
    try:
        batch = services.mark_batch_paid(batch=batch, by=request.user)
    except (batches.BatchError, services.ClaimError) as error:
        messages.error(request, str(error))
        return redirect("claims:batch_detail", pk=batch.pk)
    paid = Claim.objects.visible_to(request.user).filter(
        transfer__batch=batch, status=ClaimStatus.PAID
    )
    for claim_id in paid.values_list("pk", flat=True):
        tasks.send_letter.enqueue(claim_id, "payment")
    messages.success(request, _("支払済みにしました。支払いのお知らせを会員に送ります。"))
    return redirect("claims:batch_detail", pk=batch.pk)


@require_POST
@login_required
def transfer_failed(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank could not pay one transfer: its claim goes back to the approved claims."""
    _require_payer(request.user)
    try:
        transfer = PaymentTransfer.objects.visible_to(request.user).get(pk=pk)
    except PaymentTransfer.DoesNotExist:
        raise Http404 from None
    try:
        services.mark_transfer_failed(
            transfer=transfer, by=request.user, reason=request.POST.get("reason", "")
        )
    except (batches.BatchError, services.ClaimError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("振込不能を記録しました。申請は承認済みに戻り、次の振込バッチに入ります。"),
        )
    return redirect("claims:batch_detail", pk=transfer.batch_id)
