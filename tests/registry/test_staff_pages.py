"""Association staff open a member's page and a facility's page (issue 3, part 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import REGISTRY_ROLES, Role
from medcyber.core.models import AuditEvent
from medcyber.registry.choices import FacilityStaffRole, ManagementRelation
from tests import factories

pytestmark = pytest.mark.django_db


def member_url(pk: int) -> str:
    return reverse("registry:member_detail", kwargs={"pk": pk})


def facility_url(pk: int) -> str:
    return reverse("registry:facility_detail", kwargs={"pk": pk})


@pytest.fixture
def story() -> dict[str, Any]:
    """Dr 山田 founded あおば医院 in 2005 and handed it over to Dr 鈴木 in 2020; since then he
    runs さくら診療所. 鈴木 has no login account; あおば医院 has two staff accounts."""
    user, yamada, sakura = factories.member_with_facility(
        family_name="山田",
        given_name="太郎",
        email="yamada@example.jp",
        phone="03-1111-2222",
    )
    user.display_name = "山田先生"
    user.save()
    suzuki = factories.MemberFactory(
        family_name="鈴木", given_name="健", family_name_kana="スズキ", given_name_kana="ケン"
    )
    aoba = factories.FacilityFactory(name="あおば医院", name_kana="アオバイイン")
    factories.manage(
        aoba,
        yamada,
        valid_from=dt.date(2005, 4, 1),
        valid_to=dt.date(2020, 3, 31),
        relation=ManagementRelation.FOUNDER,
    )
    factories.manage(aoba, suzuki, valid_from=dt.date(2020, 4, 1))
    admin = factories.UserFactory(
        email="jimu@aoba.example.jp", display_name="あおば事務長", roles=[Role.FACILITY_ADMIN]
    )
    clerk = factories.UserFactory(email="uketsuke@aoba.example.jp", roles=[Role.FACILITY_STAFF])
    factories.link_staff(aoba, admin, role=FacilityStaffRole.ADMIN)
    factories.link_staff(aoba, clerk, valid_to=dt.date(2023, 3, 31))
    return {
        "yamada": yamada,
        "suzuki": suzuki,
        "sakura": sakura,
        "aoba": aoba,
        "users": [admin, clerk],
        "yamada_user": user,
    }


@pytest.fixture
def desk(client: Any) -> Any:
    client.force_login(factories.staff_user(Role.DESK_TIER2))
    return client


# --- who may open the pages ------------------------------------------------------------------
@pytest.mark.parametrize("role", sorted(REGISTRY_ROLES))
def test_registry_roles_open_member_and_facility_pages(
    client: Any, story: dict[str, Any], role: str
) -> None:
    client.force_login(factories.staff_user(role))
    assert client.get(member_url(story["yamada"].pk)).status_code == 200
    assert client.get(facility_url(story["aoba"].pk)).status_code == 200


@pytest.mark.parametrize("role", [Role.FACILITY_ADMIN, Role.FACILITY_STAFF, Role.CONTENT_EDITOR])
def test_other_roles_are_refused_even_for_their_own_facility(
    client: Any, story: dict[str, Any], role: str
) -> None:
    by_role = {Role.FACILITY_ADMIN: story["users"][0], Role.FACILITY_STAFF: story["users"][1]}
    user = by_role.get(role) or factories.staff_user(role)
    client.force_login(user)
    assert client.get(member_url(story["suzuki"].pk)).status_code == 403
    assert client.get(facility_url(story["aoba"].pk)).status_code == 403
    assert not AuditEvent.objects.filter(kind="view").exists()


def test_members_cannot_open_the_staff_page_even_about_themselves(
    client: Any, story: dict[str, Any]
) -> None:
    client.force_login(story["yamada_user"])
    assert client.get(member_url(story["yamada"].pk)).status_code == 403
    assert client.get(facility_url(story["sakura"].pk)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, story: dict[str, Any]) -> None:
    for url in (member_url(story["yamada"].pk), facility_url(story["aoba"].pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_unknown_records_are_not_found(desk: Any) -> None:
    assert desk.get(member_url(999999)).status_code == 404
    assert desk.get(facility_url(999999)).status_code == 404


# --- the member page ---------------------------------------------------------------------------
def test_the_member_page_shows_identity_contact_and_account(
    desk: Any, story: dict[str, Any]
) -> None:
    body = desk.get(member_url(story["yamada"].pk)).content.decode()
    for text in (
        "山田 太郎",
        "ヤマダ タロウ",
        story["yamada"].membership_number,
        "A①会員",
        "東京都医師会",
        "在籍",
        "2010年4月1日",  # joined
        "yamada@example.jp",
        "03-1111-2222",
        "山田先生",  # the login account's display name
    ):
        assert text in body, text


def test_the_member_page_lists_every_facility_newest_first_with_ended_ones(
    desk: Any, story: dict[str, Any]
) -> None:
    response = desk.get(member_url(story["yamada"].pk))
    rows = response.context["page"].managements
    assert [(r.management.facility.name, r.current) for r in rows] == [
        (story["sakura"].name, True),
        ("あおば医院", False),
    ]
    body = response.content.decode()
    assert "2005年4月1日" in body
    assert "2020年3月31日" in body
    assert "開設者" in body
    assert facility_url(story["aoba"].pk) in body


def test_a_member_without_facilities_or_account_says_so(desk: Any) -> None:
    member = factories.MemberFactory()
    body = desk.get(member_url(member.pk)).content.decode()
    assert "開設・管理している施設の登録はありません。" in body
    assert "この会員のログインアカウントはありません。" in body


def test_opening_a_member_page_is_recorded(client: Any, story: dict[str, Any]) -> None:
    claims = factories.staff_user(Role.CLAIMS_REVIEWER)
    client.force_login(claims)
    client.get(member_url(story["yamada"].pk))
    event = AuditEvent.objects.get(action="registry.member.view_staff")
    assert (event.actor_id, event.object_id) == (claims.pk, str(story["yamada"].pk))


# --- the facility page -------------------------------------------------------------------------
def test_the_facility_page_shows_founders_and_managers_over_time(
    desk: Any, story: dict[str, Any]
) -> None:
    response = desk.get(facility_url(story["aoba"].pk))
    rows = response.context["page"].managements
    assert [(str(r.management.member), r.current) for r in rows] == [
        ("鈴木 健", True),
        ("山田 太郎", False),
    ]
    body = response.content.decode()
    assert "2020年4月1日" in body
    assert member_url(story["suzuki"].pk) in body


def test_the_facility_page_lists_its_accounts_including_ended_links(
    desk: Any, story: dict[str, Any]
) -> None:
    body = desk.get(facility_url(story["aoba"].pk)).content.decode()
    assert "jimu@aoba.example.jp" in body
    assert "あおば事務長" in body
    assert "uketsuke@aoba.example.jp" in body
    assert "2023年3月31日" in body


def test_a_facility_without_managers_or_accounts_says_so(desk: Any) -> None:
    facility = factories.FacilityFactory()
    body = desk.get(facility_url(facility.pk)).content.decode()
    assert "開設者・管理者の登録はありません。" in body
    assert "この施設に紐づくアカウントはありません。" in body
    assert not AuditEvent.objects.filter(kind="view").exists()


def test_every_person_shown_on_a_facility_page_is_recorded(
    desk: Any, story: dict[str, Any]
) -> None:
    desk.get(facility_url(story["aoba"].pk))
    managers = AuditEvent.objects.filter(action="registry.member.view_on_staff_facility")
    assert sorted(e.object_id for e in managers) == sorted(
        str(story[name].pk) for name in ("yamada", "suzuki")
    )
    accounts = AuditEvent.objects.get(action="accounts.user.list")
    assert sorted(accounts.changes["ids"]) == sorted(str(u.pk) for u in story["users"])
    assert accounts.changes["facility"] == story["aoba"].pk
