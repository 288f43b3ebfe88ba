"""Association admins reset a staff member's lost second factor; the secret is never shown."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_association_admin_resets_a_lost_authenticator(client) -> None:
    admin_user = factories.staff_user(Role.ASSOCIATION_ADMIN)
    operator = factories.staff_user(Role.DESK_TIER1)
    authenticator = Authenticator.objects.get(user=operator)
    client.force_login(admin_user)
    url = f"/admin/mfa/authenticator/{authenticator.pk}/"
    page = client.get(f"{url}change/")
    assert page.status_code == 200
    assert authenticator.data["secret"] not in page.content.decode()
    response = client.post(f"{url}delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=operator).exists()
    event = AuditEvent.objects.get(action="mfa.authenticator.delete")
    assert event.actor_id == admin_user.pk
    assert event.object_id == str(operator.pk)
    # Without a factor the operator is sent to set one up again before seeing anything.
    client.force_login(operator)
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/totp/activate/"


def test_other_staff_cannot_reset_authenticators(client) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    authenticator = Authenticator.objects.get(user=operator)
    client.force_login(factories.staff_user(Role.AUDITOR))
    response = client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302  # to the sign-in page: the admin is not theirs
    assert Authenticator.objects.filter(user=operator).exists()
