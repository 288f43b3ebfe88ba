"""A member whose clinic was hit by ransomware on 2024-03-10 and closed three days sees
¥400,000 with its lines, sees the account holder as the bank will read it, attaches the
documents asked for and submits the claim (PAY-1, PAY-2)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from medcyber.claims.models import Claim
from tests import factories
from tests.claims import factories as cf
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.usefixtures("clamd", "document_storage")

PDF = {"mimeType": "application/pdf", "buffer": b"%PDF-1.4 a copy of the report"}


def test_a_member_claims_400000_yen_for_a_ransomware_attack(page: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    incident = cf.ransomware(facility, user)

    sign_in(page, user.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="支援金の申請"
    ).click()
    page.get_by_role("link", name="支援金を申請する").click()

    quote = page.locator("#claim-quote")
    expect(quote.get_by_test_id("entitlement")).to_have_text("¥400,000")
    expect(quote).to_contain_text("基本額（サイバー攻撃の被害）")
    expect(quote).to_contain_text("休業加算（3日 × ¥100,000、上限¥300,000）")

    page.get_by_label("金融機関コード（4桁）").fill("0005")
    page.get_by_label("支店コード（3桁）").fill("001")
    page.get_by_label("口座番号（7桁）").fill("7654321")
    page.get_by_label("口座名義（カナ）").fill("医療法人社団 さくらかい")
    page.get_by_label("口座名義（カナ）").blur()
    expect(page.get_by_test_id("converted-name")).to_have_text("ｲ)ｻｸﾗｶｲ")
    page.get_by_label("日本医師会への報告 または 厚生労働省への報告の写し").set_input_files(
        {"name": "jma.pdf", **PDF}
    )
    page.get_by_label(
        "休業（新患受付の全面停止）3日を示す書類（掲示、予約記録など）"
    ).set_input_files({"name": "closed.pdf", **PDF})
    page.get_by_role("button", name="この内容で申請する").click()

    expect(page.get_by_test_id("claim-status")).to_have_text("申請受付")
    claim = Claim.unscoped.get(incident=incident)
    assert (claim.entitlement, claim.holder_name_zengin) == (400_000, "ｲ)ｻｸﾗｶｲ")
