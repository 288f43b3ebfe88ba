from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/new/<int:incident_pk>/", views.claim_create, name="create"),
    path("claims/new/<int:incident_pk>/preview/", views.claim_preview, name="preview"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="review"),
    path("claims/<int:pk>/supply/", views.claim_supply, name="supply"),
    path("claims/<int:pk>/letters/<slug:which>.pdf", views.claim_letter, name="letter"),
]
