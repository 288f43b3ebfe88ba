"""The whole of a clinic's year with the guideline, in one journey (issue “done means”): it
answers the FY2025 checklist, registers its VPN appliance, is warned of a known-exploited flaw
and marks it planned, asks the desk about an item, and downloads the inspection PDF — whose
text holds the answers, the asset and the plan, as the inspector will read them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from medcyber.desk.models import Case
from medcyber.guideline.kev import import_catalogue
from medcyber.guideline.models import ItemQuestion
from tests import factories
from tests.e2e.steps import sign_in

CATALOGUE = {
    "catalogVersion": "2025.01.14",
    "dateReleased": "2025-01-14T00:00:00.000Z",
    "count": 2,
    "vulnerabilities": [
        {
            "cveID": "CVE-2024-55591",
            "vendorProject": "Fortinet",
            "product": "FortiOS and FortiProxy",
            "vulnerabilityName": "Fortinet FortiOS Authentication Bypass Vulnerability",
            "dateAdded": "2025-01-14",
            "shortDescription": "An authentication bypass lets a remote attacker gain rights.",
            "requiredAction": "Apply mitigations per vendor instructions.",
            "dueDate": "2025-01-21",
            "knownRansomwareCampaignUse": "Known",
        },
        {
            "cveID": "CVE-2024-21887",
            "vendorProject": "Ivanti",
            "product": "Connect Secure",
            "vulnerabilityName": "Ivanti Connect Secure Command Injection Vulnerability",
            "dateAdded": "2024-01-10",
            "requiredAction": "Apply mitigations per vendor instructions.",
            "knownRansomwareCampaignUse": "Unknown",
        },
    ],
}


def _pdf_text(path: Path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")


def test_a_clinic_gets_ready_for_the_inspection(page: Any, tmp_path: Path) -> None:
    catalogue = tmp_path / "kev.json"
    catalogue.write_text(json.dumps(CATALOGUE), encoding="utf-8")
    assert not import_catalogue(catalogue).problems
    user, _member, facility = factories.member_with_facility()
    sign_in(page, user.email, factories.TEST_PASSWORD)

    # the FY2025 checklist: the opening question, a “yes” with its date, a “no” with its plan
    page.get_by_role("navigation").get_by_role("link", name="セキュリティ自己点検").click()
    page.get_by_role("link", name="2025年度（令和7年度）の自己点検（医療機関確認用）").click()
    page.get_by_label("はい", exact=True).check()
    page.get_by_role("button", name="次へ").click()
    manager = page.locator("#item-security-manager")
    manager.get_by_label("はい", exact=True).check()
    manager.get_by_label("確認日").fill("2025-06-02")
    bcp = page.locator("#item-cyber-bcp")
    bcp.get_by_label("いいえ", exact=True).check()
    bcp.get_by_label("対応予定日（「いいえ」のとき）").fill("2026-02-27")
    bcp.get_by_label("備考").fill("BCPは顧問の保守事業者と作成中")
    page.get_by_role("button", name="回答を保存する").click()
    expect(page.get_by_text("回答を保存しました。")).to_be_visible()
    expect(page.get_by_text("18項目中 2項目回答済み（11%）・はい 1・いいえ 1")).to_be_visible()

    # the VPN appliance, registered on its own screen: warned at once
    page.get_by_role("link", name="資産台帳").first.click()
    page.get_by_role("link", name="資産を1件登録する").click()
    page.get_by_label("種類").select_option(label="VPN装置")
    page.get_by_label("名称").fill("本院VPN装置")
    page.get_by_label("メーカー").fill("Fortinet")
    page.get_by_label("製品名").fill("ＦｏｒｔｉＯＳ")
    page.get_by_label("バージョン").fill("7.0.12")
    page.get_by_label("インターネットに接続").check()
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("資産を登録しました。")).to_be_visible()
    expect(page.get_by_text("この機器には悪用が確認された脆弱性が1件あります。")).to_be_visible()
    warning = page.locator("article[data-cve='CVE-2024-55591']")
    expect(warning).to_contain_text("本院VPN装置")
    expect(warning).to_contain_text("ランサムウェアでの悪用が確認されています")
    expect(warning).to_contain_text("Apply mitigations per vendor instructions.")

    # marked planned, with the date the vendor will patch it
    warning.get_by_label("状況").select_option(label="対応予定")
    warning.get_by_label("対応予定日").fill("2025-12-20")
    warning.get_by_role("button", name="保存").click()
    expect(page.get_by_text("脆弱性への対応状況を保存しました。")).to_be_visible()
    warning = page.locator("article[data-cve='CVE-2024-55591']")
    expect(warning).to_contain_text("対応予定（2025年12月20日）")

    # a question to the desk about the BCP item; its status shows beside the item
    page.goto(f"/guideline/facilities/{facility.pk}/institution/2025/")
    page.locator("#item-cyber-bcp").get_by_role(
        "link", name="この項目について相談窓口に質問する"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("この項目について相談窓口に質問する")
    page.get_by_label("相談窓口への質問").fill("診療所向けのBCPの雛形はありますか。")
    page.get_by_role("button", name="相談窓口に送る").click()
    case = Case.unscoped.get()
    expect(
        page.get_by_text(f"相談窓口に質問を送りました（受付番号 {case.reference}）")
    ).to_be_visible()
    bcp = page.locator("#item-cyber-bcp")
    expect(bcp).to_contain_text(case.reference)
    expect(bcp).to_contain_text("新規")
    assert case.category == "guideline" and case.facility_id == facility.pk
    assert ItemQuestion.unscoped.get().item.key == "cyber-bcp"

    # the inspection report as the inspector gets it
    with page.expect_download() as download:
        page.get_by_role("link", name="PDFでダウンロード").click()
    path = tmp_path / "checklist.pdf"
    download.value.save_as(path)
    text = _pdf_text(path)
    for expected in (
        "医療機関におけるサイバーセキュリティ対策チェックリスト",
        facility.name.replace(" ", ""),
        "2025年6月2日",  # the date the manager item was checked
        "2026年2月27日",  # the BCP's target date
        "BCPは顧問の保守事業者と作成中",
        "別紙:資産台帳",
        "本院VPN装置",
        "CVE-2024-55591",
        "対応予定",
        "2025年12月20日",
    ):
        assert expected in text, expected
