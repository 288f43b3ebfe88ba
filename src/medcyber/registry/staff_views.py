"""Staff screens of the registry: search members and facilities, open a member or a facility,
download the whole registry.

Only staff whose work needs every facility's data (``user.sees_all_facilities``: the registry
roles with their second factor set up) may open them; everyone else gets 403. Downloading the
whole registry (personal data leaving the system) is for association admins and auditors only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.accounts.models import User
from medcyber.accounts.roles import Role
from medcyber.core import audit
from medcyber.core.documents import DocumentRejected
from medcyber.core.exports import csv_response

from . import export_runs, exports, import_runs, search
from .forms import FacilitySearchForm, ImportUploadForm, MemberSearchForm, RegistrySearchForm
from .imports.report import report_header
from .models import ExportRun, Facility, FacilityManagement, ImportRun, Member

#: Who may download the whole registry (with ``sees_all_facilities``, i.e. second factor on).
EXPORT_ROLES = (Role.ASSOCIATION_ADMIN, Role.AUDITOR)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_registry_role(user: Any) -> None:
    if not user.sees_all_facilities:
        raise PermissionDenied


def _may_export(user: Any) -> bool:
    return bool(user.sees_all_facilities and user.has_role(*EXPORT_ROLES))


def _search_page(request: HttpRequest, form: RegistrySearchForm, find: Any) -> Page | None:
    """The requested page of results, or ``None`` while the form has no valid condition."""
    if not (form.is_bound and form.is_valid() and form.has_criteria()):
        return None
    results = find(request.user, form.cleaned_data)
    page = search.SearchPaginator(results, search.PAGE_SIZE).get_page(request.GET.get("page"))
    list(page.object_list)  # evaluated once here; the template reuses the rows
    return page


@require_GET
@login_required
def member_search(request: HttpRequest) -> HttpResponse:
    _require_registry_role(request.user)
    form = MemberSearchForm(request.GET or None)
    page = _search_page(request, form, search.search_members)
    if page is not None:
        ids = [member.pk for member in page.object_list]
        audit.record_list_view(Member, ids, query=form.criteria(), page=page.number)
    context = {"form": form, "page": page, "may_export": _may_export(request.user)}
    return render(request, "registry/staff/member_search.html", context)


@require_GET
@login_required
def facility_search(request: HttpRequest) -> HttpResponse:
    _require_registry_role(request.user)
    form = FacilitySearchForm(request.GET or None)
    page = _search_page(request, form, search.search_facilities)
    if page is not None:
        managers = [m.member_id for f in page.object_list for m in f.current_managements]
        if managers:
            audit.record_list_view(Member, managers, query=form.criteria(), page=page.number)
    context = {"form": form, "page": page, "may_export": _may_export(request.user)}
    return render(request, "registry/staff/facility_search.html", context)


@require_GET
@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registry_role(request.user)
    try:
        found = search.member_page(request.user, pk)
    except Member.DoesNotExist:
        raise Http404 from None
    audit.record_view(found.member, action="registry.member.view_staff")
    return render(request, "registry/staff/member_detail.html", {"page": found})


@require_GET
@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registry_role(request.user)
    try:
        found = search.facility_page(request.user, pk)
    except Facility.DoesNotExist:
        raise Http404 from None
    shown = {row.management.member_id: row.management.member for row in found.managements}
    for _pk, member in sorted(shown.items()):
        audit.record_view(member, action="registry.member.view_on_staff_facility")
    if found.staff:
        accounts = sorted({link.user_id for link in found.staff})
        audit.record_list_view(User, accounts, facility=found.facility.pk)
    return render(request, "registry/staff/facility_detail.html", {"page": found})


def _registry_rows(user: Any, kind: str) -> models.QuerySet[Any]:
    rows: dict[str, models.QuerySet[Any]] = {
        "members": Member.objects.visible_to(user),
        "facilities": Facility.objects.visible_to(user),
        "links": FacilityManagement.objects.visible_to(user),
    }
    return rows[kind]


def _rows_in_japanese(kind: str, queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    """The export's rows with code labels in Japanese, as the import reads them.

    The language is switched per batch, not around the whole generator: a streamed response is
    consumed after the view returns, possibly in another thread (ASGI).
    """
    rows = exports.ROWS[kind](queryset)
    while True:
        with translation.override("ja"):
            batch = list(islice(rows, exports.CHUNK))
        if not batch:
            return
        yield from batch


@require_GET
@login_required
def registry_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """The whole registry of one kind as CSV (streamed) or Excel, with the import's columns."""
    if not _may_export(request.user):
        raise PermissionDenied
    queryset = _registry_rows(request.user, kind)
    filename = f"{kind}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        # Streamed, so the count is taken before the first row leaves.
        _record_export(kind, fmt, queryset.count())
        return csv_response(filename, exports.header(kind), _rows_in_japanese(kind, queryset))
    # openpyxl's write-only mode still needs the whole zip before the first byte goes out:
    # build it on disk, not in memory; FileResponse closes (and so deletes) the file.
    workbook = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        rows = exports.write_xlsx(kind, queryset, workbook)
    except BaseException:
        workbook.close()
        raise
    workbook.seek(0)
    _record_export(kind, fmt, rows)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@require_http_methods(["GET", "POST"])
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """Excel files of the whole registry: ask for one (written in the background), see them."""
    if not _may_export(request.user):
        raise PermissionDenied
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ImportRun.Kind.values:
            messages.error(request, _("書き出す種類を選んでください。"))
            return redirect("registry:export_list")
        run = export_runs.start_export(kind=kind, by=request.user)
        return redirect("registry:export_detail", pk=run.pk)
    runs = list(ExportRun.objects.visible_to(request.user).select_related("document")[:20])
    context = {"runs": runs, "kinds": ImportRun.Kind.choices}
    return render(request, "registry/staff/export_list.html", context)


