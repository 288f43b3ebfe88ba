"""A member whose clinic was hit records the incident and sees, on one page, what they must
report, to whom, by when — then records the police report as done (INC-1, INC-2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.e2e.steps import sign_in


def test_a_member_records_a_ransomware_attack_and_sees_the_reports_due(page: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    discovered = timezone.localdate() - dt.timedelta(days=2)

    sign_in(page, user.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="インシデントと報告"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("インシデントと報告")
    page.get_by_role("link", name="インシデントを登録する").click()

    page.get_by_label("件名").fill("電子カルテがランサムウェアで暗号化された")
    page.get_by_label("種類").select_option(label="ランサムウェア")
    page.get_by_label("発覚日時").fill(f"{discovered.isoformat()}T08:30")
    page.get_by_label("個人データの本人の数（推定）").fill("1500")
    page.get_by_label("要配慮個人情報（診療録など）を含む").check()
    page.get_by_role("button", name="登録する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "電子カルテがランサムウェアで暗号化された"
    )
    expect(page.get_by_text("インシデントを登録しました。")).to_be_visible()
    table = page.get_by_role("region", name="必要な報告と期限")
    for name in (
        "厚生労働省への報告",
        "日本医師会への報告",
        "警察への通報・相談",
        "個人情報保護委員会への速報",
        "個人情報保護委員会への確報",
        "本人への通知",
    ):
        expect(table.get_by_role("rowheader", name=name)).to_be_visible()
    final = table.get_by_role("row").filter(has_text="個人情報保護委員会への確報")
    expect(final).to_contain_text("年")  # a Japanese date: 2026年1月5日
    expect(final).to_contain_text("月")

    police = table.get_by_role("row").filter(has_text="警察への通報・相談")
    police.get_by_text("実施を記録する").click()
    police.get_by_label("実施の記録（メモ）").fill("本富士警察署に相談")
    police.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("警察への通報・相談 を記録しました。")).to_be_visible()
    police = (
        page.get_by_role("region", name="必要な報告と期限")
        .get_by_role("row")
        .filter(has_text="警察への通報・相談")
    )
    expect(police).to_contain_text("完了")
    expect(police).to_contain_text("本富士警察署に相談")

    page.get_by_role("link", name="ダッシュボード").first.click()
    alerts = page.get_by_role("region", name="インシデントの報告期限").first
    expect(alerts).to_contain_text("個人情報保護委員会への速報")
    expect(alerts).not_to_contain_text("警察への通報・相談")
    assert facility.name in page.content()
