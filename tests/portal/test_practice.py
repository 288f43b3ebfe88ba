"""Employee practice texts: a whole book on one printable page, a chapter quiz graded and kept,
and a facility's administrator seeing their staff's results — never another facility's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.portal import practice
from medcyber.portal.models import PracticeBook, QuizQuestion, QuizResult
from medcyber.registry.choices import FacilityStaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter() -> Any:
    book = PracticeBook.objects.create(
        title="職員向けテキスト", audience="members", is_published=True
    )
    first = practice.save_chapter(
        book=book, number=1, title="パスワード", body="**長く**しましょう。"
    )
    practice.save_chapter(book=book, number=2, title="メール", body="添付に注意。")
    for position, correct in ((1, 1), (2, 0)):
        QuizQuestion.objects.create(
            chapter=first,
            position=position,
            text=f"問{position}",
            choices=["ア", "イ"],
            correct_index=correct,
        )
    return first


def _facility_with(admin_email: str) -> tuple[Any, Any, Any]:
    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(email=admin_email, roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    staff = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, staff)
    return facility, admin, staff


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_book_is_one_page_with_every_chapter(chapter: Any) -> None:
    _f, _a, staff = _facility_with("kanri@example.jp")
    html = _client(staff).get(reverse("portal:book", args=[chapter.book_id])).content.decode()
    assert "第1章" in html and "第2章" in html and "<strong>長く</strong>" in html
    assert Client().get(reverse("portal:book", args=[chapter.book_id])).status_code == 404


def test_a_staff_member_answers_and_the_admin_sees_the_result(chapter: Any) -> None:
    facility, admin, staff = _facility_with("kanri@example.jp")
    questions = list(chapter.questions.all())
    answers = {f"q{questions[0].pk}": "1", f"q{questions[1].pk}": "1"}
    html = (
        _client(staff).post(reverse("portal:chapter", args=[chapter.pk]), answers).content.decode()
    )
    assert "2問中1問正解" in html
    result = QuizResult.unscoped.get()
    assert (result.user, result.facility, result.correct) == (staff, facility, 1)
    page = _client(admin).get(reverse("portal:quiz_results", args=[facility.pk]))
    assert str(staff) in page.content.decode() and "1 / 2" in page.content.decode()


def test_unanswered_questions_are_refused(chapter: Any) -> None:
    _f, _a, staff = _facility_with("kanri@example.jp")
    html = _client(staff).post(reverse("portal:chapter", args=[chapter.pk]), {}).content.decode()
    assert "すべての問題に答えてください" in html
    assert not QuizResult.unscoped.exists()


def test_an_admin_never_sees_another_facilitys_results(chapter: Any) -> None:
    facility_a, admin_a, _staff_a = _facility_with("a@example.jp")
    facility_b, _admin_b, staff_b = _facility_with("b@example.jp")
    practice.grade(
        chapter=chapter,
        user=staff_b,
        answers={q.pk: 0 for q in chapter.questions.all()},
    )
    client = _client(admin_a)
    assert client.get(reverse("portal:quiz_results", args=[facility_b.pk])).status_code == 404
    assert (
        str(staff_b)
        not in client.get(reverse("portal:quiz_results", args=[facility_a.pk])).content.decode()
    )
    assert QuizResult.objects.visible_to(admin_a).count() == 0
