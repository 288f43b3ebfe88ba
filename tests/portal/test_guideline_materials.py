"""Guideline materials (GL-4): items name the checklist items they explain, readers list the
materials for one item, and an item's page links back to the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.portal.services import checklist_codes

from .conftest import make_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1-1, 2-3", "1-1,2-3"), ("１－１、２－３", "1-1,2-3"), ("1-1 1-1", "1-1"), ("", "")],
)
def test_codes_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert checklist_codes(typed) == stored


def test_materials_for_one_checklist_item(editor: Any) -> None:
    explains = make_item(editor, title="体制の解説", checklist_items="１－１、2-3")
    make_item(editor, title="別の項目の解説", checklist_items="1-10")
    make_item(editor, title="関係のない記事")
    html = Client().get(reverse("portal:index"), {"checklist": "1-1"}).content.decode()
    assert "チェックリスト項目 1-1 の解説" in html
    assert "体制の解説" in html
    assert "別の項目の解説" not in html and "関係のない記事" not in html
    page = Client().get(reverse("portal:item", args=[explains.pk])).content.decode()
    assert "?checklist=2-3" in page
