from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .admin_mixins import AssociationAdminMixin
from .models import AuditEvent, ProgrammeContact


@admin.register(ProgrammeContact)
class ProgrammeContactAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("desk_name", "desk_phone", "desk_hours", "office_phone", "updated_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and not ProgrammeContact.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "kind", "action", "object_repr")
    list_filter = ("kind",)
    search_fields = ("action", "actor_label", "object_type", "object_id")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
