"""An editor drafts, previews and publishes an article for programme members; a member then
finds it by a Japanese word from its body (PORTAL-1)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from tests import factories
from tests.e2e.steps import SECOND_FACTOR_PATH, at_path, fresh_totp_code, sign_in, sign_out

TITLE = "院内Wi-Fiの見直しのすすめ"
BODY = "## 確かめること\n\n**暗号化**の方式と、来院者用の回線が分かれているかを確かめましょう。"


def test_an_editor_publishes_and_a_member_finds_it_by_a_word(page: Any) -> None:
    editor = factories.staff_user(Role.CONTENT_EDITOR, mfa=False)
    secret = factories.enrol_totp(editor)
    member, _m, _facility = factories.member_with_facility()

    sign_in(page, editor.email, factories.TEST_PASSWORD)
    expect(page).to_have_url(at_path(SECOND_FACTOR_PATH))
    page.get_by_label("コード").fill(fresh_totp_code(secret, used=set()))
    page.get_by_role("button", name="ログイン", exact=True).click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="コンテンツ編集"
    ).click()
    page.get_by_role("link", name="記事を書く").click()
    page.get_by_label("タイトル").fill(TITLE)
    page.get_by_label("本文（Markdown）").fill(BODY)
    page.get_by_label("公開範囲").select_option(label="制度加入者（A①会員の施設）")
    page.get_by_role("button", name="プレビュー").click()
    preview = page.locator(".portal-preview")
    expect(preview.get_by_role("heading", name="確かめること")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("暗号化")

    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator(".messages")).to_contain_text("保存しました（第1版）")
    expect(page.locator("main")).to_contain_text("下書き")
    page.get_by_role("button", name="公開する", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("公開しました")
    sign_out(page)

    # a visitor who is not signed in does not find it: it is for members
    page.goto("/portal/search/?q=来院者")
    expect(page.locator("main")).to_contain_text("見つかりませんでした")

    sign_in(page, member.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="ポータル"
    ).click()
    page.get_by_label("キーワードで探す").fill("来院者")  # a word from the body only
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ポータルの検索")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".portal-body strong")).to_have_text("暗号化")
