"""Personal API tokens: shown once, stored hashed, revocable, expiring."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medcyber.accounts.models import ApiToken
from medcyber.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _get_me(client, token: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_is_stored_only_as_a_digest() -> None:
    user = factories.UserFactory()
    token, plain = ApiToken.issue(user=user, name="院内システム")
    secret = plain.split("_", 2)[2]
    assert secret not in token.digest
    assert secret not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_a_token_signs_in_to_the_api(client) -> None:
    user = factories.UserFactory(email="clinic@example.jp")
    _token, plain = ApiToken.issue(user=user, name="院内システム")
    response = _get_me(client, plain)
    assert response.status_code == 200
    assert response.json()["email"] == "clinic@example.jp"
    assert ApiToken.objects.get(user=user).last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda plain: plain[:-1] + ("A" if plain[-1] != "A" else "B"),
        lambda plain: "xyz" + plain[3:],
        lambda plain: "garbage",
    ],
)
def test_a_wrong_token_is_refused(client, mangle) -> None:
    _token, plain = ApiToken.issue(user=factories.UserFactory(), name="x")
    response = _get_me(client, mangle(plain))
    assert response.status_code == 401
    assert response.json()["detail"] == "認証が必要です。"


def test_a_revoked_or_expired_token_is_refused(client) -> None:
    user = factories.UserFactory()
    revoked, revoked_plain = ApiToken.issue(user=user, name="old")
    client.force_login(user)
    assert client.post(f"/account/tokens/{revoked.pk}/revoke/").status_code == 302
    client.logout()
    assert _get_me(client, revoked_plain).status_code == 401
    _expired, expired_plain = ApiToken.issue(
        user=user, name="short", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _get_me(client, expired_plain).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client) -> None:
    user = factories.UserFactory()
    _token, plain = ApiToken.issue(user=user, name="x")
    user.is_active = False
    user.save()
    assert _get_me(client, plain).status_code == 401


def test_api_calls_with_a_token_are_audited_as_the_tokens_owner(client) -> None:
    user, _member, facility = factories.member_with_facility()
    _token, plain = ApiToken.issue(user=user, name="x")
    client.get(f"/api/v1/facilities/{facility.pk}", HTTP_AUTHORIZATION=f"Bearer {plain}")
    user.email = "changed@example.jp"
    # A change made later in a token-authenticated request is attributed to the owner:
    response = _get_me(client, plain)
    assert response.status_code == 200
