"""Staff see no programme data until they have a second factor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client) -> None:
    user = factories.staff_user(Role.CLAIMS_REVIEWER, mfa=False)
    client.post("/accounts/login/", {"login": user.email, "password": factories.TEST_PASSWORD})
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_without_a_second_factor_are_refused_by_the_api(client) -> None:
    client.force_login(factories.staff_user(Role.DESK_TIER1, mfa=False))
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "二要素認証" in response.json()["detail"]


def test_staff_with_a_second_factor_go_about_their_work(client) -> None:
    client.force_login(factories.staff_user(Role.CLAIMS_REVIEWER))
    assert client.get(reverse("dashboard")).status_code == 200


def test_members_may_add_a_second_factor_but_are_not_forced_to(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_signing_in_with_a_second_factor_asks_for_the_code(client) -> None:
    user = factories.staff_user(Role.AUDITOR, mfa=False)
    secret = factories.enrol_totp(user)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": factories.TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_code_that_activated_totp_cannot_be_used_again(client) -> None:
    import pyotp

    user = factories.staff_user(Role.DESK_TIER2, mfa=False)
    client.post("/accounts/login/", {"login": user.email, "password": factories.TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    code = pyotp.TOTP(secret).now()
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    client.post(reverse("account_logout"))
    client.post("/accounts/login/", {"login": user.email, "password": factories.TEST_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_recovery_codes_are_shown_right_after_activation_without_a_password_prompt(client) -> None:
    user = factories.staff_user(Role.DESK_TIER2, mfa=False)
    client.post("/accounts/login/", {"login": user.email, "password": factories.TEST_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": factories.totp_code(secret)})
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
