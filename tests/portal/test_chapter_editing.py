"""Editing the employee practice texts: an editor writes a chapter and its quiz in plain
text, every save is a version, a conflicting save is refused with nothing lost; readers
download a chapter as a PDF with the Japanese font."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from medcyber.portal import practice
from medcyber.portal.models import PracticeBook, PracticeChapter
from medcyber.portal.services import PortalError
from tests import factories

QUIZ = """不審なメールの添付ファイルは？
* 開かずに担当者へ知らせる
- まず開いて確かめる
> 開くと感染することがあります。

パスワードの使い回しは？
- よい
* よくない"""

pytestmark = pytest.mark.django_db


@pytest.fixture
def book() -> PracticeBook:
    return PracticeBook.objects.create(
        title="職員のための実践テキスト", audience="public", is_published=True
    )


def _editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def _save(client: Client, url: str, **overrides: Any) -> Any:
    data = {
        "title": "メールの見分け方",
        "body": "差出人を確かめます。",
        "quiz": QUIZ,
        "action": "save",
    }
    data.update(overrides)
    return client.post(url, data, follow=True)


def test_an_editor_adds_a_chapter_with_its_quiz_and_edits_it(editor: Any, book: Any) -> None:
    client = _editor_client(editor)
    _save(client, reverse("portal:editor_chapter_new", kwargs={"pk": book.pk}))
    chapter = PracticeChapter.objects.get()
    assert chapter.number == 1 and chapter.version == 1
    questions = list(chapter.questions.all())
    assert [q.correct_index for q in questions] == [0, 1]
    assert questions[0].explanation == "開くと感染することがあります。"

    url = reverse("portal:editor_chapter", kwargs={"pk": chapter.pk})
    _save(client, url, title="メールの見分け方（改訂）", version="1")
    chapter.refresh_from_db()
    assert chapter.title == "メールの見分け方（改訂）" and chapter.version == 2
    versions = client.get(reverse("portal:editor_chapter_versions", kwargs={"pk": chapter.pk}))
    page = versions.content.decode()
    assert "メールの見分け方（改訂）" in page and "第1版" in page
    assert chapter.versions.count() == 2


def test_a_save_over_someone_elses_is_refused_and_keeps_the_text(editor: Any, book: Any) -> None:
    chapter = practice.edit_chapter(
        book=book, chapter=None, by=editor, title="第1章", body="本文", quiz="", base_version=None
    )
    practice.edit_chapter(
        book=book,
        chapter=chapter,
        by=editor,
        title="先の保存",
        body="本文",
        quiz="",
        base_version=1,
    )
    url = reverse("portal:editor_chapter", kwargs={"pk": chapter.pk})
    response = _save(_editor_client(editor), url, body="私の書いた本文", version="1")
    page = response.content.decode()
    assert "別の編集者が保存しました" in page
    assert "私の書いた本文" in page
    chapter.refresh_from_db()
    assert chapter.title == "先の保存"


@pytest.mark.parametrize(
    ("quiz", "message"),
    [
        ("問題\n- a\n- b", "正解の選択肢を1つだけ"),
        ("問題\n* a", "選択肢を2つ以上"),
        ("問題\n* a\n* b", "正解の選択肢を1つだけ"),
    ],
)
def test_a_quiz_that_cannot_be_read_is_refused_with_nothing_written(
    editor: Any, book: Any, quiz: str, message: str
) -> None:
    with pytest.raises(PortalError, match=message):
        practice.parse_quiz(quiz)
    response = _save(
        _editor_client(editor),
        reverse("portal:editor_chapter_new", kwargs={"pk": book.pk}),
        quiz=quiz,
    )
    assert message in response.content.decode()
    assert not PracticeChapter.objects.exists()


def test_the_quiz_text_round_trips(editor: Any, book: Any) -> None:
    chapter = practice.edit_chapter(
        book=book, chapter=None, by=editor, title="t", body="b", quiz=QUIZ, base_version=None
    )
    assert practice.parse_quiz(practice.quiz_text(chapter)) == practice.parse_quiz(QUIZ)


def test_readers_download_a_chapter_pdf_others_do_not(editor: Any, book: Any) -> None:
    chapter = practice.edit_chapter(
        book=book, chapter=None, by=editor, title="メールの見分け方", body="差出人を確かめます。",
        quiz=QUIZ, base_version=None,
    )  # fmt: skip
    response = Client().get(reverse("portal:chapter_pdf", kwargs={"pk": chapter.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "メールの見分け方" in text and "開かずに担当者へ知らせる" in text

    book.audience = "members"
    book.save()
    assert Client().get(reverse("portal:chapter_pdf", kwargs={"pk": chapter.pk})).status_code == 404
    member, _m, _f = factories.member_with_facility()
    reader = Client()
    reader.force_login(member)
    assert reader.get(reverse("portal:chapter_pdf", kwargs={"pk": chapter.pk})).status_code == 200


def test_readers_cannot_edit(book: Any) -> None:
    member, _m, _f = factories.member_with_facility()
    client = Client()
    client.force_login(member)
    assert client.get(reverse("portal:editor_texts")).status_code == 403
