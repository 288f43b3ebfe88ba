"""Staff screens of the registry (mounted at /staff/registry/)."""

from django.urls import path, re_path

from . import staff_views

app_name = "registry"

urlpatterns = [
    path("members/", staff_views.member_search, name="member_search"),
    path("members/<int:pk>/", staff_views.member_detail, name="member_detail"),
    path("facilities/", staff_views.facility_search, name="facility_search"),
    path("facilities/<int:pk>/", staff_views.facility_detail, name="facility_detail"),
    re_path(
        r"^export/(?P<kind>members|facilities|links)\.(?P<fmt>csv|xlsx)$",
        staff_views.registry_export,
        name="export",
    ),
]
