"""Roles and second factors are read from the shared cache, and every change to them takes
effect on the very next request (accounts/access.py)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medcyber.accounts import access
from medcyber.accounts.models import RoleGrant
from medcyber.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

ACCESS_TABLES = ("accounts_rolegrant", "mfa_authenticator")


def _access_queries(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in ACCESS_TABLES)
    ]


def test_a_signed_in_request_reads_roles_and_second_factor_from_the_cache(client: Any) -> None:
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    assert client.get("/api/v1/me").json()["roles"] == [Role.DESK_TIER1]
    with CaptureQueriesContext(connection) as again:
        body = client.get("/api/v1/me").json()
    assert body["roles"] == [Role.DESK_TIER1] and body["mfa_enabled"] is True
    assert _access_queries(again) == []


def test_a_revoked_role_takes_effect_on_the_very_next_request(client: Any) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    assert client.get(reverse("desk:queue")).status_code == 200
    RoleGrant.objects.get(user=operator, role=Role.DESK_TIER1).delete()
    assert client.get(reverse("desk:queue")).status_code == 403
    assert client.get("/api/v1/me").json()["roles"] == []


def test_a_granted_role_takes_effect_on_the_very_next_request(client: Any) -> None:
    user = factories.staff_user(Role.CONTENT_EDITOR)
    client.force_login(user)
    assert client.get(reverse("desk:queue")).status_code == 403
    RoleGrant.objects.create(user=user, role=Role.AUDITOR)
    assert client.get(reverse("desk:queue")).status_code == 200


def test_a_removed_second_factor_takes_effect_on_the_very_next_request(client: Any) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    assert client.get(reverse("desk:queue")).status_code == 200
    Authenticator.objects.get(user=operator).delete()
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/me").status_code == 403


def test_recovery_codes_alone_are_no_second_factor(client: Any) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    assert client.get("/api/v1/me").json()["mfa_enabled"] is True
    totp = Authenticator.objects.get(user=operator)
    Authenticator.objects.create(
        user=operator, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"}
    )
    totp.delete()
    assert client.get("/api/v1/me").status_code == 403


def test_a_state_read_before_the_change_committed_is_never_used(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Another process may read the database after the change began but before it
    committed, and store what it saw under the version of that moment: the version moves on
    again at the commit, so that copy is never asked for."""
    user = factories.staff_user(Role.DESK_TIER1)
    assert access.access_of(user.pk).roles == {Role.DESK_TIER1}
    with django_capture_on_commit_callbacks(execute=False) as at_commit:
        RoleGrant.objects.filter(user=user).get().delete()
        version = cache.get(f"accounts:access:version:{user.pk}")
        # what the other process stores: the roles it read before the commit
        cache.set(f"accounts:access:{user.pk}:{version}", ([Role.DESK_TIER1], True))
        assert access.access_of(user.pk).roles == {Role.DESK_TIER1}
    for callback in at_commit:
        callback()
    assert access.access_of(user.pk).roles == frozenset()


def test_without_the_version_in_the_cache_the_state_is_read_afresh() -> None:
    user = factories.staff_user(Role.AUDITOR)
    assert access.access_of(user.pk) == access.Access(frozenset({Role.AUDITOR}), True)
    cache.delete(f"accounts:access:version:{user.pk}")  # evicted
    RoleGrant.objects.filter(user=user).update(role=Role.CLAIMS_REVIEWER)  # no signal
    assert access.access_of(user.pk).roles == {Role.CLAIMS_REVIEWER}
