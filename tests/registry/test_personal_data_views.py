"""Every view of a person's data by someone else enters the audit trail (ADM-3)."""

from __future__ import annotations

import pytest

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_admin_list_of_members_records_who_was_shown(client) -> None:
    shown = [factories.MemberFactory(), factories.MemberFactory()]
    admin_user = factories.staff_user(Role.ASSOCIATION_ADMIN)
    client.force_login(admin_user)
    assert client.get("/admin/registry/member/", {"q": "山田"}).status_code == 200
    event = AuditEvent.objects.get(action="registry.member.list")
    assert event.actor_id == admin_user.pk
    assert sorted(event.changes["ids"]) == sorted(str(m.pk) for m in shown)
    assert event.changes["query"] == "山田"


def test_opening_a_member_in_the_admin_is_recorded(client) -> None:
    member = factories.MemberFactory()
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    assert client.get(f"/admin/registry/member/{member.pk}/change/").status_code == 200
    assert AuditEvent.objects.filter(
        action="registry.member.view_admin", object_id=str(member.pk)
    ).exists()


def test_opening_a_user_in_the_admin_is_recorded(client) -> None:
    user = factories.UserFactory()
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.user.view_admin", object_id=str(user.pk)
    ).exists()


def test_desk_staff_seeing_a_facilitys_manager_is_recorded(client) -> None:
    _user, member, facility = factories.member_with_facility()
    operator = factories.staff_user(Role.DESK_TIER1)
    client.force_login(operator)
    page = client.get(f"/facilities/{facility.pk}/")
    assert member.family_name in page.content.decode()
    event = AuditEvent.objects.get(action="registry.member.view_on_facility")
    assert (event.actor_id, event.object_id) == (operator.pk, str(member.pk))


def test_members_looking_at_their_own_record_are_not_logged_as_a_view(client) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    assert client.get(f"/facilities/{facility.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(kind="view").exists()


def test_a_facilitys_admin_page_records_the_people_its_inlines_show(client) -> None:
    _user, member, facility = factories.member_with_facility()
    staff = factories.UserFactory()
    factories.link_staff(facility, staff)
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    assert client.get(f"/admin/registry/facility/{facility.pk}/change/").status_code == 200
    shown = {
        event.object_type: event.changes["ids"]
        for event in AuditEvent.objects.filter(kind="view", changes__via="facility")
    }
    assert shown == {"registry.member": [str(member.pk)], "accounts.user": [str(staff.pk)]}


def test_member_autocomplete_in_the_admin_records_who_was_listed(client) -> None:
    found = factories.MemberFactory(family_name="鈴木")
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "registry",
            "model_name": "facilitymanagement",
            "field_name": "member",
            "term": "鈴木",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"].startswith("鈴木")
    event = AuditEvent.objects.get(action="registry.member.list", changes__via="autocomplete")
    assert event.changes["ids"] == [str(found.pk)]
