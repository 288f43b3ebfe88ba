"""Pages of the guideline app: facilities' self-assessment and assets (/guideline/), the
vendor's link (/guideline/vendor/…), the association's screens (/staff/guideline/)."""

from django.urls import path

from . import alert_views, asset_views, question_views, staff_views, views

app_name = "guideline"

urlpatterns = [
    path("guideline/", views.home, name="home"),
    path(
        "guideline/facilities/<int:pk>/warnings/<int:finding_pk>/",
        views.finding_update,
        name="finding_update",
    ),
    path(
        "guideline/facilities/<int:pk>/vendor-parts/<int:part_pk>/",
        views.vendor_part,
        name="vendor_part",
    ),
    path(
        "guideline/facilities/<int:pk>/vendor-parts/<int:part_pk>/requests/<int:request_pk>/revoke/",
        views.vendor_request_revoke,
        name="vendor_request_revoke",
    ),
    path("guideline/facilities/<int:pk>/assets/", views.asset_list, name="asset_list"),
    path("guideline/facilities/<int:pk>/assets/import/", views.asset_import, name="asset_import"),
    path(
        "guideline/facilities/<int:pk>/assets/new/", asset_views.asset_create, name="asset_create"
    ),
    path(
        "guideline/facilities/<int:pk>/assets/<int:asset_pk>/edit/",
        asset_views.asset_edit,
        name="asset_edit",
    ),
    path(
        "guideline/facilities/<int:pk>/assets/<int:asset_pk>/retire/",
        asset_views.asset_retire,
        name="asset_retire",
    ),
    path("guideline/vendor/<str:token>/", views.vendor_fill, name="vendor_fill"),
    path("staff/guideline/checklists/", staff_views.checklist_list, name="checklist_list"),
    path("staff/guideline/overview/", staff_views.overview, name="overview"),
    path("staff/guideline/overview/items.csv", staff_views.overview_csv, name="overview_csv"),
    path(
        "staff/guideline/kev-alerts/<int:pk>/<slug:action>/",
        alert_views.kev_alert_decide,
        name="kev_alert_decide",
    ),
    path("staff/guideline/overview/trends/", staff_views.overview_trends, name="overview_trends"),
    path(
        "staff/guideline/overview/prefectures.csv",
        staff_views.overview_trend_csv,
        name="overview_trend_csv",
    ),
    # last: <slug:code>/<int:year> would take any other two path segments
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/",
        views.assessment,
        name="assessment",
    ),
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/print/",
        views.assessment_print,
        name="assessment_print",
    ),
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/checklist.pdf",
        views.assessment_pdf,
        name="assessment_pdf",
    ),
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/checklist.xlsx",
        views.assessment_xlsx,
        name="assessment_xlsx",
    ),
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/vendor-requests/",
        views.vendor_request_create,
        name="vendor_request_create",
    ),
    path(
        "guideline/facilities/<int:pk>/<slug:code>/<int:year>/items/<slug:key>/question/",
        question_views.item_question,
        name="item_question",
    ),
]
