from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medcyber.core import audit
from medcyber.core.admin_mixins import AssociationAdminMixin, PersonalDataAdminMixin

from .models import ApiToken, RoleGrant, User


class RoleGrantInline(AssociationAdminMixin, admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, AssociationAdminMixin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "last_login")
    list_filter = ("is_active", "role_grants__role")
    search_fields = ("email", "display_name")
    inlines = (RoleGrantInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("個人情報"), {"fields": ("display_name", "first_name", "last_name")}),
        (_("権限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "key_id", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "key_id", "created_at", "last_used_at", "expires_at")
    exclude = ("digest",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class AuthenticatorAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        with transaction.atomic():
            user, kind = obj.user, obj.type
            super().delete_model(request, obj)
            audit.record("delete", "mfa.authenticator.delete", user, changes={"type": kind})
        user.forget_cached_permissions()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for authenticator in queryset.select_related("user"):
            self.delete_model(request, authenticator)


def customise_library_admins(site: admin.AdminSite) -> None:
    """Runs once every app's admin is registered (see MedcyberAdminConfig.ready)."""
    # Roles are RoleGrants, not Django groups: hide the unused table.
    if site.is_registered(Group):
        site.unregister(Group)
    # Association admins reset a lost second factor by deleting it; the secret is never shown.
    if site.is_registered(Authenticator):
        site.unregister(Authenticator)
    site.register(Authenticator, AuthenticatorAdmin)
