from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from medcyber.core import audit
from medcyber.core.admin_site import AssociationAdminMixin

from .models import ApiToken, RoleGrant, User


class RoleGrantInline(AssociationAdminMixin, admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(AssociationAdminMixin, BaseUserAdmin):
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

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            audit.record_list_view(
                User, [obj.pk for obj in changelist.result_list], query=changelist.query
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        if user is not None:
            audit.record_view(user, action="accounts.user.view_admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ApiToken)
class ApiTokenAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "key_id", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "key_id", "created_at", "last_used_at", "expires_at")
    exclude = ("digest",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


# Roles are RoleGrants, not Django groups: hide the unused table.
admin.site.unregister(Group)
