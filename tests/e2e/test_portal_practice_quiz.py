"""A facility's staff member reads a chapter of the practice text and answers its quiz; the
facility's administrator then sees the result (PORTAL-1, employee texts)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from medcyber.portal import practice
from medcyber.portal.models import PracticeBook, QuizQuestion
from medcyber.registry.choices import FacilityStaffRole
from tests import factories
from tests.e2e.steps import sign_in, sign_out

BOOK = "診療所職員のための実践テキスト"


def test_a_staff_member_completes_a_quiz_and_the_admin_sees_it(page: Any) -> None:
    book = PracticeBook.objects.create(title=BOOK, audience="members", is_published=True)
    chapter = practice.save_chapter(
        book=book,
        number=1,
        title="メールと添付ファイル",
        body="添付ファイルは**確かめてから**開きます。",
    )
    QuizQuestion.objects.create(
        chapter=chapter, position=1, text="知らない差出人の請求書は？",
        choices=["すぐ開く", "開かずに確かめる"], correct_index=1,
    )  # fmt: skip
    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    staff = factories.UserFactory(display_name="受付 花子", roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, staff)

    sign_in(page, staff.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="ポータル"
    ).click()
    page.get_by_role("link", name="職員向け実践テキスト").click()
    page.get_by_role("link", name=BOOK).click()
    expect(page.locator(".portal-chapter strong")).to_have_text("確かめてから")
    page.get_by_role("link", name="この章の確認問題に答える").click()
    page.get_by_label("開かずに確かめる").check()
    page.get_by_role("button", name="答え合わせをする").click()
    expect(page.get_by_role("heading", name="1問中1問正解")).to_be_visible()
    sign_out(page)

    sign_in(page, admin.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="ポータル"
    ).click()
    page.get_by_role("link", name="確認問題の結果").click()
    row = page.get_by_role("row", name="受付 花子")
    expect(row).to_contain_text("メールと添付ファイル")
    expect(row).to_contain_text("1 / 1")
