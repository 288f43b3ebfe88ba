"""The operators' screens (desk tier 1 and 2): phone intake, queues, case page, breaches.

Association admins and auditors may read the queues and cases; only operators change them.
Actions on a case answer htmx requests with the case panel alone (no full reload) and plain
form posts with a redirect, so every screen also works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.accounts.models import User
from medcyber.accounts.roles import Role
from medcyber.core import audit
from medcyber.core.documents import DocumentRejected

from . import answers, callers, queries, queue_cache, services
from .choices import Channel, PartnerKind, Tier
from .forms import (
    AssignForm,
    AttachForm,
    MatchForm,
    MessageForm,
    OutcomeForm,
    PhoneIntakeForm,
    ReasonForm,
    RecategoriseForm,
    ReferForm,
    StatusForm,
    TextForm,
)
from .guidance import guidance_for
from .models import Answer, Case, Referral, ReferralPartner, sees_all_cases, works_cases
from .rows import queue_rows

PAGE_SIZE = 50


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _is_tier2(user: Any) -> bool:
    return bool(user.has_role(Role.DESK_TIER2))


def _require_case_role(user: Any) -> None:
    if not sees_all_cases(user):
        raise PermissionDenied


def _require_operator(user: Any) -> None:
    if not works_cases(user):
        raise PermissionDenied


def _case(request: HttpRequest, pk: int) -> Case:
    try:
        return queries.case_for(request.user, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _answers(request: HttpRequest, case: Case) -> list[Answer]:
    return list(answers.search_answers(request.user, "", case.category).filter(published=True))


def _partners() -> list[ReferralPartner]:
    return list(ReferralPartner.objects.filter(active=True))


def _operators() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role_grants__role__in=[Role.DESK_TIER1, Role.DESK_TIER2]
        )
        .distinct()
        .order_by("display_name", "email")
    )


# --- queues ----------------------------------------------------------------------------------
@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_case_role(request.user)
    default_tier = Tier.TIER2 if _is_tier2(request.user) else Tier.TIER1
    tier = (
        Tier.TIER2
        if request.GET.get("tier") == "2"
        else (Tier.TIER1 if request.GET.get("tier") == "1" else default_tier)
    )
    mine = request.GET.get("mine") == "1"
    cache_key = queue_cache.key(
        tier=int(tier), user_pk=request.user.pk if mine else None, query=request.GET.urlencode()
    )
    rendered = queue_cache.get(cache_key)
    if rendered is None:
        paginator = queries.QueuePaginator(queries.queue(request.user, tier, mine=mine), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        rows = queue_rows(queries.with_sla(list(page.object_list), timezone.now()))
        context = {"page": page, "rows": rows, "tier": tier, "mine": mine}
        rendered = {
            "html": render_to_string("desk/_queue_rows.html", context, request=request),
            "ids": [row["pk"] for row in rows],
            "page": page.number,
        }
        queue_cache.put(cache_key, rendered)
    audit.record_list_view(Case, rendered["ids"], tier=int(tier), page=rendered["page"])
    if _htmx(request):
        return HttpResponse(rendered["html"])
    context = {
        "queue_html": mark_safe(rendered["html"]),  # noqa: S308 - rendered by our template
        "tier": tier,
        "mine": mine,
        "tiers": queries.TIERS,
    }
    return render(request, "desk/queue.html", context)


@require_GET
@login_required
def breaches(request: HttpRequest) -> HttpResponse:
    _require_case_role(request.user)
    now = timezone.now()
    page = queries.QueuePaginator(queries.breaches(request.user, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = queue_rows(queries.with_sla(list(page.object_list), now))
    audit.record_list_view(Case, [row["pk"] for row in rows], view="breaches", page=page.number)
    return render(request, "desk/breaches.html", {"page": page, "rows": rows})


# --- phone intake ----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def phone_intake(request: HttpRequest) -> HttpResponse:
    _require_operator(request.user)
    query = request.GET.get("q", "").strip()[:100]
    matches = callers.find_callers(request.user, query) if query else []
    if query:
        audit.record("view", "desk.caller_lookup", changes={"query": query, "count": len(matches)})
    if _htmx(request) and request.method == "GET":
        return render(request, "desk/_caller_matches.html", {"matches": matches, "q": query})
    form = PhoneIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            caller = callers.resolve(request.user, data["caller"] or "0:0")
        except ValueError:
            form.add_error(None, _("選んだ相談者が台帳に見つかりません。検索し直してください。"))
        else:
            case = services.open_case(
                by=request.user,
                channel=Channel.PHONE,
                facility=caller.facility,
                member=caller.member,
                caller_name=data["caller_name"] or (str(caller.member) if caller.member else ""),
                caller_phone=data["caller_phone"],
                caller_facility_name=data["caller_facility_name"],
                category=data["category"],
                severity=data["severity"],
                patient_data=data["patient_data"],
                summary=data["summary"],
                description=data["description"],
                now=timezone.now(),
            )
            messages.success(request, _("相談 %(ref)s を登録しました。") % {"ref": case.reference})
            return redirect("desk:case", pk=case.pk)
    context = {"form": form, "matches": matches, "q": query}
    return render(request, "desk/phone_intake.html", context)


# --- the case page ---------------------------------------------------------------------------
def _panel_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    sla = queries.with_sla([case], now)[0][1]
    version = {"version": case.version}
    return {
        "case": case,
        "sla": sla,
        "events": list(queries.timeline(request.user, case)),
        "attachments": list(queries.attachments(case)),
        "guidance": guidance_for(case.category),
        "may_work": works_cases(request.user),
        "may_deescalate": _is_tier2(request.user),
        "status_form": forms.get("status_form") or StatusForm(initial=version, current=case.status),
        "recategorise_form": forms.get("recategorise_form")
        or RecategoriseForm(
            initial={**version, "category": case.category, "severity": case.severity}
        ),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={**version, "assignee": case.assignee_id}, operators=_operators()),
        "reason_form": forms.get("reason_form") or ReasonForm(initial=version),
        "note_form": forms.get("note_form") or TextForm(initial=version, prefix="note"),
        "message_form": forms.get("message_form")
        or MessageForm(initial=version, prefix="message", answers=_answers(request, case)),
        "match_form": MatchForm(initial=version),
        "referrals": list(
            Referral.objects.visible_to(request.user).filter(case=case).select_related("partner")
        ),
        "refer_form": forms.get("refer_form") or ReferForm(initial=version, partners=_partners()),
        "outcome_form": OutcomeForm(),
        "error": forms.get("error"),
    }


@require_GET
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_case_role(request.user)
    case = _case(request, pk)
    audit.record_view(case, action="desk.case.view")
    return render(request, "desk/case.html", _panel_context(request, case))


def _act(
    request: HttpRequest,
    pk: int,
    form_class: Callable[..., Any],
    form_name: str,
    do: Callable[[Case, dict[str, Any]], Case],
    **form_kwargs: Any,
) -> HttpResponse:
    """Run one action on a case: validate, call the service, answer with the panel."""
    _require_operator(request.user)
    case = _case(request, pk)
    form = form_class(request.POST, **form_kwargs)
    error = None
    if form.is_valid():
        try:
            case = do(case, form.cleaned_data)
            form = None
        except services.CaseError as exc:
            error = str(exc)
            case = _case(request, pk)
    else:
        error = _("入力内容を確認してください。")
    if not _htmx(request):
        if error:
            messages.error(request, error)
        return redirect("desk:case", pk=case.pk)
    extra = {form_name: form} if form is not None else {}
    return render(
        request, "desk/_case_panel.html", _panel_context(request, case, error=error, **extra)
    )


@require_POST
@login_required
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.change_status(
            case,
            by=request.user,
            status=data["status"],
            text=data["text"],
            version=data["version"],
            now=timezone.now(),
        )

    _require_operator(request.user)
    current = _case(request, pk).status
    return _act(request, pk, StatusForm, "status_form", do, current=current)


@require_POST
@login_required
def case_recategorise(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.recategorise(
            case,
            by=request.user,
            category=data["category"],
            severity=data["severity"],
            version=data["version"],
            now=timezone.now(),
        )

    return _act(request, pk, RecategoriseForm, "recategorise_form", do)


@require_POST
@login_required
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    operators = {u.pk: u for u in _operators()}

    def do(case: Case, data: dict[str, Any]) -> Case:
        assignee = operators.get(data["assignee"]) if data["assignee"] else None
        return services.assign(
            case, by=request.user, assignee=assignee, version=data["version"], now=timezone.now()
        )

    return _act(request, pk, AssignForm, "assign_form", do, operators=list(operators.values()))


@require_POST
@login_required
def case_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.escalate(
            case,
            by=request.user,
            reason=data["reason"],
            version=data["version"],
            now=timezone.now(),
        )

    return _act(request, pk, ReasonForm, "reason_form", do)


@require_POST
@login_required
def case_deescalate(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.de_escalate(
            case,
            by=request.user,
            reason=data["reason"],
            version=data["version"],
            now=timezone.now(),
        )

    return _act(request, pk, ReasonForm, "reason_form", do)


@require_POST
@login_required
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.add_note(
            case, by=request.user, text=data["text"], version=data["version"], now=timezone.now()
        )

    return _act(request, pk, TextForm, "note_form", do, prefix="note")


@require_POST
@login_required
def case_message(request: HttpRequest, pk: int) -> HttpResponse:
    _require_operator(request.user)
    linkable = {a.pk: a for a in _answers(request, _case(request, pk))}

    def do(case: Case, data: dict[str, Any]) -> Case:
        return services.send_message(
            case,
            by=request.user,
            text=data["text"],
            version=data["version"],
            now=timezone.now(),
            answer=linkable.get(data["answer"]) if data["answer"] else None,
        )

    return _act(
        request,
        pk,
        MessageForm,
        "message_form",
        do,
        prefix="message",
        answers=list(linkable.values()),
    )


@require_POST
@login_required
def case_match(request: HttpRequest, pk: int) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> Case:
        try:
            caller = callers.resolve(request.user, data["caller"])
        except ValueError:
            raise services.CaseError(_("選んだ相談者が台帳に見つかりません。")) from None
        return services.match_caller(
            case,
            by=request.user,
            facility=caller.facility,
            member=caller.member,
            version=data["version"],
            now=timezone.now(),
        )

    return _act(request, pk, MatchForm, "match_form", do)


@require_POST
@login_required
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    partners = {p.pk: p for p in _partners()}

    def do(case: Case, data: dict[str, Any]) -> Case:
        services.refer(
            case,
            by=request.user,
            partner=partners[data["partner"]],
            consent_given=data["consent_given"],
            consent_method=data["consent_method"],
            consent_note=data["consent_note"],
            version=data["version"],
            now=timezone.now(),
        )
        return _case(request, case.pk)

    return _act(request, pk, ReferForm, "refer_form", do, partners=list(partners.values()))


@require_POST
@login_required
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Files an operator adds to a case: checked, scanned and encrypted like the members'
    (an infected file flags the case and is never stored)."""
    _require_operator(request.user)
    case = _case(request, pk)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("添付するファイルを選んでください。"))
        return redirect("desk:case", pk=case.pk)
    files = form.cleaned_data["attachments"]
    try:
        services.attach_files(case, by=request.user, files=files, now=timezone.now())
    except DocumentRejected as exc:
        messages.error(
            request, _("添付ファイルを受け付けられませんでした: %(reason)s") % {"reason": exc}
        )
    else:
        messages.success(request, _("ファイルを添付しました。"))
    return redirect("desk:case", pk=case.pk)


