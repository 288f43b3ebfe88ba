"""Staff see no programme data until they have a second factor (REG-4, regulations §4)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths a staff member without a second factor may still use: signing in and out, setting up
# the factor itself, switching language, static files and the health check.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_programme_staff  # type: ignore[union-attr]
            and not user.mfa_enabled  # type: ignore[union-attr]
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("職員のアカウントは二要素認証の設定が必要です。")}, status=403
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
