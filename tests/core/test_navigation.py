"""The main menu: the training entry for those who run a facility's training, without asking
the database for it on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.registry.choices import FacilityStaffRole
from tests import factories

pytestmark = pytest.mark.django_db

TRAINING = reverse("training:campaign_list")


def _training_queries(captured: CaptureQueriesContext) -> list[str]:
    """training.access.training_facility_ids: facility-admin links (by role) and managed
    facilities (the portal's banners ask for the reader's facilities, of any role)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if '"registry_facilitystaff"."role" =' in q["sql"] and " UNION " in q["sql"]
    ]


def test_a_facility_manager_sees_the_training_entry_asked_once_a_minute(client: Any) -> None:
    user, _member, _facility = factories.member_with_facility()
    client.force_login(user)
    assert TRAINING in client.get(reverse("dashboard")).content.decode()
    with CaptureQueriesContext(connection) as again:
        page = client.get(reverse("api_tokens")).content.decode()
    assert TRAINING in page
    assert _training_queries(again) == []


def test_staff_who_run_no_training_do_not_see_the_entry(client: Any) -> None:
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    for _n in range(2):  # asked, then from the cache
        assert TRAINING not in client.get(reverse("desk:queue")).content.decode()


def test_association_admins_see_the_entry_from_their_roles_alone(client: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("dashboard")).content.decode()
    assert TRAINING in page
    assert _training_queries(first) == []


def test_a_new_facility_admin_sees_the_entry_once_the_minute_has_passed(client: Any) -> None:
    user = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    client.force_login(user)
    assert TRAINING not in client.get(reverse("dashboard")).content.decode()
    factories.link_staff(factories.FacilityFactory(), user, role=FacilityStaffRole.ADMIN)
    cache.delete_many([k for k in _nav_keys(user.pk)])  # the minute has passed
    assert TRAINING in client.get(reverse("dashboard")).content.decode()


def _nav_keys(user_pk: int) -> list[str]:
    from django.utils import timezone

    return [f"nav:training:{user_pk}:{timezone.localdate():%Y%m%d}"]