@require_POST
@login_required
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    _require_operator(request.user)
    try:
        referral = Referral.objects.visible_to(request.user).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.record_referral_outcome(
            referral,
            by=request.user,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
            now=timezone.now(),
        )
    else:
        messages.error(request, _("入力内容を確認してください。"))
    return redirect("desk:case", pk=referral.case_id)


@require_GET
@login_required
def partners(request: HttpRequest) -> HttpResponse:
    """The referral directory, by kind and region."""
    _require_case_role(request.user)
    rows = ReferralPartner.objects.filter(active=True)
    if kind := request.GET.get("kind"):
        rows = rows.filter(kind=kind)
    if region := request.GET.get("region", "").strip()[:20]:
        rows = rows.filter(Q(regions__contains=region) | Q(regions__contains="全国"))
    context = {"partners": list(rows), "kinds": PartnerKind.choices, "kind": kind, "region": region}
    return render(request, "desk/partners.html", context)


# --- answers library (DESK-6): everyone signed in reads; members see published articles ------
@require_GET
@login_required
def answer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    rows = answers.search_answers(request.user, query, category)[:100]
    context = {"answers": list(rows), "q": query, "category": category}
    return render(request, "desk/answers.html", context)


@require_GET
@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        answer = answers.answers_for(request.user).get(pk=pk)
    except Answer.DoesNotExist:
        raise Http404 from None
    return render(request, "desk/answer.html", {"answer": answer})
