"""Portal test data: editors, readers of each audience, items in each state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.portal import services
from medcyber.portal.models import Category, ContentItem, ContentKind
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_reader_state() -> Iterator[None]:
    # The cache is emptied around every test; so is this process's copy of the readers' state.
    services.STATE_MEMO.clear()
    yield
    services.STATE_MEMO.clear()


@pytest.fixture
def editor() -> Any:
    return factories.staff_user(Role.CONTENT_EDITOR)


@pytest.fixture
def category() -> Category:
    return Category.objects.create(slug="guidance", name="対策の手引き", position=1)


def registered_user(email: str = "reader@example.jp", verified: bool = True) -> Any:
    """A self-registered portal user: no role, no facility."""
    user = factories.UserFactory(email=email, roles=[])
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_item(
    editor: Any,
    *,
    title: str = "VPN機器の更新を急いでください",
    body: str = "院内のVPN装置の脆弱性が悪用されています。",
    kind: str = ContentKind.ARTICLE,
    audience: str = "public",
    publish: bool = True,
    tags: list[str] | None = None,
    **values: Any,
) -> ContentItem:
    item = services.save_item(
        item=None,
        by=editor,
        values={"kind": kind, "title": title, "body": body, "audience": audience, **values},
        tags=tags or [],
        base_version=None,
    )
    if publish:
        item = services.publish(item=item, by=editor, now=timezone.now())
    return item
