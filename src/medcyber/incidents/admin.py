"""The rules table in the admin: association administrators edit it when the law changes
(a new row with its own effective dates, never an edit of the past)."""

from django.contrib import admin

from medcyber.core.admin_mixins import AssociationAdminMixin

from .models import LeakReportCriteria, ObligationRule


@admin.register(ObligationRule)
class ObligationRuleAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "condition",
        "timing",
        "days",
        "days_if_unlawful",
        "valid_from",
        "valid_to",
    )
    list_filter = ("code", "condition")


@admin.register(LeakReportCriteria)
class LeakReportCriteriaAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("persons_over", "attack_is_unlawful", "valid_from", "valid_to")
