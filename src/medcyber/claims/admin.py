from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from medcyber.core.admin_mixins import AssociationAdminMixin, PersonalDataAdminMixin

from .models import FROZEN_FIELDS, PaymentBatch, PaymentSchedule, PaymentTransfer


@admin.register(PaymentSchedule)
class PaymentScheduleAdmin(AssociationAdminMixin, admin.ModelAdmin):
    """Association administrators keep the amounts; a row a decision used stays as it was."""

    list_display = (
        "version",
        "kind",
        "valid_from",
        "valid_until",
        "base_amount",
        "closure_per_day",
        "closure_cap",
        "closure_flat",
        "first_used_at",
    )
    list_filter = ("kind",)
    readonly_fields = ("first_used_at", "last_used_at")
    actions = None  # the bulk delete action would go round the per-row check

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(self.readonly_fields)
        if obj is not None and obj.in_use:
            fields += FROZEN_FIELDS
            if obj.valid_until is not None:
                fields += ("valid_until",)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.in_use:
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdminMixin:
    """Batches change only through the services (export, bank confirmation), never by hand."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransferInline(ReadOnlyAdminMixin, AssociationAdminMixin, admin.TabularInline):
    model = PaymentTransfer
    extra = 0
    fields = (
        "position",
        "facility",
        "bank_code",
        "branch_code",
        "account_type",
        "account_number",
        "holder_name",
        "amount",
        "status",
        "failure_reason",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return PaymentTransfer.unscoped.select_related("facility")


@admin.register(PaymentBatch)
class PaymentBatchAdmin(
    ReadOnlyAdminMixin, PersonalDataAdminMixin, AssociationAdminMixin, admin.ModelAdmin
):
    list_display = ("pk", "created_at", "transfer_date", "transfer_count", "total_amount", "status")
    list_filter = ("status",)
    inlines = (TransferInline,)
