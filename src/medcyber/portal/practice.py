"""Employee practice texts: reads (scoped to the reader's audience), grading a chapter quiz,
and a facility administrator's view of their staff's results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import markdown
from .audience import audiences_for
from .models import PracticeBook, PracticeChapter, QuizQuestion, QuizResult
from .services import PortalError


def books_for(user: Any) -> list[PracticeBook]:
    return list(PracticeBook.objects.filter(is_published=True, audience__in=audiences_for(user)))


def book_for(user: Any, pk: int) -> PracticeBook:
    """``PracticeBook.DoesNotExist`` when the user may not read it."""
    return PracticeBook.objects.filter(is_published=True, audience__in=audiences_for(user)).get(
        pk=pk
    )


def chapter_for(user: Any, pk: int) -> PracticeChapter:
    return (
        PracticeChapter.objects.select_related("book")
        .filter(book__is_published=True, book__audience__in=audiences_for(user))
        .get(pk=pk)
    )


def save_chapter(*, book: PracticeBook, number: int, title: str, body: str) -> PracticeChapter:
    chapter = PracticeChapter.objects.filter(book=book, number=number).first() or PracticeChapter(
        book=book, number=number
    )
    chapter.title = title
    chapter.body = body
    chapter.body_html = markdown.render(body)
    chapter.save()
    return chapter


def _facility_of(user: Any) -> Any:
    """The facility a person works for now (their first, when several)."""
    from medcyber.registry.models import FacilityStaff

    link = (
        FacilityStaff.unscoped.current(timezone.localdate())
        .filter(user=user)
        .select_related("facility")
        .order_by("valid_from", "pk")
        .first()
    )
    return link.facility if link else None


@dataclass(frozen=True)
class Marked:
    question: QuizQuestion
    chosen: int | None
    right: bool


def grade(
    *, chapter: PracticeChapter, user: Any, answers: dict[int, int]
) -> tuple[QuizResult, list[Marked]]:
    """Score a chapter quiz and keep the result; every question must be answered."""
    questions = list(chapter.questions.all())
    if not questions:
        raise PortalError(_("この章には確認問題がありません。"))
    if any(q.pk not in answers for q in questions):
        raise PortalError(_("すべての問題に答えてください。"))
    marked = [Marked(q, answers[q.pk], answers[q.pk] == q.correct_index) for q in questions]
    with transaction.atomic():
        result = QuizResult(
            user=user,
            chapter=chapter,
            facility=_facility_of(user),
            correct=sum(m.right for m in marked),
            total=len(marked),
        )
        result.save()
    return result, marked


def facility_results(user: Any, facility: Any) -> list[QuizResult]:
    """The facility's staff's quiz results, newest first, as the administrator may see them."""
    return list(
        QuizResult.objects.visible_to(user)
        .filter(facility=facility)
        .select_related("user", "chapter", "chapter__book")
        .order_by("-answered_at")[:500]
    )
