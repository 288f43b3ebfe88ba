"""The scoping rule itself: who sees which facilities and members (REG-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.scoping import UnscopedQueryError
from medcyber.registry import services
from medcyber.registry.choices import MemberStatus
from medcyber.registry.models import Facility, FacilityManagement, FacilityStaff, Member
from tests import factories

pytestmark = pytest.mark.django_db


def _visible(user) -> set[int]:
    return set(Facility.objects.visible_to(user).values_list("pk", flat=True))


def test_facility_owned_data_cannot_be_read_without_a_scope() -> None:
    factories.FacilityFactory()
    for queryset in (
        Facility.objects.all(),
        Member.objects.all(),
        FacilityManagement.objects.all(),
        FacilityStaff.objects.all(),
    ):
        with pytest.raises(UnscopedQueryError):
            list(queryset)
        with pytest.raises(UnscopedQueryError):
            queryset.count()
        with pytest.raises(UnscopedQueryError):
            queryset.exists()
    with pytest.raises(UnscopedQueryError):
        Facility.objects.filter(name__contains="診療所").first()


def test_a_member_sees_the_facilities_they_found_or_manage() -> None:
    user, member, facility = factories.member_with_facility()
    second = factories.FacilityFactory()
    factories.manage(second, member)
    factories.FacilityFactory()  # someone else's
    assert _visible(user) == {facility.pk, second.pk}


def test_a_member_stops_seeing_a_facility_when_their_management_ends() -> None:
    user, _member, facility = factories.member_with_facility()
    link = FacilityManagement.unscoped.get(facility=facility)
    link.valid_to = timezone.localdate() - dt.timedelta(days=1)
    link.save()
    assert _visible(user) == set()


def test_a_member_whose_membership_ended_sees_nothing() -> None:
    user, member, _facility = factories.member_with_facility()
    member.status = MemberStatus.WITHDRAWN
    member.save()
    assert _visible(user) == set()


def test_facility_staff_see_the_facilities_they_are_linked_to() -> None:
    facility = factories.FacilityFactory()
    other = factories.FacilityFactory()
    staff = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, staff)
    factories.link_staff(other, staff, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1))
    assert _visible(staff) == {facility.pk}
    # Links of a facility they no longer see are out of sight too.
    links = FacilityStaff.objects.visible_to(staff).values_list("facility", flat=True)
    assert set(links) == {facility.pk}


@pytest.mark.parametrize(
    "role",
    [
        Role.DESK_TIER1,
        Role.DESK_TIER2,
        Role.CLAIMS_REVIEWER,
        Role.CLAIMS_APPROVER,
        Role.ASSOCIATION_ADMIN,
        Role.AUDITOR,
    ],
)
def test_programme_staff_with_a_second_factor_see_every_facility(role: str) -> None:
    facilities = {factories.FacilityFactory().pk for _ in range(3)}
    assert _visible(factories.staff_user(role)) == facilities


@pytest.mark.parametrize("role", [Role.DESK_TIER1, Role.ASSOCIATION_ADMIN])
def test_programme_staff_without_a_second_factor_see_none(role: str) -> None:
    factories.FacilityFactory()
    assert _visible(factories.staff_user(role, mfa=False)) == set()


def test_content_editors_see_no_facility_data() -> None:
    factories.FacilityFactory()
    assert _visible(factories.staff_user(Role.CONTENT_EDITOR)) == set()


def test_anonymous_and_inactive_users_see_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    user, _member, _facility = factories.member_with_facility()
    assert _visible(AnonymousUser()) == set()
    user.is_active = False
    user.save()
    assert _visible(user) == set()


def test_members_see_only_their_own_member_record() -> None:
    user, member, _facility = factories.member_with_facility()
    factories.MemberFactory()
    assert list(Member.objects.visible_to(user)) == [member]
    assert Member.objects.visible_to(factories.staff_user(Role.DESK_TIER1)).count() == 2


def test_a_facility_has_one_founder_or_manager_at_any_date() -> None:
    _user, _member, facility = factories.member_with_facility()  # from 2015-04-01, open-ended
    successor = factories.MemberFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.assign_manager(facility=facility, member=successor, valid_from=dt.date(2024, 4, 1))
    assert "すでに別の開設者・管理者" in str(excinfo.value)
    link = FacilityManagement.unscoped.get(facility=facility)
    link.valid_to = dt.date(2024, 3, 31)
    link.save()
    services.assign_manager(facility=facility, member=successor, valid_from=dt.date(2024, 4, 1))
    assert FacilityManagement.unscoped.filter(facility=facility).count() == 2
