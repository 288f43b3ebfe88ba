"""Free self-registration (PORTAL-2): anyone registers on the portal's own page with e-mail
verification; the account has no role and no facility until a facility admin links it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from medcyber.accounts.models import User
from medcyber.accounts.roles import Role
from medcyber.registry.choices import FacilityStaffRole
from medcyber.registry.models import FacilityStaff
from tests import factories

from .conftest import make_item, registered_user

pytestmark = pytest.mark.django_db

PASSWORD = "Kensa-Portal-2026!x"


def _register(client: Client, email: str = "hanako@example.jp") -> Any:
    return client.post(
        reverse("portal:signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_the_general_signup_page_stays_closed() -> None:
    response = Client().post(
        reverse("account_signup"),
        {"email": "x@example.jp", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="x@example.jp").exists()
    assert response.status_code in (200, 403)


def test_anyone_registers_and_verifies_their_address(editor: Any) -> None:
    item = make_item(editor, title="登録者向けの記事", audience="registered")
    client = Client()
    response = _register(client)
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    assert user.roles == frozenset()
    assert not FacilityStaff.unscoped.filter(user=user).exists()
    # not verified yet: registered users' items stay closed
    assert client.get(reverse("portal:item", args=[item.pk])).status_code == 404
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link is not None
    client.post(link.group(0).split("testserver", 1)[-1])
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("portal:item", args=[item.pk])).status_code == 200


def test_a_facility_admin_links_a_registered_user_as_staff() -> None:
    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    newcomer = registered_user("shinjin@example.jp")
    client = Client()
    client.force_login(admin)
    url = reverse("portal:facility_staff", args=[facility.pk])
    response = client.post(url, {"email": "SHINJIN@example.jp"}, follow=True)
    assert "施設の職員として登録しました" in response.content.decode()
    assert FacilityStaff.unscoped.filter(facility=facility, user=newcomer).exists()
    newcomer.forget_cached_permissions()
    assert newcomer.has_role(Role.FACILITY_STAFF)
    again = client.post(url, {"email": "shinjin@example.jp"})
    assert "すでにこの施設の職員です" in again.content.decode()


def test_unverified_addresses_and_staff_cannot_be_linked() -> None:
    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    registered_user("mada@example.jp", verified=False)
    desk = factories.staff_user(Role.DESK_TIER1)
    EmailAddress.objects.create(user=desk, email=desk.email, verified=True, primary=True)
    client = Client()
    client.force_login(admin)
    url = reverse("portal:facility_staff", args=[facility.pk])
    assert "見つかりません" in client.post(url, {"email": "mada@example.jp"}).content.decode()
    assert "紐づけられません" in client.post(url, {"email": desk.email}).content.decode()


def test_only_the_facilitys_admin_opens_the_page() -> None:
    _u, _m, facility = factories.member_with_facility()
    plain_staff = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, plain_staff)
    client = Client()
    client.force_login(plain_staff)
    assert client.get(reverse("portal:facility_staff", args=[facility.pk])).status_code == 404
