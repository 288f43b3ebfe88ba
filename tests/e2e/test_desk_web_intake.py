"""A member writes to the desk while it is closed and is told at once when it will answer
(DESK-1, DESK-3): the form's guidance, the reference, the next opening time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from medcyber.desk.models import Case, DeskHours
from tests import factories
from tests.e2e.steps import sign_in


def test_a_member_writes_in_while_the_desk_is_closed(page: Any) -> None:
    today = timezone.localdate()
    # the desk is closed all day today (hours are data): it opens tomorrow at 06:00
    DeskHours.objects.create(
        effective_from=today - dt.timedelta(days=7),
        opens=dt.time(6),
        closes=dt.time(21),
        weekdays="".join(str(d) for d in range(7) if d != today.weekday()),
    )
    user, _member, facility = factories.member_with_facility()

    sign_in(page, user.email, factories.TEST_PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="相談窓口へのご相談"
    ).click()
    page.get_by_role("link", name="新しく相談する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("相談窓口に相談する")
    page.get_by_text("サイバー攻撃を受けた", exact=True).first.click()  # the guidance
    expect(page.get_by_text("身代金は支払わないでください。")).to_be_visible()

    form = page.locator("form.form")
    form.get_by_label("サイバー攻撃を受けた").check()
    form.get_by_label("高（診療に影響がある）").check()
    form.get_by_label("わからない").check()
    form.get_by_label("件名").fill("受付のパソコンに脅迫文")
    form.get_by_label("相談内容").fill("<b>英語の画面</b>が出て、ファイルが開けない。")
    form.get_by_role("button", name="相談を送る").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("受付のパソコンに脅迫文")
    tomorrow = today + dt.timedelta(days=1)
    case = Case.unscoped.get(summary="受付のパソコンに脅迫文")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator("#opening-notice")).to_have_text(
        f"ただいま受付時間外です。相談窓口は {tomorrow.year}年{tomorrow.month}月{tomorrow.day}日"
        " 06:00 から対応します。"
    )
    expect(page.get_by_text("<b>英語の画面</b>が出て")).to_be_visible()  # shown as typed
    assert case.facility == facility and case.out_of_hours
