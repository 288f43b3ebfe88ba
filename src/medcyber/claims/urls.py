from django.urls import path

from . import batch_views, views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/new/<int:incident_pk>/", views.claim_create, name="create"),
    path("claims/new/<int:incident_pk>/preview/", views.claim_preview, name="preview"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="review"),
    path("claims/<int:pk>/supply/", views.claim_supply, name="supply"),
    path("claims/<int:pk>/letters/<slug:which>.pdf", views.claim_letter, name="letter"),
    path("claims/batches/", batch_views.batch_list, name="batch_list"),
    path("claims/batches/new/", batch_views.batch_create, name="batch_create"),
    path("claims/batches/<int:pk>/", batch_views.batch_detail, name="batch_detail"),
    path("claims/batches/<int:pk>/file/", batch_views.batch_file, name="batch_file"),
    path("claims/batches/<int:pk>/paid/", batch_views.batch_paid, name="batch_paid"),
    path("claims/transfers/<int:pk>/failed/", batch_views.transfer_failed, name="transfer_failed"),
]
