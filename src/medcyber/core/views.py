from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from medcyber.registry import queries as registry_queries

from . import audit
from .exports import audit_event_rows, csv_response
from .forms import AuditSearchForm
from .queries import search_audit_events


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """Health check for load balancers: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    facilities = registry_queries.facilities_for(request.user)
    if request.user.sees_all_facilities:  # type: ignore[union-attr]
        facilities = facilities.none()
    return render(
        request,
        "core/dashboard.html",
        {
            "member": registry_queries.member_of(request.user),
            "facilities": facilities,
        },
    )


AUDIT_CSV_HEADER = [
    "seq",
    "occurred_at",
    "actor",
    "kind",
    "action",
    "object_type",
    "object_id",
    "object",
    "facility_id",
    "ip_address",
    "request_id",
    "hash",
]


@require_GET
@login_required
def audit_search(request: HttpRequest) -> HttpResponseBase:
    if not request.user.may_search_audit:  # type: ignore[union-attr]
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = search_audit_events(filters)
    export = request.GET.get("format") == "csv"
    audit.record(
        "view",
        "core.audit.export" if export else "core.audit.search",
        object_type="core.auditevent",
        changes={"filters": {name: str(value) for name, value in filters.items() if value}},
    )
    if export:
        return csv_response("audit-trail.csv", AUDIT_CSV_HEADER, audit_event_rows(events))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_search.html", {"form": form, "page": page})
