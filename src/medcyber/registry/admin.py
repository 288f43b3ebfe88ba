from django.contrib import admin

from medcyber.core.admin_mixins import AssociationAdminMixin, PersonalDataAdminMixin

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
    search_fields = ("name", "name_kana", "medical_institution_code", "phone")
    inlines = (ManagementInline, StaffInline)
