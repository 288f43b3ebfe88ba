"""Staff screens of the registry: search members and facilities, open a member or a facility.

Only staff whose work needs every facility's data (``user.sees_all_facilities``: the registry
roles with their second factor set up) may open them; everyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medcyber.accounts.models import User
from medcyber.core import audit

from . import search
from .forms import FacilitySearchForm, MemberSearchForm, RegistrySearchForm
from .models import Facility, Member


def _require_registry_role(user: Any) -> None:
    if not user.sees_all_facilities:
        raise PermissionDenied


def _search_page(request: HttpRequest, form: RegistrySearchForm, find: Any) -> Page | None:
    """The requested page of results, or ``None`` while the form has no valid condition."""
    if not (form.is_bound and form.is_valid() and form.has_criteria()):
        return None
    results = find(request.user, form.cleaned_data)
    page = Paginator(results, search.PAGE_SIZE).get_page(request.GET.get("page"))
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
    return render(request, "registry/staff/member_search.html", {"form": form, "page": page})


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
    return render(request, "registry/staff/facility_search.html", {"form": form, "page": page})


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
