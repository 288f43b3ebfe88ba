from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from medcyber.core import audit
from medcyber.core.admin_mixins import AssociationAdminMixin, PersonalDataAdminMixin

from .models import (
    DistrictAssociation,
    Facility,
    FacilityManagement,
    FacilityStaff,
    Member,
    PrefecturalAssociation,
)

User = get_user_model()


class DistrictInline(AssociationAdminMixin, admin.TabularInline):
    model = DistrictAssociation
    extra = 0


@admin.register(PrefecturalAssociation)
class PrefecturalAssociationAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("prefecture", "name")
    inlines = (DistrictInline,)


@admin.register(DistrictAssociation)
class DistrictAssociationAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "prefectural")
    list_filter = ("prefectural",)
    search_fields = ("name", "name_kana")


class ManagementInline(AssociationAdminMixin, admin.TabularInline):
    model = FacilityManagement
    extra = 0
    autocomplete_fields = ("member",)


class StaffInline(AssociationAdminMixin, admin.TabularInline):
    model = FacilityStaff
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Member)
class MemberAdmin(PersonalDataAdminMixin, AssociationAdminMixin, admin.ModelAdmin):
    list_display = (
        "membership_number",
        "family_name",
        "given_name",
        "member_class",
        "prefectural_association",
        "status",
    )
    list_filter = ("member_class", "status", "prefectural_association")
    search_fields = (
        "membership_number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
    )
    autocomplete_fields = ("user", "district_association")
    list_select_related = ("prefectural_association",)


@admin.register(Facility)
class FacilityAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "medical_institution_code", "prefecture", "phone", "status")
    list_filter = ("kind", "prefecture", "status")
    search_fields = (
        "name",
        "name_kana",
        "medical_institution_code",
        "care_provider_number",
        "phone",
    )
    inlines = (ManagementInline, StaffInline)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        facility = self.get_object(request, object_id)
        if facility is not None:
            # The inlines show the founders/managers and the staff accounts: people.
            members = list(facility.managements.values_list("member_id", flat=True))
            users = list(facility.staff_links.values_list("user_id", flat=True))
            if members:
                audit.record_list_view(Member, members, facility=facility.pk, via="facility")
            if users:
                audit.record_list_view(User, users, facility=facility.pk, via="facility")
        return super().change_view(request, object_id, form_url, extra_context)
