"""Second-editor review: an editor asks for review, another editor approves and publishes;
the author may not approve their own item; each step is in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.portal import services
from medcyber.portal.models import ContentStatus
from tests import factories

from .conftest import make_item

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_another_editor_approves_and_the_item_is_published(editor: Any) -> None:
    item = make_item(editor, title="確認をお願いする記事", publish=False)
    author = _client(editor)
    author.post(reverse("portal:editor_action", kwargs={"pk": item.pk, "action": "review"}))
    item.refresh_from_db()
    assert item.status == ContentStatus.REVIEW and item.review_requested_by == editor

    reviewer = factories.staff_user(Role.CONTENT_EDITOR)
    page = _client(reviewer).get(reverse("portal:editor_edit", kwargs={"pk": item.pk}))
    assert "承認して公開する" in page.content.decode()
    response = _client(reviewer).post(
        reverse("portal:editor_action", kwargs={"pk": item.pk, "action": "approve"}),
        {"publish_at": ""},
        follow=True,
    )
    assert "承認しました。" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert item.reviewed_by == reviewer and item.reviewed_at is not None
    assert "確認をお願いする記事" in Client().get(reverse("portal:index")).content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.item.review_requested", "portal.item.approved"} <= actions


def test_the_author_cannot_approve_their_own_item(editor: Any) -> None:
    item = make_item(editor, publish=False)
    services.request_review(item=item, by=editor)
    response = _client(editor).post(
        reverse("portal:editor_action", kwargs={"pk": item.pk, "action": "approve"}),
        {"publish_at": ""},
        follow=True,
    )
    assert "ご自身が書いた、または確認を依頼した記事は承認できません" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ContentStatus.REVIEW and item.reviewed_by is None


def test_an_editor_who_changed_the_item_under_review_cannot_approve_it(editor: Any) -> None:
    item = make_item(editor, publish=False)
    services.request_review(item=item, by=editor)
    other = factories.staff_user(Role.CONTENT_EDITOR)
    item.refresh_from_db()
    services.save_item(
        item=item, by=other, values={"title": "直した"}, tags=[], base_version=item.version
    )
    with pytest.raises(services.PortalError):
        services.approve(item=item, by=other)
    third = factories.staff_user(Role.CONTENT_EDITOR)
    assert services.approve(item=item, by=third).status == ContentStatus.PUBLISHED


def test_only_an_item_waiting_for_review_is_approved(editor: Any) -> None:
    item = make_item(editor, publish=False)
    with pytest.raises(services.PortalError, match="確認待ちの記事ではありません"):
        services.approve(item=item, by=factories.staff_user(Role.CONTENT_EDITOR))
