"""A clinic's member fills the FY2025 checklist in the browser: the opening question, a “yes”
with its date, a “no” refused until it has a target date in the fiscal year, then saved."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests import factories
from tests.e2e.steps import sign_in


def test_member_fills_the_self_assessment(page: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    sign_in(page, user.email, factories.TEST_PASSWORD)

    page.get_by_role("navigation").get_by_role("link", name="セキュリティ自己点検").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("セキュリティ自己点検")
    page.get_by_role("link", name="2025年度（令和7年度）の自己点検（医療機関確認用）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(facility.name)

    page.get_by_label("はい", exact=True).check()
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_text("18項目中 0項目回答済み")).to_be_visible()

    manager = page.locator("#item-security-manager")
    manager.get_by_label("はい", exact=True).check()
    manager.get_by_label("確認日").fill("2025-06-02")
    bcp = page.locator("#item-cyber-bcp")
    bcp.get_by_label("いいえ", exact=True).check()
    page.get_by_role("button", name="回答を保存する").click()

    expect(page.get_by_text("保存できませんでした。赤字の項目を直してください。")).to_be_visible()
    bcp = page.locator("#item-cyber-bcp")
    expect(bcp).to_contain_text("「いいえ」の項目には対応予定日が必要です。")
    bcp.get_by_label("対応予定日（「いいえ」のとき）").fill("2026-04-15")
    page.get_by_role("button", name="回答を保存する").click()
    expect(page.locator("#item-cyber-bcp")).to_contain_text(
        "対応予定日は2025年4月1日から2026年3月31日までの日付にしてください（同じ年度内）。"
    )

    page.locator("#item-cyber-bcp").get_by_label("対応予定日（「いいえ」のとき）").fill(
        "2026-02-27"
    )
    page.get_by_role("button", name="回答を保存する").click()
    expect(page.get_by_text("回答を保存しました。")).to_be_visible()
    expect(page.get_by_text("18項目中 2項目回答済み（11%）・はい 1・いいえ 1")).to_be_visible()
    expect(page.get_by_role("heading", name="回答の履歴")).to_be_visible()

    page.get_by_role("link", name="立入検査用の印刷画面").click()
    expect(page.get_by_role("row").filter(has_text="3-3")).to_contain_text("2026年2月27日")
