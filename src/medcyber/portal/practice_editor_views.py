"""The content editors' screens for the employee practice texts: the books and chapters,
writing a chapter and its quiz (every save a version, conflicts refused), the versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import markdown, practice
from .editor_views import editor_required
from .forms import ChapterForm
from .models import PracticeBook, PracticeChapter
from .services import EditConflict, PortalError


@require_GET
@editor_required
def book_list(request: HttpRequest) -> HttpResponse:
    books = PracticeBook.objects.prefetch_related("chapters").order_by("title")
    return render(request, "portal/editor/texts.html", {"books": books})


def _chapter_page(
    request: HttpRequest, book: PracticeBook, chapter: PracticeChapter | None
) -> HttpResponse:
    context: dict[str, Any] = {"book": book, "chapter": chapter}
    if request.method == "POST":
        form = ChapterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("action") == "preview":
                context["preview_html"] = markdown.render(data["body"])
            else:
                try:
                    saved = practice.edit_chapter(
                        book=book,
                        chapter=chapter,
                        by=request.user,
                        title=data["title"],
                        body=data["body"],
                        quiz=data["quiz"],
                        base_version=data.get("version"),
                    )
                except EditConflict as conflict:
                    form.add_error(None, str(conflict))
                    context["conflict"] = conflict.current
                except PortalError as refused:
                    form.add_error("quiz", str(refused))
                else:
                    messages.success(
                        request, _("保存しました（第%(version)s版）。") % {"version": saved.version}
                    )
                    return redirect("portal:editor_chapter", pk=saved.pk)
    elif chapter is not None:
        form = ChapterForm(
            initial={
                "title": chapter.title,
                "body": chapter.body,
                "quiz": practice.quiz_text(chapter),
                "version": chapter.version,
            }
        )
    else:
        form = ChapterForm()
    context["form"] = form
    return render(request, "portal/editor/chapter_form.html", context)


@require_http_methods(["GET", "POST"])
@editor_required
def chapter_new(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        book = PracticeBook.objects.get(pk=pk)
    except PracticeBook.DoesNotExist:
        raise Http404 from None
    return _chapter_page(request, book, None)


def _chapter(pk: int) -> PracticeChapter:
    try:
        return PracticeChapter.objects.select_related("book").get(pk=pk)
    except PracticeChapter.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@editor_required
def chapter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = _chapter(pk)
    return _chapter_page(request, chapter.book, chapter)


@require_GET
@editor_required
def chapter_versions(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = _chapter(pk)
    versions = chapter.versions.select_related("saved_by").all()
    return render(
        request, "portal/editor/chapter_versions.html", {"chapter": chapter, "versions": versions}
    )
