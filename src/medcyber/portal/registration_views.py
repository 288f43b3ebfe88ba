"""Free self-registration for the portal (PORTAL-2) and a facility administrator linking a
registered user to their facility."""

from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medcyber.core import audit
from medcyber.registry.choices import FacilityStaffRole
from medcyber.registry.models import Facility, FacilityStaff

from . import services
from .forms import LinkStaffForm


class PortalSignupView(SignupView):
    """allauth's sign-up, opened only here: the account gets no role and no facility; the
    e-mail address is verified by the link allauth sends (registered-user items need it)."""

    template_name = "portal/signup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        request.portal_signup = True  # type: ignore[attr-defined] # read by AccountAdapter
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("portal:index")


signup = PortalSignupView.as_view()


def _facility_for_admin(user: Any, pk: int) -> Facility:
    """The facility, when the user administers it now; 404 otherwise."""
    try:
        facility = Facility.objects.visible_to(user).get(pk=pk)
    except Facility.DoesNotExist:
        raise Http404 from None
    administers = (
        FacilityStaff.objects.visible_to(user)
        .current(timezone.localdate())
        .filter(facility=facility, user=user, role=FacilityStaffRole.ADMIN)
        .exists()
    )
    if not administers:
        raise Http404
    return facility


@require_http_methods(["GET", "POST"])
@login_required
def facility_staff(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_for_admin(request.user, pk)
    form = LinkStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_registered_user(
                facility=facility, by=request.user, email=form.cleaned_data["email"]
            )
        except services.PortalError as refused:
            form.add_error("email", str(refused))
        else:
            messages.success(request, _("施設の職員として登録しました。"))
            return redirect("portal:facility_staff", pk=facility.pk)
    staff = (
        FacilityStaff.objects.visible_to(request.user)
        .current(timezone.localdate())
        .filter(facility=facility)
        .select_related("user")
        .order_by("user__email")
    )
    staff = list(staff)
    audit.record_list_view(FacilityStaff, [link.pk for link in staff], facility=facility.pk)
    return render(
        request,
        "portal/facility_staff.html",
        {"facility": facility, "form": form, "staff": staff},
    )
