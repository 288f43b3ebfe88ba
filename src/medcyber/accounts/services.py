"""Account use cases: API tokens, roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, RoleGrant


@transaction.atomic
def issue_api_token(
    *, user: Any, name: str, expires_at: dt.datetime | None
) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name, expires_at=expires_at)


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def grant_role(*, user: Any, role: str) -> RoleGrant:
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=role)
    user.forget_cached_permissions()
    return grant
