"""Incident screens for members, facility staff and the desk (INC-1..3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.core import audit
from medcyber.core.documents import DocumentRejected, ScanUnavailable, store_upload
from medcyber.desk.models import Case, sees_all_cases, works_cases
from medcyber.registry.models import Facility

from . import pdf, queries, services
from .forms import IncidentForm, JmaReportForm, ObligationForm, ReportDraftForm
from .models import Incident, Obligation
from .presenting import change_messages, history_rows, obligation_rows


def _incident(request: HttpRequest, pk: int, *, write: bool = False) -> Incident:
    """The incident if the user may see it (404 otherwise) and, for writes, edit it (403)."""
    try:
        incident = queries.incident_for(request.user, pk)
    except Incident.DoesNotExist:
        raise Http404 from None
    if write and not queries.may_edit(request.user):
        raise PermissionDenied
    return incident


def _desk_case_link(request: HttpRequest, incident: Incident) -> tuple[str, str] | None:
    """(reference, address) of the desk case the incident came from, for those who see it."""
    if incident.desk_case_id is None:
        return None
    case = Case.objects.visible_to(request.user).filter(pk=incident.desk_case_id).first()
    if case is None:
        return None
    name = "desk:case" if sees_all_cases(request.user) else "desk:my_case"
    return case.reference, reverse(name, kwargs={"pk": case.pk})


def _show_changes(request: HttpRequest, changes: list[Any]) -> None:
    for text in change_messages(changes):
        messages.warning(request, text)


@require_GET
@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    incidents = queries.incidents_for(request.user)
    if request.GET.get("status") in Incident.Status.values:
        incidents = incidents.filter(status=request.GET["status"])
    page = Paginator(incidents, 50).get_page(request.GET.get("page"))
    attention = list(queries.needing_attention(request.user, today=today)[:100])
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "attention": [(o, queries.urgency(o, today)) for o in attention],
            "may_edit": queries.may_edit(request.user),
            "status": request.GET.get("status", ""),
            "statuses": Incident.Status.choices,
        },
    )


def _facilities_for_form(request: HttpRequest) -> Any:
    if request.user.sees_all_facilities:  # type: ignore[union-attr]
        return Facility.objects.visible_to(request.user)
    return Facility.objects.visible_to(request.user).order_by("name_kana")


def _desk_case(request: HttpRequest) -> Case | None:
    """The desk case named by ``?case=`` (operators only, a case they see, with a facility)."""
    if "case" not in request.GET:
        return None
    if not works_cases(request.user):
        raise PermissionDenied
    try:
        case = Case.objects.visible_to(request.user).get(pk=int(request.GET["case"]))
    except (ValueError, Case.DoesNotExist):
        raise Http404 from None
    if case.facility_id is None:
        raise Http404
    return case


def _initial_from_case(case: Case) -> dict[str, Any]:
    """The case's facts as a starting point; the operator checks and completes them."""
    return {
        "facility": case.facility_id,
        "title": case.summary,
        "description": case.description,
        "discovered_at": timezone.localtime(case.received_at),
    }


@require_http_methods(["GET", "POST"])
@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    if not queries.may_edit(request.user):
        raise PermissionDenied
    staff = request.user.sees_all_facilities  # type: ignore[union-attr]
    case = _desk_case(request)
    facilities = _facilities_for_form(request)
    if case is not None:
        facilities = facilities.filter(pk=case.facility_id)
        initial: dict[str, Any] | None = _initial_from_case(case)
    else:
        initial = {"facility": request.GET.get("facility")} if staff else None
    form = IncidentForm(request.POST or None, facilities=facilities, initial=initial, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            incident, changes = services.create_incident(
                by=request.user,
                facility=form.cleaned_data["facility"],
                closure_days=form.cleaned_data["closure_days"],
                desk_case=case,
                **form.facts(),
            )
        except services.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("インシデントを登録しました。"))
            _show_changes(request, changes)
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request, "incidents/incident_form.html", {"form": form, "incident": None, "case": case}
    )


