from django.urls import path

from . import track_views, views

app_name = "training"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/export.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/report.pdf", views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("domains/", views.domain_list, name="domain_list"),
    path("domains/<int:pk>/verify/", views.domain_verify, name="domain_verify"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    # public, reached only through the per-recipient token of a training mail
    path("t/o/<str:token>.gif", track_views.open_pixel, name="open"),
    path("t/c/<str:token>/", track_views.click, name="click"),
    path("t/s/<str:token>/", track_views.submit, name="submit"),
    path("t/l/<str:token>/", track_views.learn, name="learn"),
    path("t/r/<str:token>/", track_views.report, name="report"),
]
