from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medcyber.core import audit

from . import queries
from .models import Facility


@require_GET
@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        facility = queries.facility_for(request.user, pk)
    except Facility.DoesNotExist:
        raise Http404 from None
    manager = queries.current_manager(facility)
    if manager is not None:
        audit.record_view(manager.member, action="registry.member.view_on_facility")
    return render(
        request, "registry/facility_detail.html", {"facility": facility, "manager": manager}
    )
