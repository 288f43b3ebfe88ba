"""A member (no MFA: members are not programme staff) signs in and finds their facility."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests import factories
from tests.e2e.steps import (
    DASHBOARD_PATH,
    LOGIN_PATH,
    NEXT_DASHBOARD,
    at_path,
    has_horizontal_scroll,
    sign_in,
    watch_failed_responses,
)

WRONG_LOGIN = "入力されたメールアドレスもしくはパスワードが正しくありません。"


def test_member_signs_in_and_sees_their_facility(page: Any) -> None:
    user, member, facility = factories.member_with_facility()

    page.goto(LOGIN_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    expect(page.get_by_label("メールアドレス")).to_be_visible()
    expect(page.get_by_label("パスワード")).to_be_visible()

    sign_in(page, user.email, factories.TEST_PASSWORD)

    # No second factor for members: straight to the dashboard.
    expect(page).to_have_url(at_path(DASHBOARD_PATH))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ダッシュボード")
    expect(page.get_by_text(f"{member} 様、ようこそ。")).to_be_visible()
    expect(page.get_by_role("heading", name="あなたの施設")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=facility.name))
    expect(row).to_contain_text(facility.medical_institution_code)


def test_wrong_password_and_unknown_email_get_the_same_japanese_answer(page: Any) -> None:
    user, _member, _facility = factories.member_with_facility()

    sign_in(page, user.email, "Machigai-Password-2026")
    expect(page).to_have_url(at_path(LOGIN_PATH))
    expect(page.get_by_text(WRONG_LOGIN)).to_be_visible()
    answer_for_known_account = page.get_by_role("main").inner_text()

    sign_in(page, "dare-mo-inai@example.jp", "Machigai-Password-2026")
    expect(page).to_have_url(at_path(LOGIN_PATH))
    expect(page.get_by_text(WRONG_LOGIN)).to_be_visible()
    answer_for_unknown_address = page.get_by_role("main").inner_text()

    # The page reads the same whether or not the address has an account.
    assert answer_for_unknown_address == answer_for_known_account

    page.goto(DASHBOARD_PATH)
    expect(page).to_have_url(at_path(LOGIN_PATH, NEXT_DASHBOARD))


def test_member_dashboard_fits_a_phone_screen(page: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    page.set_viewport_size({"width": 375, "height": 812})
    # Without its stylesheet every page "fits"; make sure the layout under test is the real one.
    failed_responses = watch_failed_responses(page)

    page.goto(LOGIN_PATH)
    assert not has_horizontal_scroll(page), "the login page scrolls sideways on a phone"

    sign_in(page, user.email, factories.TEST_PASSWORD)
    expect(page).to_have_url(at_path(DASHBOARD_PATH))
    expect(page.get_by_role("link", name=facility.name)).to_be_visible()
    assert not has_horizontal_scroll(page), "the dashboard scrolls sideways on a phone"

    assert not failed_responses, f"page resources failed to load: {failed_responses}"
