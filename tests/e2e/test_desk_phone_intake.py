"""The desk's first journey: a tier-1 operator takes a call with the keyboard alone (finds
the caller by the facility's reading typed in half-width kana, logs the case), escalates it to
tier 2 with a reason; a tier-2 operator finds a forensic firm in the referral directory,
records the member's consent, refers the member and records the outcome (DESK-1, 4, 5)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from medcyber.desk.choices import PartnerKind
from medcyber.desk.models import Case, Referral, ReferralPartner
from tests import factories
from tests.e2e.steps import SECOND_FACTOR_PATH, at_path, fresh_totp_code, sign_in, sign_out


def test_a_call_is_logged_escalated_and_referred_to_a_forensic_firm(page: Any) -> None:
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

    # tier 2 picks the case up from its queue
    firm = ReferralPartner.objects.create(
        name="東京デジタル鑑識株式会社",
        kind=PartnerKind.FORENSIC,
        regions="全国",
        specialities="ランサムウェアの被害調査、ログ保全",
        phone="03-1234-5678",
    )
    ReferralPartner.objects.create(
        name="医療法務法律事務所", kind=PartnerKind.LAWYER, regions="全国", phone="03-8765-4321"
    )
    sign_out(page)
    tier2 = factories.staff_user(Role.DESK_TIER2, mfa=False)
    tier2_secret = factories.enrol_totp(tier2)
    sign_in(page, tier2.email, factories.TEST_PASSWORD)
    page.get_by_label("コード").fill(fresh_totp_code(tier2_secret, used=set()))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="相談の一覧"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2次対応の一覧")
    page.get_by_role("link", name=case.reference).click()
    expect(panel).to_contain_text("暗号化が院内に広がっている")  # the reason, read first

    # the referral directory: forensic investigators only
    page.get_by_role("link", name="紹介先の一覧を見る").click()
    page.get_by_label("種別").select_option(label="フォレンジック調査会社")
    page.get_by_role("button", name="絞り込む").click()
    directory = page.get_by_role("region", name="紹介先の専門事業者")
    expect(directory).to_contain_text("東京デジタル鑑識株式会社")
    expect(directory).not_to_contain_text("医療法務法律事務所")
    page.go_back()
    page.go_back()

    # the member agreed on the phone: consent first, then the referral
    page.get_by_label(re.compile(r"^紹介先")).select_option(
        label=f"{firm.name}（フォレンジック調査会社・全国）"
    )
    page.get_by_label("会員から紹介の同意を得た").check()
    page.get_by_label(re.compile(r"^同意の方法")).select_option(label="電話で口頭の同意")
    page.get_by_label("同意の記録（誰が、いつ、何に同意したか）").fill(
        "高橋院長が電話で、調査会社への連絡先と被害状況の提供に同意"
    )
    page.get_by_role("button", name="同意を記録して紹介する").click()
    referral_line = page.locator(".referral > p")  # the firm, the status, the consent
    expect(referral_line).to_contain_text("東京デジタル鑑識株式会社")
    expect(referral_line).to_contain_text("紹介済み")
    expect(referral_line).to_contain_text("高橋院長が電話で")

    # the firm took the job: the outcome goes on the case
    page.get_by_label("結果", exact=True).select_option(label="契約・対応開始")
    page.get_by_label("結果の内容", exact=True).fill("翌朝に訪問してログを保全する")
    page.get_by_role("button", name="結果を記録").click()
    expect(referral_line).to_contain_text("契約・対応開始")
    expect(page.locator("#case-panel .timeline")).to_contain_text(
        "東京デジタル鑑識株式会社: 契約・対応開始 翌朝に訪問してログを保全する"
    )
    referral = Referral.unscoped.get(case=case)
    assert (referral.partner, referral.status, referral.consent_recorded_by) == (
        firm,
        "engaged",
        tier2,
    )
