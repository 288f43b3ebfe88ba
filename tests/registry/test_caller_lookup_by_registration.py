"""The desk's phone intake finds a caller by their 医籍番号 (callers give it; regulations §7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.desk.callers import find_callers
from tests import factories

pytestmark = pytest.mark.django_db


def test_find_callers_matches_the_registration_number_in_any_width() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    _user, member, facility = factories.member_with_facility()
    member.medical_registration_number = "456789"
    member.save()
    for query in ("456789", "４５６７８９"):
        keys = [match.key for match in find_callers(operator, query)]
        assert f"{facility.pk}:{member.pk}" in keys, query
    assert find_callers(operator, "45678") == []  # the whole number, not a prefix


def test_the_phone_intake_page_lists_the_caller(client: Any) -> None:
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    _user, member, facility = factories.member_with_facility()
    member.medical_registration_number = "123456"
    member.save()
    response = client.get(
        reverse("desk:phone_intake"), {"q": "123456"}, headers={"HX-Request": "true"}
    )
    assert f'value="{facility.pk}:{member.pk}"' in response.content.decode()
