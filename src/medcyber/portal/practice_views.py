"""Pages of the employee practice texts: the list, a whole book as one printable page, a
chapter with its quiz, and the results a facility's administrator sees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from medcyber.core import audit
from medcyber.core.pdf import pdf_response

from . import practice
from .models import PracticeBook, PracticeChapter, QuizResult
from .registration_views import _facility_for_admin
from .services import PortalError


@require_GET
def book_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/texts/book_list.html", {"books": practice.books_for(request.user)}
    )


@require_GET
def book_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        book = practice.book_for(request.user, pk)
    except PracticeBook.DoesNotExist:
        raise Http404 from None
    chapters = list(book.chapters.all())
    return render(request, "portal/texts/book.html", {"book": book, "chapters": chapters})


def _answers(request: HttpRequest) -> dict[int, int]:
    answers: dict[int, int] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if name.startswith("q") and name[1:].isdigit() and value.isdigit():
            answers[int(name[1:])] = int(value)
    return answers


@require_http_methods(["GET", "POST"])
@login_required
def chapter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        chapter = practice.chapter_for(request.user, pk)
    except PracticeChapter.DoesNotExist:
        raise Http404 from None
    context: dict[str, object] = {"chapter": chapter, "questions": chapter.questions.all()}
    if request.method == "POST":
        answers = _answers(request)
        context["answers"] = answers
        try:
            result, marked = practice.grade(chapter=chapter, user=request.user, answers=answers)
        except PortalError as refused:
            messages.error(request, str(refused))
        else:
            context["result"] = result
            context["marked"] = marked
    return render(request, "portal/texts/chapter.html", context)


@require_GET
@login_required
def quiz_results(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_for_admin(request.user, pk)
    results = practice.facility_results(request.user, facility)
    audit.record_list_view(QuizResult, [r.pk for r in results], facility=facility.pk)
    return render(
        request, "portal/texts/quiz_results.html", {"facility": facility, "results": results}
    )


@require_GET
def chapter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One chapter as a printable PDF (Japanese font embedded), for the readers its book's
    audience allows."""
    try:
        chapter = practice.chapter_for(request.user, pk)
    except PracticeChapter.DoesNotExist:
        raise Http404 from None
    return pdf_response(
        "portal/texts/chapter_pdf.html",
        {"chapter": chapter},
        filename=f"chapter-{chapter.book_id}-{chapter.number}.pdf",
        request=request,
        inline=False,
    )