@require_GET
@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    today = timezone.localdate()
    audit.record_view(incident, action="incidents.incident.view")
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "desk_case": _desk_case_link(request, incident),
            "rows": obligation_rows(queries.obligations_of(incident), today),
            "closure_days": list(incident.closure_days.all()),
            "jma_reports": list(incident.jma_reports.select_related("filed_by")),
            "history": history_rows(queries.history(incident)[:100]),
            "may_edit": queries.may_edit(request.user),
            "obligation_form": ObligationForm(initial={"done_on": today, "status": "done"}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.update_incident(
                incident=incident,
                by=request.user,
                closure_days=form.cleaned_data["closure_days"],
                **form.facts(),
            )
        except services.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("インシデントを更新しました。"))
            _show_changes(request, changes)
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": incident})


@require_POST
@login_required
def incident_status(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    status = request.POST.get("status", "")
    if status in Incident.Status.values:
        services.set_status(incident=incident, by=request.user, status=status)
        messages.success(request, _("状態を変更しました。"))
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
@login_required
def obligation_update(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    obligation = Obligation.unscoped.filter(incident=incident, code=code).first()
    if obligation is None:
        raise Http404
    form = ObligationForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("incidents:detail", pk=incident.pk)
    document = None
    upload = form.cleaned_data.get("evidence")
    try:
        if upload is not None:
            document = store_upload(
                upload, purpose="incident_evidence", owner=request.user, facility=incident.facility
            )
        services.record_obligation(
            obligation=obligation,
            by=request.user,
            status=form.cleaned_data["status"],
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            document=document,
        )
    except (services.IncidentError, DocumentRejected, ScanUnavailable) as exc:
        messages.error(request, f"{obligation.get_code_display()}：{exc}")
    else:
        messages.success(
            request, _("%(name)s を記録しました。") % {"name": obligation.get_code_display()}
        )
    return redirect(f"{incident_url(incident)}#obligation-{obligation.code}")


def incident_url(incident: Incident) -> str:
    from django.urls import reverse

    return reverse("incidents:detail", kwargs={"pk": incident.pk})


@require_http_methods(["GET", "POST"])
@login_required
def jma_report(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    initial = {"contents": pdf.jma_report_text(incident), "contact_phone": incident.facility.phone}
    form = JmaReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.file_jma_report(
                incident=incident, by=request.user, **form.cleaned_data
            )
        except services.IncidentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("日本医師会への報告を受け付けました（受付番号 %(number)s）。")
                % {"number": report.number},
            )
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/jma_report.html", {"form": form, "incident": incident})


@require_http_methods(["GET", "POST"])
@login_required
def report_drafts(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    draft = services.draft_for(incident)
    if request.method == "POST" and "redraft" in request.POST:
        services.redraft(draft=draft, by=request.user)
        messages.success(request, _("インシデントの記録から下書きを作り直しました。"))
        return redirect("incidents:drafts", pk=incident.pk)
    form = ReportDraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        services.save_draft(draft=draft, by=request.user, **form.cleaned_data)
        messages.success(request, _("下書きを保存しました。"))
        return redirect("incidents:drafts", pk=incident.pk)
    return render(request, "incidents/drafts.html", {"form": form, "incident": incident})


@require_GET
@login_required
def draft_pdf(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    incident = _incident(request, pk)
    if which not in pdf.DRAFT_DOCUMENTS:
        raise Http404
    draft = services.draft_for(incident)
    audit.record_view(incident, action=f"incidents.draft.{which}.pdf")
    return pdf.draft_response(incident, draft, which)


@require_GET
@login_required
def jma_report_list(request: HttpRequest) -> HttpResponse:
    if not request.user.sees_all_facilities:  # type: ignore[union-attr]
        raise PermissionDenied
    page = Paginator(queries.jma_reports_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/jma_report_list.html", {"page": page})
