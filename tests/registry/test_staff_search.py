"""Association staff search the registry for members and facilities (issue 3, part 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import REGISTRY_ROLES, Role
from medcyber.core.models import AuditEvent
from medcyber.registry.choices import (
    FacilityKind,
    FacilityStatus,
    MemberClass,
    MemberStatus,
    Prefecture,
)
from medcyber.registry.search import normalise
from tests import factories

pytestmark = pytest.mark.django_db

MEMBERS = reverse("registry:member_search")
FACILITIES = reverse("registry:facility_search")


@pytest.fixture
def desk(client: Any) -> Any:
    """A signed-in desk operator (a registry role, second factor set up)."""
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    return client


def _shown(response: Any) -> list[str]:
    page = response.context["page"]
    return [] if page is None else [str(obj) for obj in page.object_list]


# --- who may search -----------------------------------------------------------------------
@pytest.mark.parametrize("url", [MEMBERS, FACILITIES])
@pytest.mark.parametrize("role", sorted(REGISTRY_ROLES))
def test_registry_roles_may_search(client: Any, role: str, url: str) -> None:
    client.force_login(factories.staff_user(role))
    response = client.get(url)
    assert response.status_code == 200
    assert "検索条件を1つ以上入力してください。" in response.content.decode()


@pytest.mark.parametrize("url", [MEMBERS, FACILITIES])
@pytest.mark.parametrize("role", [Role.MEMBER, Role.FACILITY_ADMIN, Role.FACILITY_STAFF])
def test_tenant_roles_are_refused(client: Any, role: str, url: str) -> None:
    user, _member, facility = factories.member_with_facility()
    if role != Role.MEMBER:
        user = factories.UserFactory(roles=[role])
        factories.link_staff(facility, user)
    client.force_login(user)
    assert client.get(url, {"q": "ヤマダ"}).status_code == 403
    assert not AuditEvent.objects.filter(kind="view").exists()


@pytest.mark.parametrize("url", [MEMBERS, FACILITIES])
def test_content_editors_are_refused(client: Any, url: str) -> None:
    client.force_login(factories.staff_user(Role.CONTENT_EDITOR))
    assert client.get(url, {"q": "ヤマダ"}).status_code == 403


@pytest.mark.parametrize("url", [MEMBERS, FACILITIES])
def test_anonymous_visitors_are_sent_to_sign_in(client: Any, url: str) -> None:
    response = client.get(url, {"q": "ヤマダ"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client: Any) -> None:
    client.force_login(factories.staff_user(Role.DESK_TIER1, mfa=False))
    response = client.get(MEMBERS, {"q": "ヤマダ"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- normalising what staff type ------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "kana", "digits"),
    [
        ("やまだ", "ヤマダ", ""),
        ("ﾔﾏﾀﾞ", "ヤマダ", ""),
        ("ヤマダ", "ヤマダ", ""),
        ("やまだ\u3000たろう", "ヤマダ タロウ", ""),
        ("  ﾊﾟｰﾌﾟﾙ  ", "パープル", ""),
        ("１３０００１２", "1300012", "1300012"),
        ("０３－３９４６－２１２１", "03-3946-2121", "0339462121"),
        ("さくら診療所", "サクラ診療所", ""),
    ],
)
def test_queries_are_normalised_for_width_and_kana(typed: str, kana: str, digits: str) -> None:
    query = normalise(typed)
    assert (query.kana, query.digits) == (kana, digits)


# --- members --------------------------------------------------------------------------------
@pytest.fixture
def people() -> dict[str, Any]:
    osaka = factories.PrefecturalAssociationFactory(
        prefecture=Prefecture.OSAKA, name="大阪府医師会"
    )
    return {
        "yamada": factories.MemberFactory(
            membership_number="1300012",
            family_name="山田",
            given_name="太郎",
            family_name_kana="ヤマダ",
            given_name_kana="タロウ",
        ),
        "yamamoto": factories.MemberFactory(
            membership_number="2700345",
            family_name="山本",
            given_name="花子",
            family_name_kana="ヤマモト",
            given_name_kana="ハナコ",
            member_class=MemberClass.B,
            prefectural_association=osaka,
        ),
        "sato": factories.MemberFactory(
            membership_number="1300999",
            family_name="佐藤",
            given_name="一郎",
            family_name_kana="サトウ",
            given_name_kana="イチロウ",
            status=MemberStatus.WITHDRAWN,
            valid_to=dt.date(2024, 3, 31),
        ),
    }


@pytest.mark.parametrize(
    "typed", ["やまだ", "ﾔﾏﾀﾞ", "ヤマダ", "ヤマダタロウ", "やまだ　た", "ﾔﾏﾀﾞ ﾀﾛｳ"]
)
def test_members_are_found_by_kana_whatever_the_script_or_width(
    desk: Any, people: dict[str, Any], typed: str
) -> None:
    assert _shown(desk.get(MEMBERS, {"q": typed})) == ["山田 太郎"]


def test_a_kana_prefix_finds_every_family_name_that_starts_with_it(
    desk: Any, people: dict[str, Any]
) -> None:
    assert _shown(desk.get(MEMBERS, {"q": "やま"})) == ["山田 太郎", "山本 花子"]


@pytest.mark.parametrize("typed", ["山田", "山田太郎", "山田　太郎", "太郎"])
def test_members_are_found_by_kanji_name(desk: Any, people: dict[str, Any], typed: str) -> None:
    assert _shown(desk.get(MEMBERS, {"q": typed})) == ["山田 太郎"]


@pytest.mark.parametrize("typed", ["1300012", "１３０００１２"])
def test_a_membership_number_finds_exactly_that_member(
    desk: Any, people: dict[str, Any], typed: str
) -> None:
    assert _shown(desk.get(MEMBERS, {"q": typed})) == ["山田 太郎"]


def test_the_start_of_a_membership_number_finds_every_member_it_begins(
    desk: Any, people: dict[str, Any]
) -> None:
    # in membership-number order: 1300012, 1300999
    assert _shown(desk.get(MEMBERS, {"q": "1300"})) == ["山田 太郎", "佐藤 一郎"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"member_class": MemberClass.B}, ["山本 花子"]),
        ({"prefecture": Prefecture.OSAKA}, ["山本 花子"]),
        ({"status": MemberStatus.WITHDRAWN}, ["佐藤 一郎"]),
        ({"q": "やま", "prefecture": Prefecture.TOKYO}, ["山田 太郎"]),
        ({"q": "やま", "status": MemberStatus.WITHDRAWN}, []),
    ],
)
def test_members_can_be_narrowed_by_class_prefecture_and_status(
    desk: Any, people: dict[str, Any], filters: dict[str, str], expected: list[str]
) -> None:
    assert _shown(desk.get(MEMBERS, filters)) == expected


def test_no_match_says_so_in_japanese(desk: Any, people: dict[str, Any]) -> None:
    response = desk.get(MEMBERS, {"q": "ワタナベ"})
    assert "条件に一致する会員はいません。" in response.content.decode()


def test_a_bad_filter_value_is_explained_in_japanese_and_nothing_is_searched(
    desk: Any, people: dict[str, Any]
) -> None:
    response = desk.get(MEMBERS, {"q": "やまだ", "prefecture": "99"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "「99」は選択肢にありません。一覧から選んでください。" in body
    assert response.context["page"] is None
    assert not AuditEvent.objects.filter(kind="view").exists()


def test_an_overlong_query_is_explained_in_japanese(desk: Any) -> None:
    response = desk.get(MEMBERS, {"q": "ヤ" * 101})
    assert "検索語は100文字以内で入力してください。" in response.content.decode()


def test_each_page_of_members_shown_is_one_audit_event(desk: Any, people: dict[str, Any]) -> None:
    desk.get(MEMBERS, {"q": "やま", "prefecture": Prefecture.TOKYO})
    event = AuditEvent.objects.get(action="registry.member.list")
    assert event.changes["ids"] == [str(people["yamada"].pk)]
    assert event.changes["query"] == {"q": "やま", "prefecture": Prefecture.TOKYO}
    assert event.changes["page"] == 1


def test_opening_the_empty_search_form_records_nothing(desk: Any, people: dict[str, Any]) -> None:
    desk.get(MEMBERS)
    assert not AuditEvent.objects.filter(kind="view").exists()


def test_members_come_fifty_to_a_page(desk: Any) -> None:
    for n in range(55):
        factories.MemberFactory(membership_number=f"{1400000 + n}", given_name=f"{n:02d}")
    first = desk.get(MEMBERS, {"q": "14"})
    second = desk.get(MEMBERS, {"q": "14", "page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "55 件中 1〜50 件を表示" in first.content.decode()
    assert "?q=14&amp;page=2" in first.content.decode()
    events = AuditEvent.objects.filter(action="registry.member.list").order_by("seq")
    assert [len(e.changes["ids"]) for e in events] == [50, 5]


def test_a_page_of_fifty_members_costs_a_fixed_number_of_queries(
    desk: Any, django_assert_max_num_queries: Any
) -> None:
    for _n in range(60):
        _user, member, _facility = factories.member_with_facility()
        ended = factories.FacilityFactory()
        factories.manage(
            ended, member, valid_from=dt.date(2001, 4, 1), valid_to=dt.date(2005, 3, 31)
        )
    desk.get(MEMBERS)  # the first page of a fresh database also stores the programme contact
    with django_assert_max_num_queries(15):
        response = desk.get(MEMBERS, {"q": "やまだ"})
    assert len(response.context["page"].object_list) == 50
    assert "さくら診療所" in response.content.decode()


# --- facilities -----------------------------------------------------------------------------
@pytest.fixture
def places() -> dict[str, Any]:
    return {
        "sakura": factories.FacilityFactory(
            name="さくら診療所",
            name_kana="サクラシンリョウジョ",
            medical_institution_code="1312345678",
            phone="03-3946-2121",
        ),
        "aoba": factories.FacilityFactory(
            name="青葉総合病院",
            name_kana="アオバソウゴウビョウイン",
            kind=FacilityKind.HOSPITAL,
            medical_institution_code="2798765432",
            prefecture=Prefecture.OSAKA,
            phone="06-6123-4567",
        ),
        "closed": factories.FacilityFactory(
            name="旧さくら医院",
            name_kana="キュウサクライイン",
            medical_institution_code="",
            status=FacilityStatus.CLOSED,
            phone="",
        ),
    }


@pytest.mark.parametrize("typed", ["ｻｸﾗｼﾝ", "さくらしん", "サクラシンリョウジョ"])
def test_facilities_are_found_by_kana_whatever_the_script_or_width(
    desk: Any, places: dict[str, Any], typed: str
) -> None:
    assert _shown(desk.get(FACILITIES, {"q": typed})) == ["さくら診療所"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    # a reading that begins with the text first, then names containing it
    [("総合病院", ["青葉総合病院"]), ("さくら", ["さくら診療所", "旧さくら医院"])],
)
def test_facilities_are_found_by_name(
    desk: Any, places: dict[str, Any], typed: str, expected: list[str]
) -> None:
    assert _shown(desk.get(FACILITIES, {"q": typed})) == expected


@pytest.mark.parametrize("typed", ["1312345678", "１３１２３４５６７８", "131234"])
def test_facilities_are_found_by_institution_code(
    desk: Any, places: dict[str, Any], typed: str
) -> None:
    assert _shown(desk.get(FACILITIES, {"q": typed})) == ["さくら診療所"]


@pytest.mark.parametrize(
    "typed", ["0339462121", "03-3946-2121", "０３－３９４６－２１２１", "39462121"]
)
def test_facilities_are_found_by_phone_digits(
    desk: Any, places: dict[str, Any], typed: str
) -> None:
    assert _shown(desk.get(FACILITIES, {"q": typed})) == ["さくら診療所"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": FacilityKind.HOSPITAL}, ["青葉総合病院"]),
        ({"prefecture": Prefecture.OSAKA}, ["青葉総合病院"]),
        ({"status": FacilityStatus.CLOSED}, ["旧さくら医院"]),
        ({"q": "さくら", "status": FacilityStatus.ACTIVE}, ["さくら診療所"]),
    ],
)
def test_facilities_can_be_narrowed_by_kind_prefecture_and_status(
    desk: Any, places: dict[str, Any], filters: dict[str, str], expected: list[str]
) -> None:
    assert _shown(desk.get(FACILITIES, filters)) == expected


def test_a_bad_facility_filter_is_explained_in_japanese(desk: Any) -> None:
    response = desk.get(FACILITIES, {"kind": "castle"})
    assert "「castle」は選択肢にありません。一覧から選んでください。" in response.content.decode()


def test_the_current_manager_is_listed_and_recorded_as_seen(
    desk: Any, places: dict[str, Any]
) -> None:
    doctor = factories.MemberFactory(family_name="鈴木", given_name="健")
    former = factories.MemberFactory(family_name="高橋", given_name="修")
    factories.manage(
        places["sakura"], former, valid_from=dt.date(2000, 4, 1), valid_to=dt.date(2015, 3, 31)
    )
    factories.manage(places["sakura"], doctor, valid_from=dt.date(2015, 4, 1))
    response = desk.get(FACILITIES, {"q": "さくらしん"})
    body = response.content.decode()
    assert "鈴木 健" in body
    assert "高橋 修" not in body
    event = AuditEvent.objects.get(action="registry.member.list")
    assert event.changes["ids"] == [str(doctor.pk)]


def test_no_facility_found_says_so_in_japanese(desk: Any, places: dict[str, Any]) -> None:
    response = desk.get(FACILITIES, {"q": "存在しない病院"})
    assert "条件に一致する施設はありません。" in response.content.decode()


def test_a_page_of_fifty_facilities_costs_a_fixed_number_of_queries(
    desk: Any, django_assert_max_num_queries: Any
) -> None:
    for _n in range(60):
        factories.member_with_facility()
    desk.get(FACILITIES)  # the first page of a fresh database also stores the programme contact
    with django_assert_max_num_queries(15):
        response = desk.get(FACILITIES, {"q": "さくら"})
    assert len(response.context["page"].object_list) == 50
    assert "山田" in response.content.decode()


def test_a_reading_of_two_kana_matches_only_the_start_of_the_reading(
    desk: Any, places: dict[str, Any]
) -> None:
    # 「さく」 inside 旧さくら医院 would match a large share of a national registry.
    assert _shown(desk.get(FACILITIES, {"q": "さく"})) == ["さくら診療所"]
    assert _shown(desk.get(FACILITIES, {"q": "さくら"})) == ["さくら診療所", "旧さくら医院"]
