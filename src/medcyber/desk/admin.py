"""Desk hours and SLA targets are data the association edits (DESK-3); cases are worked on
the desk's own screens, not here."""

from django.contrib import admin

from medcyber.core.admin_mixins import AssociationAdminMixin

from .models import Answer, DeskHours, ReferralPartner, SlaTarget


@admin.register(DeskHours)
class DeskHoursAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("effective_from", "opens", "closes", "weekdays", "open_on_holidays")


@admin.register(SlaTarget)
class SlaTargetAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("severity", "category", "first_response_minutes", "resolution_minutes")
    list_filter = ("severity",)


@admin.register(ReferralPartner)
class ReferralPartnerAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "regions", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "regions", "specialities")


@admin.register(Answer)
class AnswerAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("title", "category", "published", "updated_at")
    list_filter = ("category", "published")
    search_fields = ("title",)
