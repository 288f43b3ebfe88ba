"""A content editor drafts, previews, saves, asks for review, schedules, publishes and
unpublishes; every version is kept and two editors never overwrite each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.portal import services
from medcyber.portal.models import ContentItem, ContentStatus
from tests import factories

from .conftest import make_item

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "article",
        "title": "標的型メールに気をつける",
        "summary": "不審なメールの見分け方",
        "body": "## 見分け方\n\n差出人のアドレスを確かめましょう。",
        "audience": "public",
        "tag_names": "メール、基本",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_an_editor_saves_a_draft_and_every_save_is_a_version(editor: Any) -> None:
    client = _client(editor)
    response = client.post(reverse("portal:editor_new", args=["article"]), _form())
    item = ContentItem.objects.get()
    assert response.status_code == 302
    assert item.status == ContentStatus.DRAFT
    assert sorted(item.tags.values_list("name", flat=True)) == ["メール", "基本"]
    response = client.post(
        reverse("portal:editor_edit", args=[item.pk]),
        _form(body="書き直した本文", version=item.version),
    )
    item.refresh_from_db()
    assert item.version == 2
    assert list(item.versions.values_list("number", "body")) == [
        (2, "書き直した本文"),
        (1, "## 見分け方\n\n差出人のアドレスを確かめましょう。"),
    ]
    page = client.get(reverse("portal:editor_versions", args=[item.pk]))
    assert "第1版" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="portal.contentitem").count() >= 2


def test_preview_shows_the_rendered_text_without_saving(editor: Any) -> None:
    response = _client(editor).post(
        reverse("portal:editor_new", args=["article"]),
        _form(action="preview", body="**強調**<script>alert(1)</script>"),
    )
    html = response.content.decode()
    assert "<strong>強調</strong>" in html
    assert "<script>alert(1)" not in html
    assert not ContentItem.objects.exists()


def test_a_second_editor_saving_an_old_version_is_told_and_loses_nothing(editor: Any) -> None:
    item = make_item(editor, publish=False)
    other = factories.staff_user(Role.CONTENT_EDITOR)
    opened_at = item.version
    _client(other).post(
        reverse("portal:editor_edit", args=[item.pk]),
        _form(title="別の編集者の題", version=opened_at),
    )
    response = _client(editor).post(
        reverse("portal:editor_edit", args=[item.pk]),
        _form(body="私が書いた大切な本文", version=opened_at),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "別の編集者が保存しました" in html
    assert "私が書いた大切な本文" in html  # still in the form
    assert "別の編集者の題" in html  # the other version shown to compare
    item.refresh_from_db()
    assert item.title == "別の編集者の題"


def test_review_then_publish_now(editor: Any) -> None:
    item = make_item(editor, publish=False)
    client = _client(editor)
    client.post(reverse("portal:editor_action", args=[item.pk, "review"]))
    item.refresh_from_db()
    assert item.status == ContentStatus.REVIEW
    client.post(reverse("portal:editor_action", args=[item.pk, "publish"]), {"publish_at": ""})
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert item.publish_at is not None and not item.is_scheduled
    assert AuditEvent.objects.filter(action="portal.item.published").exists()


def test_a_publication_time_in_the_past_is_refused(editor: Any) -> None:
    item = make_item(editor, publish=False)
    past = timezone.localtime() - dt.timedelta(days=1)
    response = _client(editor).post(
        reverse("portal:editor_action", args=[item.pk, "publish"]),
        {"publish_at": past.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "公開日時が過去になっています" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.DRAFT


def test_a_scheduled_item_appears_when_its_time_comes(editor: Any) -> None:
    item = make_item(editor, publish=False)
    later = timezone.now() + dt.timedelta(hours=2)
    services.publish(item=item, by=editor, at=later)
    item.refresh_from_db()
    assert item.is_scheduled
    assert not ContentItem.objects.live().filter(pk=item.pk).exists()
    assert ContentItem.objects.live(now=later).filter(pk=item.pk).exists()


def test_unpublish_hides_the_item(editor: Any) -> None:
    item = make_item(editor)
    assert Client().get(reverse("portal:item", args=[item.pk])).status_code == 200
    _client(editor).post(reverse("portal:editor_action", args=[item.pk, "unpublish"]))
    assert Client().get(reverse("portal:item", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.DESK_TIER1, Role.AUDITOR])
def test_only_content_editors_edit(role: str) -> None:
    user = (
        factories.staff_user(role) if role != Role.MEMBER else factories.UserFactory(roles=[role])
    )
    response = _client(user).get(reverse("portal:editor_list"))
    assert response.status_code == 403


def test_a_journal_needs_its_volume_number_and_date(editor: Any) -> None:
    response = _client(editor).post(
        reverse("portal:editor_new", args=["journal"]), _form(kind="journal")
    )
    assert "ジャーナルには巻・号・発行日が必要です" in response.content.decode()
    assert not ContentItem.objects.exists()