@require_GET
@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_export(request.user):
        raise PermissionDenied
    try:
        run = ExportRun.objects.visible_to(request.user).select_related("document").get(pk=pk)
    except ExportRun.DoesNotExist:
        raise Http404 from None
    return render(request, "registry/staff/export_detail.html", {"run": run})


def _record_export(kind: str, fmt: str, rows: int) -> None:
    # Personal data leaving the system is a view of it (ADM-3): one event for the file.
    audit.record(
        "view",
        "registry.export",
        object_type=f"registry.{kind}",
        changes={"rows": rows, "format": fmt},
    )


# --- imports from a file (association admins) --------------------------------------------------


def _require_import_admin(user: Any) -> None:
    if not (user.sees_all_facilities and user.has_role(Role.ASSOCIATION_ADMIN)):
        raise PermissionDenied


def _import_run_for(user: Any, pk: int) -> ImportRun:
    _require_import_admin(user)
    try:
        return ImportRun.objects.visible_to(user).select_related("document").get(pk=pk)
    except ImportRun.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_import_admin(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_runs.start_import(
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                valid_only=form.cleaned_data["valid_only"],
                full=form.cleaned_data["full"],
                by=request.user,
            )
        except DocumentRejected as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("registry:import_detail", pk=run.pk)
    runs = ImportRun.objects.visible_to(request.user).select_related("document", "created_by")
    context = {"form": form, "runs": runs[:50]}
    return render(request, "registry/staff/import_list.html", context)


@require_GET
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _import_run_for(request.user, pk)
    return render(request, "registry/staff/import_detail.html", {"run": run})


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _import_run_for(request.user, pk)
    try:
        import_runs.confirm_import(run=run, by=request.user)
    except import_runs.ImportNotAllowed as refused:
        messages.error(request, str(refused))
    return redirect("registry:import_detail", pk=run.pk)


@require_GET
@login_required
def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _import_run_for(request.user, pk)
    rows = ([e["line"], e["column"], e["value"], e["message"]] for e in run.errors)
    return csv_response(f"import-{run.pk}-errors.csv", report_header(), rows)
