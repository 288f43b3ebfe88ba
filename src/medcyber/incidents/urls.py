from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.incident_create, name="create"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="edit"),
    path("incidents/<int:pk>/status/", views.incident_status, name="status"),
    path(
        "incidents/<int:pk>/obligations/<slug:code>/",
        views.obligation_update,
        name="obligation_update",
    ),
    path("incidents/<int:pk>/jma-report/", views.jma_report, name="jma_report"),
    path("incidents/<int:pk>/drafts/", views.report_drafts, name="drafts"),
    path("incidents/<int:pk>/drafts/<slug:which>.pdf", views.draft_pdf, name="draft_pdf"),
    path("staff/incidents/jma-reports/", views.jma_report_list, name="jma_report_list"),
]
