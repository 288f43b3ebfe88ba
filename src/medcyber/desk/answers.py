"""Searching the answers library (DESK-6) by trigrams, which suit Japanese text.

SQLite: the FTS5 trigram table (migration 0005) finds the query as a phrase anywhere in the
title or body. PostgreSQL: ``icontains``, served by the GIN trigram indexes. Queries shorter
than a trigram are matched by a scan: short enough to be rare and the library is small.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from medcyber.registry.search import normalise

from .models import Answer, sees_all_cases

TRIGRAM = 3


def answers_for(user: Any) -> QuerySet[Answer]:
    """Everything for the desk (drafts too); published articles for everyone else."""
    answers = Answer.objects.all()
    return answers if sees_all_cases(user) else answers.filter(published=True)


def _fts_ids(text: str) -> list[int]:
    phrase = '"' + text.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM desk_answer_fts WHERE desk_answer_fts MATCH %s", [phrase])
        return [row[0] for row in cursor.fetchall()]


def search_answers(user: Any, query: str, category: str = "") -> QuerySet[Answer]:
    answers = answers_for(user)
    if category:
        answers = answers.filter(Q(category=category) | Q(category=""))
    text = normalise(query).text
    if not text:
        return answers
    if connection.vendor == "sqlite" and len(text) >= TRIGRAM:
        return answers.filter(pk__in=_fts_ids(text))
    return answers.filter(Q(title__icontains=text) | Q(body__icontains=text))
