"""Whole-page caching of public pages for anonymous readers: the same bytes for every
anonymous reader of one language, never a stale page after a change, never a cached page for
a signed-in reader; and the language switch that made the pages token-free."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.portal import services
from medcyber.portal.models import Alert
from tests import factories

from .conftest import make_item


@pytest.mark.django_db
def test_anonymous_readers_share_one_token_free_page(editor: Any) -> None:
    make_item(editor, title="院内ネットワークの分け方")
    first = Client().get(reverse("portal:index"))
    second = Client().get(reverse("portal:index"))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "院内ネットワークの分け方" in first.content.decode()
    for response in (first, second):
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "X-CSRFToken" not in response.content.decode()
        assert settings.CSRF_COOKIE_NAME not in response.cookies
        assert "public" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_a_second_request_with_the_etag_gets_not_modified(editor: Any) -> None:
    item = make_item(editor)
    url = reverse("portal:item", kwargs={"pk": item.pk})
    first = Client().get(url)
    again = Client().get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


@pytest.mark.django_db
def test_publish_edit_and_unpublish_are_seen_at_once(editor: Any) -> None:
    item = make_item(editor, title="最初の題名")
    url = reverse("portal:item", kwargs={"pk": item.pk})
    assert "最初の題名" in Client().get(url).content.decode()
    assert "最初の題名" in Client().get(reverse("portal:index")).content.decode()

    item.refresh_from_db()
    services.save_item(
        item=item,
        by=editor,
        values={"title": "直した題名"},
        tags=[],
        base_version=item.version,
    )
    assert "直した題名" in Client().get(url).content.decode()
    assert "直した題名" in Client().get(reverse("portal:index")).content.decode()

    services.unpublish(item=item, by=editor)
    assert Client().get(url).status_code == 404
    assert "直した題名" not in Client().get(reverse("portal:index")).content.decode()

    make_item(editor, title="新しい記事")
    assert "新しい記事" in Client().get(reverse("portal:index")).content.decode()


@pytest.mark.django_db
def test_a_scheduled_item_appears_when_its_time_comes(editor: Any) -> None:
    item = make_item(editor, title="予約した記事", publish=False)
    at = timezone.now() + dt.timedelta(minutes=10)
    services.publish(item=item, by=editor, at=at)
    assert "予約した記事" not in Client().get(reverse("portal:index")).content.decode()
    with time_machine.travel(at + dt.timedelta(seconds=5)):
        assert "予約した記事" in Client().get(reverse("portal:index")).content.decode()


@pytest.mark.django_db
def test_alert_banners_start_and_end_on_time_on_cached_pages(editor: Any) -> None:
    make_item(editor)
    now = timezone.now()
    services.publish_alert(
        by=editor,
        title="至急の注意喚起",
        body="更新してください。",
        audiences=["public"],
        starts_at=now + dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=30),
    )
    assert "至急の注意喚起" not in Client().get(reverse("portal:index")).content.decode()
    with time_machine.travel(now + dt.timedelta(minutes=6)):
        assert "至急の注意喚起" in Client().get(reverse("portal:index")).content.decode()
    with time_machine.travel(now + dt.timedelta(minutes=31)):
        assert "至急の注意喚起" not in Client().get(reverse("portal:index")).content.decode()


@pytest.mark.django_db
def test_signed_in_readers_get_their_own_page_marked_private(editor: Any) -> None:
    make_item(editor)
    Client().get(reverse("portal:index"))  # an anonymous page in the cache
    member, _member, _facility = factories.member_with_facility()
    client = Client()
    client.force_login(member)
    response = client.get(reverse("portal:index"))
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "ログアウト" in response.content.decode()
    assert "X-CSRFToken" in response.content.decode()


@pytest.mark.django_db
def test_each_language_has_its_own_page(editor: Any) -> None:
    make_item(editor)
    client = Client()
    japanese = client.get(reverse("portal:index"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("portal:index"))
    assert japanese.content != english.content
    assert 'lang="en"' in english.content.decode()


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_goes_back() -> None:
    client = Client()
    response = client.get(reverse("portal:language"), {"language": "en", "next": "/portal/"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get(reverse("portal:index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_the_language_switch_never_leaves_the_site(target: str) -> None:
    response = Client().get(reverse("portal:language"), {"language": "en", "next": target})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_an_unknown_language_is_not_found() -> None:
    assert Client().get(reverse("portal:language"), {"language": "xx"}).status_code == 404


@pytest.mark.django_db
def test_djangos_own_language_route_still_works() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_alerts_for_staff_never_leak_into_the_anonymous_page(editor: Any) -> None:
    make_item(editor)
    now = timezone.now()
    Alert.objects.create(
        title="職員だけの連絡",
        body="内部向け",
        audiences=["staff"],
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    services._bump_generation()
    staff = factories.staff_user(Role.DESK_TIER1)
    signed_in = Client()
    signed_in.force_login(staff)
    assert "職員だけの連絡" in signed_in.get(reverse("portal:index")).content.decode()
    assert "職員だけの連絡" not in Client().get(reverse("portal:index")).content.decode()
