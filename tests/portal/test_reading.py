"""Readers see what their audience allows: lists by category and kind, item pages, search,
related items, the feed of public news and the "new since your last visit" marker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.portal import queries
from medcyber.portal.models import Category
from medcyber.registry.choices import MemberClass
from tests import factories

from .conftest import make_item, registered_user

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def items(editor: Any) -> dict[str, Any]:
    return {
        audience: make_item(editor, title=f"{audience}向けの記事", audience=audience)
        for audience in ("public", "registered", "members", "staff")
    }


def _titles(response: Any) -> str:
    return response.content.decode()


def test_each_reader_sees_their_audiences_only(items: dict[str, Any]) -> None:
    b_member_user, _member, _facility = factories.member_with_facility(member_class=MemberClass.B)
    a1_user, _member, facility = factories.member_with_facility()
    staff_of_a1 = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, staff_of_a1)
    readers = {
        "anonymous": (None, {"public"}),
        "unverified": (registered_user("new@example.jp", verified=False), {"public"}),
        "registered": (registered_user(), {"public", "registered"}),
        "b_member": (b_member_user, {"public"}),
        "a1_member": (a1_user, {"public", "registered", "members"}),
        "a1_staff": (staff_of_a1, {"public", "registered", "members"}),
        "desk": (
            factories.staff_user(Role.DESK_TIER1),
            {"public", "registered", "members", "staff"},
        ),
    }
    for name, (user, allowed) in readers.items():
        client = _client(user)
        html = _titles(client.get(reverse("portal:index")))
        for audience, item in items.items():
            assert (item.title in html) == (audience in allowed), (name, audience)
            status = client.get(reverse("portal:item", args=[item.pk])).status_code
            assert status == (200 if audience in allowed else 404), (name, audience)


def test_b_members_who_verified_their_address_read_registered_items(items: dict[str, Any]) -> None:
    user, _member, _facility = factories.member_with_facility(member_class=MemberClass.B)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    html = _titles(_client(user).get(reverse("portal:index")))
    assert items["registered"].title in html
    assert items["members"].title not in html


def test_drafts_are_nobodys_reading(editor: Any) -> None:
    draft = make_item(editor, publish=False)
    assert _client(editor).get(reverse("portal:item", args=[draft.pk])).status_code == 404


def test_lists_by_category_and_kind(editor: Any, category: Category) -> None:
    in_category = make_item(editor, title="手引きの記事", category=category)
    other = make_item(editor, title="その他の記事")
    faq = make_item(editor, title="よくある質問の例", kind="faq")
    html = _titles(Client().get(reverse("portal:index") + "?category=guidance"))
    assert in_category.title in html and other.title not in html
    html = _titles(Client().get(reverse("portal:index") + "?kind=faq"))
    assert faq.title in html and other.title not in html


def test_charged_and_audience_flags_are_shown(editor: Any) -> None:
    item = make_item(editor, title="有料の講座", is_charged=True)
    html = _titles(Client().get(reverse("portal:item", args=[item.pk])))
    assert "有料" in html
    free = make_item(editor, title="無料の記事")
    assert "無料" in _titles(Client().get(reverse("portal:item", args=[free.pk])))


@pytest.mark.parametrize("typed", ["脆弱性", "ぜいじゃくせい", "ＶＰＮ装置", "vpn 悪用"])
def test_japanese_search_finds_a_word_from_the_body(editor: Any, typed: str) -> None:
    make_item(editor, body="院内のVPN装置の脆弱性（ぜいじゃくせい）が悪用されています。")
    make_item(editor, title="バックアップの取り方", body="週に一度は外部媒体へ。")
    html = _titles(Client().get(reverse("portal:search"), {"q": typed}))
    assert "VPN機器の更新を急いでください" in html
    assert "バックアップの取り方" not in html


def test_search_never_finds_what_the_reader_may_not_read(editor: Any) -> None:
    make_item(editor, title="職員向けの手順", body="内部手順のキーワード", audience="staff")
    html = _titles(Client().get(reverse("portal:search"), {"q": "内部手順"}))
    assert "職員向けの手順" not in html
    assert "見つかりませんでした" in html


def test_search_ranks_title_matches_first(editor: Any) -> None:
    make_item(editor, title="本文だけに出てくる", body="ランサムウェアの話")
    make_item(editor, title="ランサムウェア対策", body="話")
    found = queries.search(None, "ランサムウェア")
    assert [item.title for item in found] == ["ランサムウェア対策", "本文だけに出てくる"]


def test_related_items_share_tags_or_category(editor: Any, category: Category) -> None:
    item = make_item(editor, title="元の記事", tags=["VPN", "更新"])
    close = make_item(editor, title="近い記事", tags=["VPN", "更新"])
    same_category = make_item(editor, title="同じカテゴリー", category=category)
    make_item(editor, title="無関係の記事", tags=["防災"])
    html = _titles(Client().get(reverse("portal:item", args=[item.pk])))
    assert close.title in html
    assert "無関係の記事" not in html
    assert same_category.title not in html  # item has no category


def test_the_feed_holds_public_news_only(editor: Any) -> None:
    make_item(editor, title="一般向けのお知らせ")
    make_item(editor, title="会員向けのお知らせ", audience="members")
    make_item(editor, title="公開前のお知らせ", publish=False)
    response = Client().get(reverse("portal:feed"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "一般向けのお知らせ" in body
    assert "会員向けのお知らせ" not in body and "公開前のお知らせ" not in body


def test_items_published_since_the_last_visit_are_marked(editor: Any) -> None:
    reader = registered_user()
    client = _client(reader)
    old = make_item(editor, title="前からある記事")
    client.get(reverse("portal:index"))
    visit = reader.portal_visit
    visit.last_seen_at = timezone.now() - dt.timedelta(hours=3)
    visit.save()
    old.publish_at = timezone.now() - dt.timedelta(days=1)
    old.save()
    fresh = make_item(editor, title="新しい記事")
    html = _titles(client.get(reverse("portal:index")))
    fresh_row = html[html.index(fresh.title) - 900 : html.index(fresh.title)]
    old_row = html[html.index(old.title) - 900 : html.index(old.title)]
    assert "portal-item--new" in fresh_row.rsplit("<li", 1)[-1]
    assert "portal-item--new" not in old_row.rsplit("<li", 1)[-1]


def test_lists_are_cached_until_content_changes(
    editor: Any, django_assert_num_queries: Any
) -> None:
    make_item(editor, title="最初の記事")
    Client().get(reverse("portal:index"))
    with django_assert_num_queries(0):
        queries.reading_list(None)
    make_item(editor, title="次の記事")
    listing = queries.reading_list(None)
    assert [i.title for i in listing.page.object_list] == ["次の記事", "最初の記事"]
