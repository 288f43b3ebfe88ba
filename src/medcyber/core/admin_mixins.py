"""Mixins for the model admins of medcyber's apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from . import audit
from .admin_site import is_association_admin


class AssociationAdminMixin:
    """Model admins of our apps: open to association administrators, closed to the rest."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_association_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_association_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_association_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_association_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_association_admin(request.user)


class PersonalDataAdminMixin:
    """Admins of people (members, users): every list and page shown enters the audit trail."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            audit.record_list_view(
                self.model,  # type: ignore[attr-defined]
                [obj.pk for obj in changelist.result_list],
                query=changelist.query,
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is not None:
            audit.record_view(obj, action=f"{audit.object_label(obj)}.view_admin")
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        results, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        # The autocomplete boxes of other admins list people found here: record who was shown.
        if request.path.endswith("/autocomplete/"):
            audit.record_list_view(
                self.model,  # type: ignore[attr-defined]
                list(results.values_list("pk", flat=True)[:20]),
                query=search_term,
                via="autocomplete",
            )
        return results, may_have_duplicates
