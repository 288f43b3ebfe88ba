"""Loads the portal's demo content (``medcyber demo``): matched by kind and title, created
through the services (so each has its versions and audit events), left alone when present."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from medcyber.core.documents import crypto
from medcyber.core.models import StoredDocument

from . import practice, services
from .demo_data import ALL_ITEMS, CATEGORIES, PRACTICE_BOOK, PRACTICE_CHAPTERS, DemoItem
from .models import Category, ContentItem, ContentKind, PracticeBook, QuizQuestion


def _journal_pdf(item: DemoItem) -> StoredDocument:
    """A small PDF made here (not an upload): stored encrypted, as the documents module does."""
    text = f"Cyber Risk Journal vol.{item.volume} no.{item.number}"
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length 60>>stream\nBT /F1 18 Tf 72 760 Td (" + text.encode() + b") Tj ET\n"
        b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return StoredDocument.unscoped.create(
        purpose="portal_journal",
        original_name=f"cyber-risk-journal-{item.volume}-{item.number}.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=default_storage.save(
            f"documents/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
        ),
        scanned_at=timezone.now(),
        scan_result=StoredDocument.ScanResult.CLEAN,
    )


def load(created: Counter[str], now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    categories: dict[str, Category] = {}
    for slug, name, position in CATEGORIES:
        category, made = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        if made:
            created[Category._meta.label] += 1
        categories[slug] = category
    for spec in ALL_ITEMS:
        if ContentItem.objects.filter(kind=spec.kind, title=spec.title).exists():
            continue
        _create(spec, categories, now)
        created[ContentItem._meta.label] += 1
    _load_practice_book(created)


def _load_practice_book(created: Counter[str]) -> None:
    if PracticeBook.objects.filter(title=PRACTICE_BOOK["title"]).exists():
        return
    book = PracticeBook.objects.create(**PRACTICE_BOOK, is_published=True)
    created[PracticeBook._meta.label] += 1
    for number, (title, body, questions) in enumerate(PRACTICE_CHAPTERS, start=1):
        chapter = practice.save_chapter(book=book, number=number, title=title, body=body)
        for position, (text, choices, correct, explanation) in enumerate(questions, start=1):
            QuizQuestion.objects.create(
                chapter=chapter,
                position=position,
                text=text,
                choices=choices,
                correct_index=correct,
                explanation=explanation,
            )


def _create(spec: DemoItem, categories: dict[str, Category], now: dt.datetime) -> None:
    values: dict[str, Any] = {
        name: getattr(spec, name)
        for name in (
            "kind", "title", "summary", "body", "audience", "is_charged", "volume", "number",
            "issue_date", "table_of_contents", "video_url", "duration_seconds", "captions",
            "checklist_items",
        )
    }  # fmt: skip
    values["category"] = categories.get(spec.category)
    item = services.save_item(item=None, by=None, values=values, tags=spec.tags, base_version=None)
    if spec.kind == ContentKind.JOURNAL:
        item.pdf = _journal_pdf(spec)
        item.save(update_fields=["pdf"])
    item = services.publish(item=item, by=None, now=now)
    # Demo items carry their own dates, spread over the last weeks.
    ContentItem.objects.filter(pk=item.pk).update(publish_at=now - dt.timedelta(days=spec.days_ago))
