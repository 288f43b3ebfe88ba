"""The API's shape: /api/v1/, OpenAPI, session and token sign-in, Japanese errors."""

from __future__ import annotations

import pytest

from medcyber.accounts.models import ApiToken
from medcyber.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_openapi_document_lists_the_routes(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/facilities", "/api/v1/facilities/{facility_id}"} <= set(paths)


def test_me_with_the_browser_session(client) -> None:
    user, member, _facility = factories.member_with_facility()
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["email"] == user.email
    assert body["roles"] == [Role.MEMBER]
    assert body["membership_number"] == member.membership_number


def test_without_sign_in_the_api_answers_401_in_japanese(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "認証が必要です。"}


def test_and_in_english_when_asked(client) -> None:
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Authentication is required."}


def test_facilities_lists_only_the_callers_facilities(client) -> None:
    user, _member, facility = factories.member_with_facility()
    factories.FacilityFactory(name="他院")
    _token, plain = ApiToken.issue(user=user, name="x")
    response = client.get("/api/v1/facilities", HTTP_AUTHORIZATION=f"Bearer {plain}")
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == facility.pk
    assert body["items"][0]["kind_label"] == "診療所"


def test_another_tenants_facility_is_not_found(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    other = factories.FacilityFactory()
    client.force_login(user)
    assert client.get(f"/api/v1/facilities/{other.pk}").status_code == 404


def test_a_malformed_id_gets_a_validation_error_in_japanese(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    client.force_login(user)
    response = client.get("/api/v1/facilities/not-a-number")
    assert response.status_code == 422
    assert response.json()["detail"] == "入力内容に誤りがあります。"


def test_pagination_is_validated(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    client.force_login(user)
    assert client.get("/api/v1/facilities?limit=-5").status_code == 422
