"""Staff screens of the registry (mounted at /staff/registry/)."""

from django.urls import path  # noqa: F401 - routes are added here

app_name = "registry"

urlpatterns: list = []
