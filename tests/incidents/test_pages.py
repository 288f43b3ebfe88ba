"""A member records an incident on the screens, sees what to report by when, and records it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.incidents.models import Incident, JmaReport, Obligation
from tests import factories
from tests.incidents.factories import at, incident
from tests.pdf_fonts import embedded_fonts

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(facility_id: int | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "受付PCがランサムウェアに感染",
        "kind": "ransomware",
        "occurred_at": "2025-04-01T02:00",
        "discovered_at": "2025-04-01T08:30",
        "systems_affected": "電子カルテ",
        "care_interrupted": "on",
        "closure_days": "2025-04-01\n2025/4/2",
        "persons_affected": "1200",
        "data_items": "氏名、生年月日、病名",
        "sensitive_data": "on",
        "description": "朝、電子カルテが開けなくなった。",
        "cause": "VPN機器の脆弱性",
        "recurrence_measures": "VPN機器の更新",
    }
    if facility_id is not None:
        data["facility"] = facility_id
    data.update(overrides)
    return data


def test_a_member_records_an_incident_and_sees_what_to_report_by_when() -> None:
    user, _member, facility = factories.member_with_facility()
    client = _client(user)
    assert client.get(reverse("incidents:create")).status_code == 200
    response = client.post(reverse("incidents:create"), _form(facility.pk), follow=True)
    found = Incident.unscoped.get()
    assert response.redirect_chain[-1][0] == reverse("incidents:detail", kwargs={"pk": found.pk})
    page = response.content.decode()
    for text in (
        "厚生労働省への報告",
        "日本医師会への報告",
        "警察への通報・相談",
        "個人情報保護委員会への速報",
        "個人情報保護委員会への確報",
        "本人への通知",
        "2025年4月7日",  # preliminary: day 5 is a Saturday
        "2025年5月30日",  # final: 60 days (an attack)
        "直ちに",
        "期限切れ",
    ):
        assert text in page, text
    assert [str(d) for d in found.closure_days.values_list("day", flat=True)] == [
        "2025-04-01",
        "2025-04-02",
    ]


def test_a_form_with_contradicting_facts_says_so_and_saves_nothing() -> None:
    user, _member, facility = factories.member_with_facility()
    response = _client(user).post(
        reverse("incidents:create"),
        _form(facility.pk, persons_affected="0", discovered_at="2025-03-30T08:00"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "発覚日が発生日より前" in page
    assert not Incident.unscoped.exists()
    response = _client(user).post(
        reverse("incidents:create"), _form(facility.pk, closure_days="4月1日")
    )
    assert "日付として読めません" in response.content.decode()


def test_a_member_cannot_record_for_another_facility() -> None:
    user, _member, _facility = factories.member_with_facility()
    _other_user, _other, other_facility = factories.member_with_facility()
    response = _client(user).post(reverse("incidents:create"), _form(other_facility.pk))
    assert response.status_code == 200
    assert not Incident.unscoped.exists()


def test_editing_the_facts_shows_what_changed() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(
        facility,
        user,
        kind="mis_sent",
        persons_affected=10,
        sensitive_data=False,
        occurred_at=None,
        discovered_at=at(dt.date(2025, 4, 1)),
    )
    form = _form(
        kind="mis_sent",
        persons_affected="1001",
        sensitive_data="",
        occurred_at="",
        discovered_at="2025-04-01T10:00",
        closure_days="",
    )
    form.pop("sensitive_data")
    response = _client(user).post(
        reverse("incidents:edit", kwargs={"pk": found.pk}), form, follow=True
    )
    page = response.content.decode()
    assert "新たに必要になりました：個人情報保護委員会への確報（期限 2025年4月30日）" in page
    assert "個人情報保護委員会への速報" in page


def test_recording_a_report_done_with_a_note() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    today = timezone.localdate()
    url = reverse("incidents:obligation_update", kwargs={"pk": found.pk, "code": "police"})
    response = _client(user).post(
        url, {"status": "done", "done_on": today.isoformat(), "note": "本富士警察署に相談"}
    )
    assert response.status_code == 302
    police = Obligation.unscoped.get(incident=found, code="police")
    assert (police.status, police.done_on, police.evidence_note) == (
        "done",
        today,
        "本富士警察署に相談",
    )
    # a date in the future is refused with the reason
    response = _client(user).post(
        url, {"status": "done", "done_on": (today + dt.timedelta(days=3)).isoformat()}, follow=True
    )
    assert "未来の日付" in response.content.decode()


def test_filing_the_report_to_the_jma_from_the_incident() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    url = reverse("incidents:jma_report", kwargs={"pk": found.pk})
    page = _client(user).get(url).content.decode()
    assert "施設名：" in page
    response = _client(user).post(
        url, {"contents": "被害の報告です。", "contact_phone": ""}, follow=True
    )
    report = JmaReport.unscoped.get()
    assert f"受付番号 {report.number}" in response.content.decode()
    desk = factories.staff_user("desk_tier1")
    listing = _client(desk).get(reverse("incidents:jma_report_list")).content.decode()
    assert report.number in listing and facility.name in listing


def test_the_desk_sees_every_incident_and_its_deadlines() -> None:
    user, _member, facility = factories.member_with_facility()
    incident(facility, user)
    desk = _client(factories.staff_user("desk_tier2"))
    page = desk.get(reverse("incidents:list")).content.decode()
    assert (facility.name in page and "期限切れ" in page) or "至急" in page
    dashboard = desk.get(reverse("dashboard")).content.decode()
    assert "期限が近い・過ぎた報告が" in dashboard


def test_the_member_dashboard_lists_due_and_overdue_reports() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    page = _client(user).get(reverse("dashboard")).content.decode()
    assert "インシデントの報告期限" in page
    assert found.title in page
    assert "至急" in page


def test_read_only_staff_cannot_change_incidents() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    reviewer = _client(factories.staff_user("claims_reviewer"))
    assert reviewer.get(reverse("incidents:detail", kwargs={"pk": found.pk})).status_code == 200
    assert reviewer.get(reverse("incidents:edit", kwargs={"pk": found.pk})).status_code == 403
    assert reviewer.get(reverse("incidents:create")).status_code == 403


def test_the_drafts_are_prefilled_editable_and_print_as_pdf_with_a_japanese_font() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user, cause="VPN機器の脆弱性を突かれた")
    client = _client(user)
    url = reverse("incidents:drafts", kwargs={"pk": found.pk})
    page = client.get(url).content.decode()
    assert "VPN機器の脆弱性を突かれた" in page
    assert "(9) その他参考となる事項" in page
    data = {
        name: "確認済み"
        for name in (
            "summary",
            "data_items",
            "persons",
            "cause",
            "secondary_damage",
            "response_to_persons",
            "publication",
            "recurrence_measures",
            "other",
            "notice_text",
        )
    }
    data["recurrence_measures"] = "VPN機器を更新し、多要素認証を導入する"
    assert client.post(url, data).status_code == 302
    found.draft.refresh_from_db()
    assert found.draft.recurrence_measures == "VPN機器を更新し、多要素認証を導入する"
    for which in ("ppc", "notice"):
        response = client.get(
            reverse("incidents:draft_pdf", kwargs={"pk": found.pk, "which": which})
        )
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        fonts = embedded_fonts(response.content)
        assert any("CJK" in font for font in fonts), fonts  # the Japanese font is embedded


def test_the_history_names_each_change_as_the_screens_do() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    client = _client(user)
    data = _form(closure_days="", persons_affected="1300")
    data["title"] = "電子カルテ停止（更新）"
    data["discovered_at"] = timezone.localtime(found.discovered_at).strftime("%Y-%m-%dT%H:%M")
    data["occurred_at"] = timezone.localtime(found.occurred_at).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("incidents:edit", kwargs={"pk": found.pk}), data)
    page = client.get(reverse("incidents:detail", kwargs={"pk": found.pk})).content.decode()
    assert (
        "<strong>件名</strong>：電子カルテがランサムウェアで暗号化 → 電子カルテ停止（更新）" in page
    )
    assert "<strong>個人データの本人の数（推定）</strong>：1200 → 1300" in page


def test_the_drafts_can_be_written_again_after_the_facts_change() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user, cause="調査中")
    client = _client(user)
    url = reverse("incidents:drafts", kwargs={"pk": found.pk})
    client.get(url)
    from medcyber.incidents import services

    services.update_incident(incident=found, by=user, cause="VPN機器の脆弱性")
    assert "VPN機器の脆弱性" not in client.get(url).content.decode()
    response = client.post(url, {"redraft": "1"}, follow=True)
    page = response.content.decode()
    assert "下書きを作り直しました" in page and "VPN機器の脆弱性" in page
