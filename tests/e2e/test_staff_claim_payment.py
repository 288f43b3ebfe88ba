"""A claims reviewer recommends paying a member's claim, a different claims approver decides
it, then makes the payment batch and downloads its Zengin file, which reads back with the
claim's transfer (PAY-3 four eyes, PAY-4)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from medcyber.accounts.roles import Role
from medcyber.claims.models import Claim, ClaimStatus, PaymentBatch
from tests import factories
from tests.claims import factories as cf
from tests.claims import zengin_reader as reader
from tests.core.conftest import document_storage  # noqa: F401 - fixture used by name
from tests.e2e.steps import SECOND_FACTOR_PATH, at_path, fresh_totp_code, sign_in, sign_out

pytestmark = pytest.mark.usefixtures("document_storage")


def sign_in_with_totp(page: Any, user: Any, secret: str) -> None:
    sign_in(page, user.email, factories.TEST_PASSWORD)
    expect(page).to_have_url(at_path(SECOND_FACTOR_PATH))
    page.get_by_label("コード").fill(fresh_totp_code(secret, used=set()))
    page.get_by_role("button", name="ログイン", exact=True).click()


def review(page: Any, claim: Claim, reason: str, *actions: str) -> None:
    """Open the claim from the list and press each review button in turn, with the reason."""
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="支援金の申請"
    ).click()
    page.get_by_role("link", name=claim.number).click()
    for action in actions:
        page.get_by_label("理由・連絡事項").fill(reason)
        page.get_by_role("button", name=action, exact=True).click()
        expect(page.get_by_text("申請を更新しました。")).to_be_visible()


def test_a_reviewer_recommends_an_approver_decides_and_pays(page: Any, tmp_path: Any) -> None:
    member, _m, facility = factories.member_with_facility()
    claim = cf.submitted(cf.ransomware(facility, member), member)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER, mfa=False)
    approver = factories.staff_user(Role.CLAIMS_APPROVER, mfa=False)
    reviewer_secret = factories.enrol_totp(reviewer)
    approver_secret = factories.enrol_totp(approver)

    sign_in_with_totp(page, reviewer, reviewer_secret)
    review(page, claim, "報告書の写しと休業の記録を確認", "審査を始める", "支給の意見を出す")
    # four eyes: the reviewer cannot decide, and reviewers do not pay
    expect(page.get_by_role("button", name="支給を決定する", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="振込バッチ")).to_have_count(0)
    sign_out(page)

    sign_in_with_totp(page, approver, approver_secret)
    review(page, claim, "支給要件を満たす", "支給を決定する")
    expect(page.get_by_test_id("claim-status")).to_have_text("支給決定")

    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="振込バッチ"
    ).click()
    expect(page.get_by_test_id("waiting")).to_have_text("1件、合計¥400,000")
    page.get_by_role("button", name="振込バッチを作成する").click()
    expect(page.get_by_test_id("batch-total")).to_have_text("¥400,000")
    expect(page.locator("table")).to_contain_text(claim.number)

    with page.expect_download() as info:
        page.get_by_role("link", name="振込ファイル（全銀形式）をダウンロード").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    parsed = reader.read(saved.read_bytes())
    assert reader.check_totals(parsed) == {"count": 1, "total": 400_000}
    (record,) = parsed.data
    assert reader.text(record["recipient_name"]) == claim.holder_name_zengin
    batch = PaymentBatch.objects.get()
    assert Claim.unscoped.get(pk=claim.pk).status == ClaimStatus.BATCHED
    assert saved.name == f"zengin-{batch.pk}-{batch.transfer_date:%Y%m%d}.txt"
