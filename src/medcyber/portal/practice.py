"""Employee practice texts: reads (scoped to the reader's audience), grading a chapter quiz,
and a facility administrator's view of their staff's results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import markdown
from .audience import audiences_for
from .models import (
    PracticeBook,
    PracticeChapter,
    PracticeChapterVersion,
    QuizQuestion,
    QuizResult,
)
from .services import EditConflict, PortalError


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


# --- editing chapters and their quizzes -------------------------------------------------------
@dataclass(frozen=True)
class QuizSpec:
    """One question as an editor wrote it (see :func:`parse_quiz`)."""

    text: str
    choices: list[str]
    correct_index: int
    explanation: str = ""


def parse_quiz(text: str) -> list[QuizSpec]:
    """Questions from the editor's plain text: one block per question, blocks separated by
    an empty line; the first line is the question, ``*`` marks the right choice, ``-`` the
    others, ``>`` the explanation. A mistake is refused with the question's number."""
    specs: list[QuizSpec] = []
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        question, explanation = "", ""
        choices: list[str] = []
        correct: list[int] = []
        for line in lines:
            if line[0] in "*＊":
                correct.append(len(choices))
                choices.append(line[1:].strip())
            elif line[0] in "-－ー":
                choices.append(line[1:].strip())
            elif line[0] in ">＞":
                explanation = line[1:].strip()
            elif not question:
                question = line
            else:
                question = f"{question} {line}"
        if not question:
            raise PortalError(_("第%(n)s問：問題文がありません。") % {"n": number})
        if len(choices) < 2:
            raise PortalError(_("第%(n)s問：選択肢を2つ以上書いてください。") % {"n": number})
        if len(correct) != 1:
            raise PortalError(
                _("第%(n)s問：正解の選択肢を1つだけ「*」で示してください。") % {"n": number}
            )
        if len(question) > 400 or len(explanation) > 400:
            raise PortalError(
                _("第%(n)s問：問題文と解説は400文字以内にしてください。") % {"n": number}
            )
        specs.append(QuizSpec(question, choices, correct[0], explanation))
    return specs


def quiz_text(chapter: PracticeChapter) -> str:
    """A chapter's quiz in the editor's plain-text form (the inverse of :func:`parse_quiz`)."""
    blocks = []
    for q in chapter.questions.all():
        lines = [q.text]
        lines += [("* " if i == q.correct_index else "- ") + c for i, c in enumerate(q.choices)]
        if q.explanation:
            lines.append(f"> {q.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def edit_chapter(
    *,
    book: PracticeBook,
    chapter: PracticeChapter | None,
    by: Any,
    title: str,
    body: str,
    quiz: str,
    base_version: int | None,
) -> PracticeChapter:
    """Save a chapter (a new one goes after the book's last) and its quiz as its next
    version; :class:`EditConflict` when someone saved it after this editor opened it, and
    :class:`PortalError` for a quiz that cannot be read. Nothing is written on a refusal."""
    specs = parse_quiz(quiz)
    with transaction.atomic():
        if chapter is None:
            last = book.chapters.order_by("-number").values_list("number", flat=True).first()
            chapter = PracticeChapter(book=book, number=(last or 0) + 1, version=1)
        else:
            chapter = PracticeChapter.objects.select_for_update().get(pk=chapter.pk)
            if base_version != chapter.version:
                raise EditConflict(
                    current=chapter,  # type: ignore[arg-type]
                    message=_(
                        "この章は、開いた後に別の編集者が保存しました（第%(version)s版）。"
                        "あなたの入力は消えていません。見比べてから、もう一度保存してください。"
                    )
                    % {"version": chapter.version},
                )
            chapter.version += 1
        chapter.title = title.strip()
        chapter.body = body
        chapter.body_html = markdown.render(body)
        chapter.save()
        chapter.questions.all().delete()
        for position, spec in enumerate(specs, start=1):
            QuizQuestion.objects.create(
                chapter=chapter,
                position=position,
                text=spec.text,
                choices=spec.choices,
                correct_index=spec.correct_index,
                explanation=spec.explanation,
            )
        PracticeChapterVersion.objects.create(
            chapter=chapter,
            number=chapter.version,
            title=chapter.title,
            body=chapter.body,
            quiz=quiz_text(chapter),
            saved_by=by if getattr(by, "is_authenticated", False) else None,
        )
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
