"""The portal's demo content loads once and reads as documented."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.core.documents import open_document
from medcyber.portal import demo
from medcyber.portal.models import ContentItem

pytestmark = pytest.mark.django_db


def test_demo_content_loads_once(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    created: Counter[str] = Counter()
    demo.load(created)
    assert ContentItem.objects.filter(kind="article").count() == 12
    journals = ContentItem.objects.filter(kind="journal")
    assert journals.count() == 2
    assert all(open_document(j.pdf).startswith(b"%PDF-") for j in journals if j.pdf)
    assert ContentItem.objects.filter(kind="video").count() >= 2
    assert ContentItem.objects.filter(kind="faq").count() >= 3
    again: Counter[str] = Counter()
    demo.load(again)
    assert not again
    html = Client().get(reverse("portal:search"), {"q": "ばっくあっぷ"}).content.decode()
    assert "ランサムウェアに備える三つのこと" in html
