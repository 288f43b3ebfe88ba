"""A facility administrator imports the staff, prepares a training campaign and a colleague
approves it; the mail goes out through a real SMTP server, a recipient falls for the imitation
login page and learns the signs, and the results show it — while nothing typed is kept
(TRAIN-1, TRAIN-2, TRAIN-3)."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import expect

from medcyber.training import reports, sending
from medcyber.training.models import Campaign
from tests import factories
from tests.core.conftest import clamd, clamd_server  # noqa: F401 - real ClamAV for the upload
from tests.e2e.steps import sign_in, sign_out
from tests.training.conftest import (  # noqa: F401 - a real IMAP server
    DOMAIN,
    dovecot_server,
    make_clinic,
    next_monday_9,
    report_mailbox,
)
from tests.training.dovecot import Dovecot

pytestmark = pytest.mark.usefixtures("clamd")  # the staff list is scanned

TYPED_USER = "tanaka-kango-0042"
TYPED_PASSWORD = "Haru-no-Sakura-2026"


def _everything_stored() -> str:
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_a_campaign_is_prepared_approved_sent_and_its_results_shown(
    page: Any,
    live_server: Any,
    smtp_sink: Any,
    report_mailbox: Dovecot,  # noqa: F811 - the fixture imported above
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.MEDCYBER_BASE_URL = live_server.url
    clinic = make_clinic(recipients=0)
    staff_list = tmp_path / "職員一覧.csv"
    staff_list.write_bytes(
        (
            "氏名,メールアドレス,部署,職種\n"
            f"田中 看護,tanaka@{DOMAIN},看護部,看護師\n"
            f"鈴木 受付,suzuki@{DOMAIN},受付,事務\n"
            f"佐々木 検査,sasaki@{DOMAIN},検査室,臨床検査技師\n"
        ).encode("cp932")
    )

    # the facility's administrator imports the staff list into a group
    sign_in(page, clinic.admin.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="メール訓練"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("標的型攻撃メール訓練")
    page.get_by_role("link", name="訓練対象者").click()
    page.get_by_role("link", name=re.compile("全職員")).click()
    page.get_by_label("職員一覧のファイル（CSV または Excel）").set_input_files(str(staff_list))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".messages")).to_contain_text("3名を追加し、0名を更新しました。")

    # … creates the campaign and asks for approval
    page.get_by_role("link", name="訓練の一覧").click()
    page.get_by_role("link", name="訓練を作成する").click()
    start = next_monday_9()
    page.get_by_label("訓練名").fill("春の標的型攻撃メール訓練")
    page.get_by_label("対象グループ").select_option(label=f"{clinic.facility.name} — 全職員（3名）")
    page.get_by_label("テンプレート").select_option(label="アカウントの警告（普通）")
    page.get_by_label(re.compile("^送信開始")).fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(re.compile("^送信終了")).fill(
        (start + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="下書きを保存する").click()
    expect(page.get_by_test_id("campaign-state")).to_have_text("下書き")
    page.get_by_role("button", name="承認を依頼する").click()
    expect(page.get_by_test_id("campaign-state")).to_have_text("承認待ち")
    expect(page.get_by_role("button", name="承認する")).to_have_count(0)  # not by its author
    campaign_url = page.url
    sign_out(page)

    # a second administrator approves it
    sign_in(page, clinic.second_admin.email, factories.TEST_PASSWORD)
    page.goto(campaign_url)
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_test_id("campaign-state")).to_have_text("送信予定")

    # the worker's code sends it to a real SMTP server
    campaign = Campaign.unscoped.get(name="春の標的型攻撃メール訓練")
    assert sending.send_campaign_now(campaign).sent == 3
    mail = next(m for m in smtp_sink.messages if "tanaka@" in str(m["To"]))
    link = re.search(r"https?://\S+/t/c/\S+/", mail.get_body(("plain",)).get_content())
    assert link is not None

    # a recipient opens the link and types into the imitation login page
    trainee = page.context.browser.new_context(locale="ja-JP", base_url=live_server.url)
    trainee_page = trainee.new_page()
    trainee_page.goto(link.group(0))
    expect(trainee_page.get_by_role("heading", level=1)).to_have_text("メールシステム ログイン")
    trainee_page.get_by_label("ユーザーID").fill(TYPED_USER)
    trainee_page.get_by_label("パスワード").fill(TYPED_PASSWORD)
    trainee_page.get_by_role("button", name="ログイン").click()
    expect(trainee_page.get_by_role("heading", level=1)).to_have_text(
        "これは標的型攻撃メールの訓練でした"
    )
    expect(trainee_page.locator("main")).to_contain_text(
        "入力された内容は、どこにも送信・保存されていません"
    )
    expect(trainee_page.locator("main")).to_contain_text(
        "院内の情報システム担当は、メールのリンクからパスワードの入力を求めません"
    )
    trainee.close()

    # another recipient forwards the mail to the facility's report address, which is read
    report_address = page.get_by_test_id("report-address").inner_text()
    assert report_address == reports.report_address(clinic.facility.pk)
    suzuki = next(m for m in smtp_sink.messages if "suzuki@" in str(m["To"]))
    forward = EmailMessage()
    forward["From"], forward["To"] = f"suzuki@{DOMAIN}", report_address
    forward["Subject"] = "Fwd: " + str(suzuki["Subject"])
    forward.set_content("怪しいメールが届きました。")
    forward.add_attachment(suzuki)
    report_mailbox.deliver(forward.as_bytes())
    assert reports.read_mailbox().reported == 1

    # the results show it, and nothing typed is anywhere in the database
    page.reload()
    expect(page.get_by_test_id("campaign-state")).to_have_text("完了")
    expect(page.locator("main")).to_contain_text("3通を送信しました。")
    expect(page.get_by_test_id("funnel-clicked")).to_contain_text("33%")
    expect(page.get_by_test_id("funnel-submitted")).to_contain_text("33%")
    expect(page.get_by_test_id("funnel-reported")).to_contain_text("33%")
    stored = _everything_stored()
    assert TYPED_USER not in stored and TYPED_PASSWORD not in stored
