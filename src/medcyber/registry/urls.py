"""Staff screens of the registry (mounted at /staff/registry/)."""

from django.urls import path, re_path

from . import staff_views

app_name = "registry"

urlpatterns = [
    path("members/", staff_views.member_search, name="member_search"),
    path("members/<int:pk>/", staff_views.member_detail, name="member_detail"),
    path("facilities/", staff_views.facility_search, name="facility_search"),
    path("facilities/<int:pk>/", staff_views.facility_detail, name="facility_detail"),
    path("imports/", staff_views.import_list, name="import_list"),
    path("imports/<int:pk>/", staff_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", staff_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/errors.csv", staff_views.import_errors_csv, name="import_errors"),
    path("exports/", staff_views.export_list, name="export_list"),
    path("exports/<int:pk>/", staff_views.export_detail, name="export_detail"),
    re_path(
        r"^export/(?P<kind>members|facilities|links)\.(?P<fmt>csv|xlsx)$",
        staff_views.registry_export,
        name="export",
    ),
]
