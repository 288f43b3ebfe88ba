from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from medcyber.core import audit
from medcyber.core.admin_site import AssociationAdminMixin

from .models import (
    DistrictAssociation,
    Facility,
    FacilityManagement,
    FacilityStaff,
    Member,
    PrefecturalAssociation,
)


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
class MemberAdmin(AssociationAdminMixin, admin.ModelAdmin):
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

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            audit.record_list_view(
                Member, [obj.pk for obj in changelist.result_list], query=changelist.query
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        member = self.get_object(request, object_id)
        if member is not None:
            audit.record_view(member, action="registry.member.view_admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Facility)
class FacilityAdmin(AssociationAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "medical_institution_code", "prefecture", "phone", "status")
    list_filter = ("kind", "prefecture", "status")
    search_fields = ("name", "name_kana", "medical_institution_code", "phone")
    inlines = (ManagementInline, StaffInline)
