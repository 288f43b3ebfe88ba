"""Association screens: loading checklist versions (admins) and where members stand."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medcyber.accounts.roles import Role
from medcyber.core import audit
from medcyber.core.documents import DocumentRejected, FileType, store_upload
from medcyber.core.exports import csv_response
from medcyber.core.models import StoredDocument
from medcyber.portal.audience import may_edit as may_publish
from medcyber.registry.choices import FacilityKind

from . import charts, queries, rules, tallies, trends
from .forms import FileUploadForm
from .loading import load
from .models import ChecklistVersion, KevAlertProposal
from .report_text import outcome_label
from .views import _run_on_copy

CHECKLIST_TYPES = frozenset({FileType.YAML, FileType.CSV, FileType.XLSX})
PURPOSE = "guideline_checklist"


def _require_admin(user: Any) -> None:
    if not (user.sees_all_facilities and user.has_role(Role.ASSOCIATION_ADMIN)):
        raise PermissionDenied


def _load_document(document: StoredDocument, dry_run: bool) -> Any:
    report = _run_on_copy(
        document, lambda path: load(path, dry_run=dry_run, file_name=document.original_name)
    )
    if report.applied:
        audit.record(
            "update",
            "guideline.checklist.load",
            document,
            changes={
                "sha256": document.sha256,
                "fiscal_year": report.spec.fiscal_year,
                "checklist": report.spec.checklist,
            },
        )
    for row in report.rows:
        row.label = outcome_label(row.outcome)
    return report


@login_required
@require_http_methods(["GET", "POST"])
def checklist_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _require_admin(user)
    form = FileUploadForm(request.POST or None, request.FILES or None)
    report = None
    document = None
    if request.method == "POST" and request.POST.get("document"):
        document = (
            StoredDocument.objects.visible_to(request.user)
            .filter(public_id=request.POST["document"], purpose=PURPOSE, uploaded_by=user)
            .first()
        )
        if document is None:
            raise PermissionDenied
        report = _load_document(document, dry_run=False)
        form = FileUploadForm()
    elif request.method == "POST" and form.is_valid():
        try:
            document = store_upload(
                form.cleaned_data["file"],
                purpose=PURPOSE,
                owner=request.user,
                allowed_types=CHECKLIST_TYPES,
            )
        except DocumentRejected as error:
            form.add_error("file", str(error))
        else:
            report = _load_document(document, dry_run=form.cleaned_data["dry_run"])
    versions = ChecklistVersion.objects.select_related("checklist").annotate(
        item_count=Count("items", distinct=True),
        assessment_count=Count("assessments", distinct=True),
    )
    return render(
        request,
        "guideline/staff/checklist_list.html",
        {"form": form, "report": report, "document": document, "versions": versions},
    )


def _overview_year(request: HttpRequest) -> tuple[int, list[int]]:
    current = rules.fiscal_year_of(timezone.localdate())
    years = sorted(
        set(
            ChecklistVersion.objects.filter(checklist__code="institution").values_list(
                "fiscal_year", flat=True
            )
        ),
        reverse=True,
    )
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = current if current in years else (years[0] if years else current)
    return year, years


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in FacilityKind.values else ""


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.sees_all_facilities:
        raise PermissionDenied
    year, years = _overview_year(request)
    kind = _kind(request)
    version = queries.version_for("institution", year)
    rows = queries.association_overview(request.user, version) if version else []
    rates = queries.item_rates(user, version, kind) if version else []
    return render(
        request,
        "guideline/staff/overview.html",
        {
            "rows": rows,
            "year": year,
            "years": years,
            "year_label": rules.fiscal_year_label(year),
            "version": version,
            "kev_counts": queries.kev_counts(user),
            "proposals": KevAlertProposal.objects.filter(
                status=KevAlertProposal.Status.PROPOSED
            ).select_related("entry"),
            "may_publish": may_publish(user),
            "rates": rates,
            "kind": kind,
            "kinds": FacilityKind.choices,
            "refreshed_at": tallies.refreshed_at(version) if version else None,
        },
    )


@require_GET
@login_required
def overview_csv(request: HttpRequest) -> HttpResponseBase:
    """Per item: answered, yes, no, share of no — counts only, for the association's reports."""
    user: Any = request.user
    if not user.sees_all_facilities:
        raise PermissionDenied
    year, _years = _overview_year(request)
    version = queries.version_for("institution", year)
    if version is None:
        raise Http404
    kind = _kind(request)
    rates = queries.item_rates(user, version, kind)
    header = [
        _("年度"),
        _("項番"),
        _("項目ID"),
        _("確認事項"),
        _("回答数"),
        _("はい"),
        _("いいえ"),
        _("「いいえ」の割合（%）"),
    ]
    rows = (
        [year, r.item.number, r.item.key, r.item.text, r.answered, r.yes, r.no, r.no_rate]
        for r in rates
    )
    return csv_response(f"guideline-items-{year}{'-' + kind if kind else ''}.csv", header, rows)


@require_GET
@login_required
def overview_trends(request: HttpRequest) -> HttpResponse:
    """Completion per prefecture and “no” per item over the newest fiscal years, as SVG
    charts drawn on the server (no JavaScript), with the numbers as CSV beside them."""
    user: Any = request.user
    if not user.sees_all_facilities:
        raise PermissionDenied
    _year, years = _overview_year(request)
    kind = _kind(request)
    found = trends.trend(user, years, kind)
    period = "・".join(found.series)
    return render(
        request,
        "guideline/staff/overview_trends.html",
        {
            "trend": found,
            "kind": kind,
            "kinds": FacilityKind.choices,
            "prefecture_chart": charts.grouped_bars(
                title=_("都道府県別の完了率（%(years)s）") % {"years": period},
                description=_("自己点検を完了した施設の割合。年度ごとの棒で比べます。"),
                series=found.series,
                groups=found.prefectures,
            ),
            "item_chart": charts.grouped_bars(
                title=_("項目ごとの「いいえ」の割合（%(years)s）") % {"years": period},
                description=_("回答のうち「いいえ」の割合。項目IDで年度をまたいで対応させます。"),
                series=found.series,
                groups=found.items,
            ),
        },
    )


@require_GET
@login_required
def overview_trend_csv(request: HttpRequest) -> HttpResponseBase:
    """Per fiscal year and prefecture: facilities, started, complete and the rates."""
    user: Any = request.user
    if not user.sees_all_facilities:
        raise PermissionDenied
    _year, years = _overview_year(request)
    found = trends.trend(user, years)
    header = [
        _("年度"),
        _("都道府県"),
        _("施設数"),
        _("回答開始"),
        _("完了"),
        _("完了率（%）"),
        _("「いいえ」の割合（%）"),
    ]
    rows = (
        [year, r.label, r.facilities, r.started, r.complete, r.complete_rate, r.no_rate]
        for year, r in found.prefecture_rows
    )
    return csv_response("guideline-prefectures-by-year.csv", header, rows)
