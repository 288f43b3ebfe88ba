"""The order of the staff search's results, its pages and its capped count.

Number searches list matches in number order, kind of number by kind of number; name and
reading searches in kana order (character codes), with the closest kind of match first where
the page says so. The same on SQLite and PostgreSQL (where each part of the order is one index
range, see test_search_indexes). Pages are slices across those parts.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.registry import search
from tests import factories

pytestmark = pytest.mark.django_db

MEMBERS = reverse("registry:member_search")
FACILITIES = reverse("registry:facility_search")


@pytest.fixture
def staff() -> Any:
    return factories.staff_user(Role.DESK_TIER1)


@pytest.fixture
def desk(client: Any, staff: Any) -> Any:
    client.force_login(staff)
    return client


def _member(
    number: str, family: str, given: str, family_kana: str, given_kana: str, **kw: Any
) -> Any:
    return factories.MemberFactory(
        membership_number=number,
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        **kw,
    )


def _names(rows: Any) -> list[str]:
    return [str(row) for row in rows]


# --- members ------------------------------------------------------------------------------
def test_a_number_lists_the_registration_number_match_first_then_membership_numbers(
    staff: Any,
) -> None:
    _member("5200002", "乙", "二", "オツ", "ニ")
    _member("5200001", "丙", "一", "ヘイ", "イチ")
    _member("1000000", "甲", "零", "コウ", "レイ", medical_registration_number="52000")
    _member("5200003", "丁", "三", "テイ", "サン", medical_registration_number="520")
    found = search.search_members(staff, {"q": "520"})
    assert _names(found) == ["丁 三", "丙 一", "乙 二"]  # 医籍番号 520, then 5200001, 5200002
    assert found.count() == 3  # the member matching both ways is listed once
    assert _names(search.search_members(staff, {"q": "52000"})) == [
        "甲 零",  # 医籍番号 52000
        "丙 一",
        "乙 二",
        "丁 三",
    ]


def test_a_reading_lists_split_full_names_before_longer_family_names(staff: Any) -> None:
    _member("1", "山田", "太郎", "ヤマダ", "タロウ")
    _member("2", "八", "間太", "ヤ", "マダイ")  # 姓 ヤ + 名 マダ…
    _member("3", "山田川", "一", "ヤマダガワ", "イチ")
    _member("4", "山", "田子", "ヤマ", "ダコ")  # 姓 ヤマ + 名 ダ…
    _member("5", "山田", "愛", "ヤマダ", "アイ")
    _member("6", "矢間", "花", "ヤマ", "ハナ")  # not ヤマダ…
    # code point order of (姓, 名): ヤ < ヤマ < ヤマダ < ヤマダガワ
    assert _names(search.search_members(staff, {"q": "やまだ"})) == [
        "八 間太",
        "山 田子",
        "山田 愛",
        "山田 太郎",
        "山田川 一",
    ]


def test_a_kanji_name_lists_exact_family_names_first_in_kana_order(staff: Any) -> None:
    _member("1", "佐藤", "次郎", "サトウ", "ジロウ")
    _member("2", "佐藤木", "一", "アトウギ", "ハジメ")  # a longer 姓
    _member("3", "鈴木", "佐藤子", "スズキ", "サトコ")  # 名 beginning with the text
    _member("4", "佐藤", "愛", "サトウ", "アイ")
    _member("5", "佐藤", "佐藤美", "サトウ", "サトミ")  # 姓 exact and 名 alike: listed once
    _member("6", "佐", "藤男", "サ", "フジオ")  # 姓 佐 + 名 藤…
    found = search.search_members(staff, {"q": "佐藤"})
    assert _names(found) == [
        "佐藤 愛",
        "佐藤 佐藤美",
        "佐藤 次郎",  # 姓 佐藤, in kana order; then the others in kana order
        "佐藤木 一",
        "佐 藤男",
        "鈴木 佐藤子",
    ]
    assert found.count() == 6


def test_pages_run_on_across_the_parts_of_a_number_search(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    _member("7700002", "乙", "二", "オツ", "ニ")
    _member("7700001", "丙", "一", "ヘイ", "イチ")
    _member("1000000", "甲", "零", "コウ", "レイ", medical_registration_number="770")
    pages = [desk.get(MEMBERS, {"q": "770", "page": n}) for n in (1, 2)]
    shown = [[str(m) for m in page.context["page"].object_list] for page in pages]
    assert shown == [["甲 零", "丙 一"], ["乙 二"]]
    assert "3 件中 3〜3 件を表示" in pages[1].content.decode()
    events = AuditEvent.objects.filter(action="registry.member.list").order_by("seq")
    assert [len(e.changes["ids"]) for e in events] == [2, 1]


# --- facilities ---------------------------------------------------------------------------
def _facility(name: str, kana: str, code: str = "", care: str = "", phone: str = "") -> Any:
    return factories.FacilityFactory(
        name=name,
        name_kana=kana,
        medical_institution_code=code,
        care_provider_number=care,
        phone=phone,
    )


@pytest.fixture
def numbered() -> None:
    _facility("丙病院", "ヘイビョウイン", code="4400000002")
    _facility("甲病院", "コウビョウイン", code="4400000001", phone="03-4400-0000")
    _facility("乙介護", "オツカイゴ", care="4400000009")
    _facility("丁医院", "テイイイン", code="1300000001", phone="044-000-4400")
    _facility("戊医院", "ボイイン", code="1300000002", phone="044-000-4401")
    _facility("己介護", "キカイゴ", care="4400000003", phone="03-4400-1111")


def test_digits_list_codes_then_care_numbers_then_phone_numbers(staff: Any, numbered: None) -> None:
    found = search.search_facilities(staff, {"q": "4400"})
    assert _names(found) == [
        "甲病院",  # code 4400000001 (its phone number matches too: listed once)
        "丙病院",  # code 4400000002
        "己介護",  # care number 4400000003
        "乙介護",  # care number 4400000009
        "丁医院",  # phone numbers, in kana order: テイ…
        "戊医院",  # ボイ…
    ]
    assert found.count() == 6
    assert _names(search.search_facilities(staff, {"q": "440"})) == [
        "甲病院",
        "丙病院",
        "己介護",
        "乙介護",
    ]  # three digits do not look in phone numbers


@pytest.mark.parametrize("size", [1, 2, 4])
def test_every_slice_of_the_results_is_the_same_slice_of_the_whole_list(
    staff: Any, numbered: None, size: int
) -> None:
    found = search.search_facilities(staff, {"q": "4400"})
    whole = _names(found)
    for start in range(len(whole) + 1):
        fresh = search.search_facilities(staff, {"q": "4400"})
        assert _names(fresh[start : start + size]) == whole[start : start + size]
    assert str(found[3]) == whole[3]


def test_a_capped_count_stops_across_the_parts(
    desk: Any, numbered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    response = desk.get(FACILITIES, {"q": "4400"})
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped) == (3, True)
    assert [str(f) for f in page.object_list] == ["甲病院", "丙病院", "己介護"]
    assert "3 件以上あります。1〜3 件を表示しています。" in response.content.decode()


def test_a_reading_lists_readings_that_begin_with_it_before_names_containing_it(
    staff: Any,
) -> None:
    _facility("あおば医院", "アオバイイン")
    _facility("みどりのさくら病院", "ミドリノサクラビョウイン")
    _facility("さくら台クリニック", "サクラダイクリニック")
    _facility("桜医院", "サクラアイイン")  # reading only
    _facility("はなさくら苑", "アカサクラエン")  # name only, a reading before サ
    found = search.search_facilities(staff, {"q": "さくら"})
    assert _names(found) == ["桜医院", "さくら台クリニック", "はなさくら苑", "みどりのさくら病院"]
    assert found.count() == 4


def test_the_current_managers_of_a_page_are_read_in_one_query(
    staff: Any, numbered: None, django_assert_num_queries: Any
) -> None:
    found = search.search_facilities(staff, {"q": "4400"})
    assert found.count() == 6
    # the code part, the care-number part, the phone part, the founders/managers
    with django_assert_num_queries(4):
        rows = found[0:6]
    assert all(row.current_managements == [] for row in rows)
