"""Every second factor the issue names is on offer: TOTP, passkeys (WebAuthn), recovery codes."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from medcyber.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _sign_in(client, user) -> None:
    client.post(
        reverse("account_login"), {"login": user.email, "password": factories.TEST_PASSWORD}
    )


def test_the_sign_in_page_offers_a_passkey(client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert 'id="passkey_login"' in page
    assert "パスキーでログイン" in page


def test_a_member_can_add_a_passkey(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    _sign_in(client, user)
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    assert "credential" in response.content.decode()  # the WebAuthn creation options


def test_activating_totp_also_issues_recovery_codes(client) -> None:
    user = factories.staff_user(Role.AUDITOR, mfa=False)
    _sign_in(client, user)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": factories.totp_code(secret)})
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = Authenticator.objects.get(user=user, type="recovery_codes")
    assert RecoveryCodes(codes).get_unused_codes()[0] in page


def test_a_recovery_code_signs_a_staff_member_in(client) -> None:
    user = factories.staff_user(Role.DESK_TIER1)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    _sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
