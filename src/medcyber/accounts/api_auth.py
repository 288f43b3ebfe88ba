"""How the API knows who calls: the browser's session, or a personal API token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from medcyber.core import audit
from medcyber.core.middleware import client_ip

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        if user.is_programme_staff and not user.mfa_enabled:
            raise HttpError(403, _("職員のアカウントは二要素認証の設定が必要です。"))
        request.user = user
        # The request's audit context was set before the token was read: name the caller now.
        audit_ctx = audit.context_for_user(
            user,
            ip_address=client_ip(request),
            request_id=audit.current_context().request_id,
        )
        audit.set_context(audit_ctx)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]
