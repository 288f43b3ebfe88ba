"""The admin belongs to association administrators, signed in through allauth with MFA."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def is_association_admin(user: Any) -> bool:
    if not (user.is_active and user.is_authenticated):
        return False
    if not user.staff_cleared:
        return False
    return bool(user.is_superuser or user.has_role("association_admin"))


class MedcyberAdminSite(admin.AdminSite):
    site_header = _("medcyber 管理")
    site_title = _("medcyber 管理")
    index_title = _("制度の管理")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_association_admin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The admin's own form would skip the second factor: always sign in through allauth.
        next_url = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class MedcyberAdminConfig(AdminConfig):
    default_site = "medcyber.core.admin_site.MedcyberAdminSite"

    def ready(self) -> None:
        super().ready()  # registers every app's admin
        from medcyber.accounts.admin import customise_library_admins

        customise_library_admins(admin.site)
