"""Searching the answers library (DESK-6) with the project's Japanese search (core.fulltext):
every word of the query as a substring of the article's normalised title and body, served on
PostgreSQL by a GIN trigram index (migration 0007)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from medcyber.core import fulltext

from .models import Answer, sees_all_cases


def answers_for(user: Any) -> QuerySet[Answer]:
    """Everything for the desk (drafts too); published articles for everyone else."""
    answers = Answer.objects.all()
    return answers if sees_all_cases(user) else answers.filter(published=True)


def search_answers(user: Any, query: str, category: str = "") -> QuerySet[Answer]:
    """The user's articles holding every word of ``query`` (all of them for an empty one)."""
    answers = answers_for(user)
    if category:
        answers = answers.filter(Q(category=category) | Q(category=""))
    if not fulltext.terms(query):
        return answers
    return fulltext.search(answers, query)
