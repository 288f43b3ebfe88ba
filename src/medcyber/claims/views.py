"""Claim screens: the member's claim form with the live quote, the claim's page with its
status and reasons, and the staff's review (PAY-2, PAY-3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.core import audit
from medcyber.core.documents import DocumentRejected, ScanUnavailable, store_upload
from medcyber.core.models import StoredDocument
from medcyber.core.pdf import pdf_response
from medcyber.incidents import queries as incident_queries
from medcyber.incidents.models import Incident

from . import letters, queries, rules, services, tasks, zengin
from .forms import ClaimForm, ReviewForm, SupplyForm
from .models import Claim, ClaimStatus

UPLOAD_PURPOSE = "claim_document"


def _incident(request: HttpRequest, pk: int) -> Incident:
    try:
        incident = incident_queries.incident_for(request.user, pk)
    except Incident.DoesNotExist:
        raise Http404 from None
    if not queries.may_claim(request.user):
        raise PermissionDenied
    return incident


def _claim(request: HttpRequest, pk: int) -> Claim:
    try:
        return queries.claim_for(request.user, pk)
    except Claim.DoesNotExist:
        raise Http404 from None


@require_GET
@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = queries.claims_for(request.user)
    status = request.GET.get("status", "")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    audit.record_list_view(Claim, [c.pk for c in page], action="claims.claim.list")
    claimable: list[Incident] = []
    if queries.may_claim(request.user) and not request.user.sees_all_facilities:  # type: ignore[union-attr]
        claimed = Claim.objects.visible_to(request.user).values("incident_id")
        claimable = list(incident_queries.incidents_for(request.user).exclude(pk__in=claimed)[:20])
    return render(
        request,
        "claims/claim_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "claimable": claimable,
        },
    )


def _quote_context(incident: Incident, account: Mapping[str, Any]) -> dict[str, Any]:
    """The quote as it will be with the documents asked for, and the account as the bank
    will read it — the same rules function as the review, the API and the CLI."""
    needed = services.documents_needed(incident)
    facts = services.facts_of(incident, documents={d.code: True for d in needed})
    context: dict[str, Any] = {
        "quote": services.quote_for(facts),
        "facts": facts,
        "needed": needed,
        "yen": rules.yen,
    }
    if account.get("bank_code") and account.get("branch_code"):
        try:
            context["branch"] = zengin.find_branch(account["bank_code"], account["branch_code"])
        except zengin.ZenginError as error:
            context["bank_error"] = str(error)
    if account.get("holder_name", "").strip():
        try:
            context["converted"] = zengin.convert_name(account["holder_name"]).converted
        except zengin.ZenginError as error:
            context["name_error"] = str(error)
    return context


@require_http_methods(["GET", "POST"])
@login_required
def claim_create(request: HttpRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    try:
        needed = services.documents_needed(incident)
    except services.ClaimError as error:
        messages.error(request, str(error))
        return redirect("incidents:detail", pk=incident.pk)
    form = ClaimForm(request.POST or None, request.FILES or None, needed=needed)
    if request.method == "POST" and form.is_valid():
        claim = _submit(request, form, incident)
        if claim is not None:
            _send_letter(claim, "acknowledgement")
            messages.success(
                request,
                _("申請を受け付けました（%(number)s）。審査の状況はこの画面でお知らせします。")
                % {"number": claim.number},
            )
            return redirect("claims:detail", pk=claim.pk)
    context = _quote_context(incident, form.data if form.is_bound else {})
    audit.record_view(incident, action="claims.claim.form")
    return render(
        request,
        "claims/claim_form.html",
        {"form": form, "incident": incident, **context},
    )


def _submit(request: HttpRequest, form: ClaimForm, incident: Incident) -> Claim | None:
    account = form.account()
    try:  # the account first, so no file is stored for a claim that cannot be made
        _branch, converted = services.check_account(account)
        if form.cleaned_data["confirmed_holder_name"] != converted:
            raise services.ClaimError(
                _(
                    "口座名義は全銀の文字で「%(name)s」になります。"
                    "確認のうえ、もう一度送信してください。"
                )
                % {"name": converted}
            )
        documents: dict[str, StoredDocument] = {
            doc.code: store_upload(
                form.cleaned_data[f"doc_{doc.code}"],
                purpose=UPLOAD_PURPOSE,
                owner=request.user,
                facility=incident.facility,
            )
            for doc in form.needed
        }
        return services.submit_claim(
            incident=incident,
            by=request.user,
            account=account,
            confirmed_holder_name=form.cleaned_data["confirmed_holder_name"],
            documents=documents,
        )
    except (services.ClaimError, DocumentRejected, ScanUnavailable) as error:
        form.add_error(None, str(error))
        return None


@require_POST
@login_required
def claim_preview(request: HttpRequest, incident_pk: int) -> HttpResponse:
    """The live part of the claim form (htmx): the quote, the bank and the converted name."""
    incident = _incident(request, incident_pk)
    try:
        context = _quote_context(incident, request.POST)
    except services.ClaimError as error:
        return HttpResponse(str(error), status=200)
    return render(request, "claims/_preview.html", {"incident": incident, "oob": True, **context})


@require_GET
@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    audit.record_view(claim, action="claims.claim.view")
    reviewing = queries.may_review(request.user)
    is_member_side = not request.user.is_programme_staff  # type: ignore[union-attr]
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "quote": services.quote_for(claim.facts()),
            "yen": rules.yen,
            "steps": queries.steps_of(claim),
            "documents": queries.documents_of(claim),
            "reviewing": reviewing,
            "actions": _actions_for(request.user, claim) if reviewing else [],
            "review_form": ReviewForm(initial={"version": claim.version}),
            "may_supply": claim.status == ClaimStatus.INFO_REQUESTED
            and (is_member_side or queries.may_claim(request.user)),
            "supply_form": SupplyForm(),
            "letters": [(w, letters.TITLES[w]) for w in letters.available(claim)],
        },
    )


def _send_letter(claim: Claim, which: str) -> None:
    """The letter by e-mail, through the task worker once the step is saved."""
    tasks.send_letter.enqueue(claim.pk, which)


@require_GET
@login_required
def claim_letter(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    claim = _claim(request, pk)
    if which not in letters.available(claim):
        raise Http404
    audit.record_view(claim, action=f"claims.letter.{which}")
    return pdf_response(
        "claims/pdf/letter.html",
        letters.context(claim, which),
        filename=f"{claim.number}-{which}.pdf",
        request=request,
    )


def _actions_for(user: Any, claim: Claim) -> list[tuple[str, str]]:
    from .forms import REVIEW_ACTIONS

    labels = dict(REVIEW_ACTIONS)
    names: list[str] = []
    reviewer = user.has_role("claims_reviewer") or user.is_superuser
    approver = user.has_role("claims_approver") or user.is_superuser
    if claim.status == ClaimStatus.SUBMITTED and reviewer:
        names.append("start")
    if claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW):
        names.append("request_info")
    if claim.status == ClaimStatus.UNDER_REVIEW and reviewer:
        names += ["recommend_approve", "recommend_refuse"]
    if (
        claim.status == ClaimStatus.UNDER_REVIEW
        and approver
        and claim.recommendation
        and claim.recommended_by_id != user.pk
    ):
        names += ["approve", "refuse"]
    return [(n, str(labels[n])) for n in names]


@require_POST
@login_required
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not queries.may_review(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作を選んでください。"))
        return redirect("claims:detail", pk=claim.pk)
    action = form.cleaned_data["action"]
    common = {
        "claim": claim,
        "by": request.user,
        "version": form.cleaned_data["version"],
    }
    reason = form.cleaned_data["reason"]
    try:
        if action == "start":
            services.start_review(**common)
        elif action == "request_info":
            claim = services.request_information(**common, reason=reason)
            _send_letter(claim, "information")
        elif action.startswith("recommend_"):
            services.recommend(
                **common, recommendation=action.removeprefix("recommend_"), reason=reason
            )
        else:
            claim = services.decide(**common, approve=action == "approve", reason=reason)
            _send_letter(claim, "decision")
    except services.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("申請を更新しました。"))
    return redirect("claims:detail", pk=claim.pk)


@require_POST
@login_required
def claim_supply(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not queries.may_claim(request.user):
        raise PermissionDenied
    form = SupplyForm(request.POST, request.FILES)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if not form.is_valid():
        messages.error(request, _("入力内容を確認してください。"))
        return redirect("claims:detail", pk=claim.pk)
    try:
        documents: dict[str, StoredDocument] = {}
        upload = form.cleaned_data.get("document")
        if upload is not None:
            documents["additional"] = store_upload(
                upload, purpose=UPLOAD_PURPOSE, owner=request.user, facility=claim.facility
            )
        services.supply_information(
            claim=claim,
            by=request.user,
            version=version,
            note=form.cleaned_data["note"],
            documents=documents,
        )
    except (services.ClaimError, DocumentRejected, ScanUnavailable) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("追加の資料を送りました。審査を続けます。"))
    return redirect("claims:detail", pk=claim.pk)
