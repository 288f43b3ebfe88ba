from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import audit


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Tells the audit trail who acts in this request and from where."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        context = audit.context_for_user(
            request.user, ip_address=client_ip(request), request_id=request_id
        )
        with audit.acting_as(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
