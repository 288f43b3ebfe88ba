"""A desk operator takes a call with the keyboard alone: finds the caller by the facility's
reading typed in half-width kana, logs the case, then escalates it to tier 2 (DESK-1, DESK-4)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from medcyber.desk.models import Case
from tests import factories
from tests.e2e.steps import SECOND_FACTOR_PATH, at_path, fresh_totp_code, sign_in


def test_an_operator_logs_a_call_with_the_keyboard_and_escalates_it(page: Any) -> None:
    caller = factories.MemberFactory(
        family_name="高橋", given_name="誠", family_name_kana="タカハシ", given_name_kana="マコト"
    )
    clinic = factories.FacilityFactory(
        name="高橋内科クリニック", name_kana="タカハシナイカクリニック"
    )
    factories.manage(clinic, caller)
    factories.FacilityFactory(name="田中眼科", name_kana="タナカガンカ")
    operator = factories.staff_user(Role.DESK_TIER1, mfa=False)
    secret = factories.enrol_totp(operator)

    sign_in(page, operator.email, factories.TEST_PASSWORD)
    expect(page).to_have_url(at_path(SECOND_FACTOR_PATH))
    page.get_by_label("コード").fill(fresh_totp_code(secret, used=set()))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="電話受付"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("電話受付")

    # the search box has the focus: type the reading as the caller says it, in half-width kana
    expect(page.get_by_label("相談者を検索")).to_be_focused()
    page.keyboard.type("ﾀｶﾊｼ")
    match = page.get_by_role("radio", name="高橋内科クリニック")
    expect(match).to_be_checked()  # the first match is chosen already
    expect(page.locator("#caller-matches")).not_to_contain_text("田中眼科")

    keys = page.keyboard
    keys.press("Tab")  # 検索 button
    keys.press("Tab")  # the chosen caller
    expect(match).to_be_focused()
    for _field in ("氏名", "電話番号", "施設名"):  # the registry knows them: left empty
        keys.press("Tab")
    keys.press("Tab")  # category: the first choice has the focus
    for _down in range(3):
        keys.press("ArrowDown")  # → サイバー攻撃を受けた
    keys.press("Tab")
    keys.press("Space")  # severity: 緊急
    keys.press("Tab")
    keys.press("Space")  # patient data may be involved
    keys.press("Tab")
    keys.type("電子カルテのサーバーが暗号化された")
    keys.press("Tab")
    keys.type("身代金要求の画面。LANケーブルは抜いた。")
    keys.press("Tab")
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "電子カルテのサーバーが暗号化された"
    )
    case = Case.unscoped.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    panel = page.locator("#case-panel")
    expect(panel).to_contain_text("高橋内科クリニック")
    expect(panel).to_contain_text("サイバー攻撃を受けた")
    expect(panel.locator("#case-status")).to_have_text("対応中")

    page.get_by_label("2次対応へ引き継ぐ理由").fill("暗号化が院内に広がっている")
    page.get_by_role("button", name="2次対応へ引き継ぐ", exact=True).click()
    expect(panel.locator("#case-tier")).to_have_text("2次対応")
    expect(panel).to_contain_text("暗号化が院内に広がっている")
    case.refresh_from_db()
    assert (case.tier, case.facility, case.member) == (2, clinic, caller)
