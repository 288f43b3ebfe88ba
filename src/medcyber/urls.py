from django.contrib import admin
from django.urls import include, path

from medcyber.accounts import views as account_views
from medcyber.api import api
from medcyber.core import views as core_views
from medcyber.core import views_documents
from medcyber.registry import views as registry_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.ping, name="ping"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("facilities/<int:pk>/", registry_views.facility_detail, name="facility_detail"),
    path("staff/audit/", core_views.audit_search, name="audit_search"),
    path(
        "documents/<uuid:public_id>/",
        views_documents.document_download,
        name="document_download",
    ),
    path("staff/registry/", include("medcyber.registry.urls")),
    path("", include("medcyber.desk.urls")),
    path("", include("medcyber.incidents.urls")),
    path("training/", include("medcyber.training.urls")),
    path("", include("medcyber.guideline.urls")),
    path("portal/", include("medcyber.portal.urls")),
    path("", include("medcyber.claims.urls")),
    path("account/tokens/", account_views.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        account_views.revoke_api_token,
        name="api_token_revoke",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
