from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are issued by the association (registry import, staff); the portal's
        # self-registration (portal.registration_views) is the one open path.
        return bool(getattr(request, "portal_signup", False))

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # A full sign-in (password, and the second factor where there is one) counts as a fresh
        # authentication for the next few minutes: staff sent to set up their first factor, then
        # shown their recovery codes, are not asked for the password again. Later changes are.
        request = getattr(self, "request", None)
        if (
            request is not None
            and request.user.is_authenticated
            and self._signed_in_recently(request)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    @staticmethod
    def _signed_in_recently(request: HttpRequest) -> bool:
        records = get_authentication_records(request, request.user)
        if not records:
            return False
        age = time.time() - records[-1]["at"]
        return age < account_settings.REAUTHENTICATION_TIMEOUT
