"""Facility pages: the self-assessment per fiscal year, its print view, the vendor's link and
the asset register. Facility people edit their own facilities; association staff read."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.core import audit
from medcyber.core.documents import DocumentRejected, FileType, open_document, store_upload
from medcyber.core.pdf import pdf_response
from medcyber.registry.models import Facility
from medcyber.registry.queries import facilities_for, facility_for

from . import queries, rules, services
from .assets import import_assets
from .exports import assessment_workbook
from .forms import (
    AssetForm,
    FileUploadForm,
    FindingForm,
    ItemAnswerForm,
    OpeningForm,
    VendorRequestForm,
)
from .models import Assessment, Asset, ChecklistVersion, KevFinding, VendorRequest
from .questions import questions_by_item

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES = frozenset(
    {
        FileType.PDF,
        FileType.PNG,
        FileType.JPEG,
        FileType.XLSX,
        FileType.DOCX,
        FileType.CSV,
        FileType.TEXT,
    }
)


def _facility(request: HttpRequest, pk: int) -> Facility:
    try:
        return facility_for(request.user, pk)
    except Facility.DoesNotExist:
        raise Http404 from None


def _version(code: str, year: int) -> ChecklistVersion:
    version = queries.version_for(code, year)
    if version is None or code == "vendor":
        raise Http404
    return version


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.sees_all_facilities:
        return redirect("guideline:overview")
    year = queries.latest_year("institution", rules.fiscal_year_of(timezone.localdate()))
    rows = []
    for facility in facilities_for(request.user):
        assessments = queries.assessments_of_facility(request.user, facility)
        rows.append({"facility": facility, "assessments": assessments})
    return render(
        request,
        "guideline/home.html",
        {"rows": rows, "year": year, "year_label": rules.fiscal_year_label(year)},
    )


def _item_forms(
    request: HttpRequest, sections: list[queries.SectionRows], assets: Any, bound: bool
) -> None:
    """One form per item. An unanswered item the asset register supports starts as that
    answer (“yes”, with the register as its note), for the person to confirm by saving."""
    for section in sections:
        for row in section.rows:
            answer = row.answer
            initial: dict[str, Any] = {}
            if answer is None and row.derived is not None:
                initial = {"value": row.derived[0], "note": row.derived[1]}
            if answer is not None:
                initial = {
                    "value": answer.value,
                    "checked_on": answer.checked_on,
                    "target_date": answer.target_date,
                    "note": answer.note,
                    "evidence_asset": answer.evidence_asset_id,
                }
            row.form = ItemAnswerForm(  # type: ignore[attr-defined]
                request.POST if bound else None,
                request.FILES if bound else None,
                prefix=f"i{row.item.pk}",
                initial=initial,
                assets=assets,
                uploads=assets is not None,
            )


def _store_evidence(request: HttpRequest, form: ItemAnswerForm, facility: Facility) -> int | None:
    upload = form.cleaned_data.get("evidence_file")
    if not upload or not request.user.is_authenticated:
        return None
    try:
        document = store_upload(
            upload,
            purpose="guideline_evidence",
            owner=request.user,
            facility=facility,
            allowed_types=EVIDENCE_TYPES,
        )
    except DocumentRejected as error:
        form.add_error("evidence_file", str(error))
        return None
    return int(document.pk)


def _save_answers(
    request: HttpRequest, assessment: Assessment, sections: list[queries.SectionRows]
) -> bool:
    forms = [row.form for s in sections for row in s.rows]  # type: ignore[attr-defined]
    if not all(f.is_valid() for f in forms):
        return False
    entries = []
    for section in sections:
        for row in section.rows:
            form = row.form  # type: ignore[attr-defined]
            data = form.cleaned_data
            document_id = _store_evidence(request, form, assessment.facility)
            if form.errors:
                return False
            asset = data.get("evidence_asset")
            entries.append(
                services.AnswerEntry(
                    item_id=row.item.pk,
                    value=data["value"],
                    checked_on=data["checked_on"],
                    target_date=data["target_date"],
                    note=data["note"],
                    evidence_document_id=document_id,
                    evidence_asset_id=asset.pk if asset else None,
                )
            )
    try:
        services.save_answers(assessment=assessment, entries=entries, by=request.user)
    except services.AssessmentInvalid as error:
        by_item = {row.item.pk: row.form for s in sections for row in s.rows}  # type: ignore[attr-defined]
        for item_id, problems in error.errors.items():
            for name, message in problems.items():
                by_item[item_id].add_error(
                    name if name in by_item[item_id].fields else None, message
                )
        return False
    return True


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int, code: str, year: int) -> HttpResponse:
    facility = _facility(request, pk)
    version = _version(code, year)
    assessment = queries.facility_and_assessment(request.user, facility.pk, version)[1]
    editable = queries.may_edit(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    opening = OpeningForm(request.POST if request.POST.get("step") == "opening" else None)
    if request.method == "POST" and request.POST.get("step") == "opening" and opening.is_valid():
        assessment = assessment or services.start_assessment(
            facility=facility, version=version, by=request.user
        )
        services.answer_opening_question(
            assessment=assessment,
            has_medical_system=opening.cleaned_data["has_medical_system"],
            by=request.user,
        )
        return redirect(request.path)
    sections = queries.section_rows(version, assessment, facility.pk)
    assets = Asset.objects.visible_to(request.user).filter(facility=facility).in_use()
    answering = request.method == "POST" and request.POST.get("step") == "answers"
    _item_forms(request, sections, assets, answering)
    asked = questions_by_item(request.user, assessment)
    for section in sections:
        for row in section.rows:
            row.questions = asked.get(row.item.pk, [])
    if answering:
        if assessment is None or assessment.has_medical_system is not True:
            raise PermissionDenied
        if _save_answers(request, assessment, sections):
            messages.success(request, _("回答を保存しました。"))
            return redirect(request.path)
        messages.error(request, _("保存できませんでした。赤字の項目を直してください。"))
    if assessment is not None:
        audit.record_view(assessment, action="guideline.assessment.view")
    context = {
        "facility": facility,
        "version": version,
        "assessment": assessment,
        "editable": editable,
        "ask_links": editable,
        "opening": opening,
        "sections": sections,
        "progress": queries.progress_of(assessment, version),
        "changes": queries.changes_since_last_year(assessment) if assessment else [],
        "history": queries.history_of(request.user, assessment) if assessment else [],
        "year_label": rules.fiscal_year_label(year),
        "fy_start": rules.fiscal_year_bounds(year)[0],
        "fy_end": rules.fiscal_year_bounds(year)[1],
        "vendor_form": VendorRequestForm(),
        "vendor_parts": Assessment.objects.visible_to(request.user).filter(
            facility=facility, version__fiscal_year=year, version__checklist__code="vendor"
        ),
    }
    return render(request, "guideline/assessment.html", context)


def _inspection_report(
    request: HttpRequest, pk: int, code: str, year: int, action: str
) -> dict[str, Any]:
    """What the inspection report shows, on screen for printing and as PDF (audited as read)."""
    facility = _facility(request, pk)
    version = _version(code, year)
    assessment = queries.facility_and_assessment(request.user, facility.pk, version)[1]
    if assessment is None:
        raise Http404
    audit.record_view(assessment, action=action)
    return {
        "facility": facility,
        "version": version,
        "assessment": assessment,
        "sections": queries.section_rows(version, assessment, facility.pk),
        "progress": queries.progress_of(assessment, version),
        "assets": queries.assets_of(request.user, facility),
        "findings": queries.findings_of(request.user, facility),
        "year_label": rules.fiscal_year_label(year),
        "printed_on": timezone.localdate(),
    }


@require_GET
@login_required
def assessment_print(request: HttpRequest, pk: int, code: str, year: int) -> HttpResponse:
    context = _inspection_report(request, pk, code, year, "guideline.assessment.print")
    return render(request, "guideline/assessment_print.html", context)


@require_GET
@login_required
def assessment_pdf(request: HttpRequest, pk: int, code: str, year: int) -> HttpResponse:
    context = _inspection_report(request, pk, code, year, "guideline.assessment.pdf")
    return pdf_response(
        "guideline/pdf/inspection_report.html",
        context,
        filename=f"checklist-{year}-{pk}.pdf",
        request=request,
        inline=False,
    )


@require_GET
@login_required
def assessment_xlsx(request: HttpRequest, pk: int, code: str, year: int) -> HttpResponse:
    facility = _facility(request, pk)
    version = _version(code, year)
    assessment = queries.facility_and_assessment(request.user, facility.pk, version)[1]
    if assessment is None:
        raise Http404
    audit.record_view(assessment, action="guideline.assessment.export")
    data = assessment_workbook(
        facility=facility,
        version=version,
        sections=queries.section_rows(version, assessment, facility.pk),
        assets=queries.assets_of(request.user, facility),
        progress=queries.progress_of(assessment, version),
        has_system=assessment.has_medical_system,
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=True, filename=f"checklist-{year}-{facility.pk}.xlsx"
        )
        or "attachment"
    )
    return response


@require_POST
@login_required
def vendor_request_create(request: HttpRequest, pk: int, code: str, year: int) -> HttpResponse:
    facility = _facility(request, pk)
    version = _version(code, year)
    if not queries.may_edit(request.user):
        raise PermissionDenied
    own = queries.facility_and_assessment(request.user, facility.pk, version)[1]
    own = own or services.start_assessment(facility=facility, version=version, by=request.user)
    form = VendorRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("事業者名を入れてください。"))
        return redirect("guideline:assessment", pk=pk, code=code, year=year)
    try:
        vendor_request, token = services.request_vendor_part(
            assessment=own,
            vendor_name=form.cleaned_data["vendor_name"],
            vendor_email=form.cleaned_data["vendor_email"],
            by=request.user,
            now=timezone.now(),
        )
    except services.VendorLinkInvalid as error:
        messages.error(request, str(error))
        return redirect("guideline:assessment", pk=pk, code=code, year=year)
    link = request.build_absolute_uri(reverse("guideline:vendor_fill", kwargs={"token": token}))
    response = render(
        request,
        "guideline/vendor_link_created.html",
        {
            "facility": facility,
            "vendor_request": vendor_request,
            "link": link,
            "year": year,
            "code": code,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _vendor_part(request: HttpRequest, facility: Facility, part_pk: int) -> Assessment:
    part = (
        Assessment.objects.visible_to(request.user)
        .filter(pk=part_pk, facility=facility, version__checklist__code="vendor")
        .select_related("version__checklist")
        .first()
    )
    if part is None:
        raise Http404
    return part


@require_GET
@login_required
def vendor_part(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """What a vendor answered for this facility (read only), and the links sent to them."""
    facility = _facility(request, pk)
    part = _vendor_part(request, facility, part_pk)
    audit.record_view(part, action="guideline.assessment.view")
    return render(
        request,
        "guideline/vendor_part.html",
        {
            "facility": facility,
            "part": part,
            "sections": queries.section_rows(part.version, part, facility.pk),
            "progress": queries.progress_of(part, part.version),
            "requests": VendorRequest.objects.visible_to(request.user).filter(assessment=part),
            "editable": queries.may_edit(request.user),
            "now": timezone.now(),
            "year_label": rules.fiscal_year_label(part.fiscal_year),
        },
    )


@require_POST
@login_required
def vendor_request_revoke(
    request: HttpRequest, pk: int, part_pk: int, request_pk: int
) -> HttpResponse:
    facility = _facility(request, pk)
    part = _vendor_part(request, facility, part_pk)
    if not queries.may_edit(request.user):
        raise PermissionDenied
    vendor_request = (
        VendorRequest.objects.visible_to(request.user)
        .filter(assessment=part, pk=request_pk, revoked_at__isnull=True)
        .first()
    )
    if vendor_request is None:
        raise Http404
    services.revoke_vendor_request(request=vendor_request, by=request.user, now=timezone.now())
    messages.success(request, _("記入用リンクを取り消しました。"))
    return redirect("guideline:vendor_part", pk=facility.pk, part_pk=part.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def vendor_fill(request: HttpRequest, token: str) -> HttpResponse:
    """The vendor's page: no account, only this facility's vendor part, until it expires."""
    now = timezone.now()
    try:
        vendor_request = services.open_vendor_link(token=token, now=now)
    except services.VendorLinkInvalid as error:
        return render(request, "guideline/vendor_invalid.html", {"message": str(error)}, status=404)
    vendor_part = vendor_request.assessment
    context = audit.AuditContext(
        actor_label=f"vendor:{vendor_part.vendor_name}"[:254],
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    with audit.acting_as(context):
        sections = queries.section_rows(vendor_part.version, vendor_part, vendor_part.facility_id)
        _item_forms(request, sections, None, request.method == "POST")
        if request.method == "POST":
            if _save_answers(request, vendor_part, sections):
                messages.success(request, _("回答を保存しました。"))
                return redirect(request.path)
            messages.error(request, _("保存できませんでした。赤字の項目を直してください。"))
        audit.record("view", "guideline.vendor_link.open", vendor_request)
    return render(
        request,
        "guideline/vendor_fill.html",
        {
            "vendor_part": vendor_part,
            "facility_name": vendor_part.facility.name,
            "sections": sections,
            "progress": queries.progress_of(vendor_part, vendor_part.version),
            "expires_at": vendor_request.expires_at,
            "year_label": rules.fiscal_year_label(vendor_part.fiscal_year),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def asset_list(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility(request, pk)
    editable = queries.may_edit(request.user)
    form = AssetForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            asset = form.save(commit=False)
            asset.facility = facility
            if (
                Asset.objects.visible_to(request.user)
                .filter(facility=facility, name=asset.name)
                .exists()
            ):
                form.add_error("name", _("同じ名称の資産がすでに登録されています。"))
            else:
                services.register_asset(asset=asset, by=request.user)
                messages.success(request, _("資産を登録しました。"))
                return redirect(request.path)
    return render(
        request,
        "guideline/asset_list.html",
        {
            "facility": facility,
            "assets": queries.assets_of(request.user, facility),
            "form": form,
            "upload": FileUploadForm(),
            "editable": editable,
            "findings": queries.findings_of(request.user, facility),
            "statuses": KevFinding.Status.choices,
        },
    )


@login_required
@require_POST
def asset_import(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility(request, pk)
    if not queries.may_edit(request.user):
        raise PermissionDenied
    form = FileUploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            document = store_upload(
                form.cleaned_data["file"],
                purpose="guideline_assets",
                owner=request.user,
                facility=facility,
                allowed_types=frozenset({FileType.CSV, FileType.XLSX}),
            )
        except DocumentRejected as error:
            form.add_error("file", str(error))
        else:
            report = _run_on_copy(
                document,
                lambda path: import_assets(
                    path,
                    facility=facility,
                    dry_run=form.cleaned_data["dry_run"],
                    file_name=document.original_name,
                ),
            )
    return render(
        request,
        "guideline/asset_list.html",
        {
            "facility": facility,
            "assets": queries.assets_of(request.user, facility),
            "form": AssetForm(),
            "upload": form,
            "report": report,
            "editable": True,
            "findings": queries.findings_of(request.user, facility),
            "statuses": KevFinding.Status.choices,
        },
    )


@login_required
@require_POST
def finding_update(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    facility = _facility(request, pk)
    finding = (
        KevFinding.objects.visible_to(request.user)
        .filter(pk=finding_pk, asset__facility=facility)
        .first()
    )
    if finding is None:
        raise Http404
    if not queries.may_edit(request.user):
        raise PermissionDenied
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("状況を選んでください。"))
    else:
        try:
            services.mark_finding(
                finding=finding,
                status=form.cleaned_data["status"],
                planned_on=form.cleaned_data["planned_on"],
                by=request.user,
            )
        except services.FindingInvalid as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("脆弱性への対応状況を保存しました。"))
    return redirect(reverse("guideline:asset_list", args=[facility.pk]) + "#warnings")


def _run_on_copy(document: Any, run: Any) -> Any:
    """Run a file reader on a private temporary copy of a stored (encrypted) document."""
    suffix = Path(document.original_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="guideline-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(open_document(document))
        return run(path)
