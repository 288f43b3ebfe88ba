"""A desk operator looks a caller up in the registry: by the reading typed in hiragana, then
opens the member and one of their facilities (REG-1, REG-2; DESK-1 identifies callers so)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from tests import factories
from tests.e2e.steps import SECOND_FACTOR_PATH, at_path, fresh_totp_code, sign_in


def test_an_operator_finds_a_caller_by_the_reading_and_opens_their_facility(page: Any) -> None:
    caller = factories.MemberFactory(
        family_name="高橋", given_name="誠", family_name_kana="タカハシ", given_name_kana="マコト"
    )
    clinic = factories.FacilityFactory(
        name="高橋内科クリニック", name_kana="タカハシナイカクリニック"
    )
    factories.manage(clinic, caller)
    factories.MemberFactory(family_name="田中", family_name_kana="タナカ")
    operator = factories.staff_user(Role.DESK_TIER1, mfa=False)
    secret = factories.enrol_totp(operator)

    sign_in(page, operator.email, factories.TEST_PASSWORD)
    expect(page).to_have_url(at_path(SECOND_FACTOR_PATH))
    page.get_by_label("コード").fill(fresh_totp_code(secret, used=set()))
    page.get_by_role("button", name="ログイン", exact=True).click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="会員・施設検索"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("会員検索")
    page.get_by_label("会員番号・氏名・フリガナ").fill("たかはし")  # typed in hiragana
    page.get_by_role("button", name="検索", exact=True).click()

    results = page.locator("table")
    expect(results.get_by_role("link", name="高橋 誠")).to_be_visible()
    expect(results).not_to_contain_text("田中")
    expect(results.get_by_role("link", name="高橋内科クリニック")).to_be_visible()

    results.get_by_role("link", name="高橋 誠").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("高橋 誠")
    page.get_by_role("link", name="高橋内科クリニック").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("高橋内科クリニック")
    expect(page.locator("main")).to_contain_text("高橋 誠")
