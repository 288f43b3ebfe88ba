"""The training screens: a facility admin prepares a campaign, a colleague approves it, and
the results read plainly. Other facilities' admins and the facility's own staff see nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.training import sending, tracking
from medcyber.training.models import Campaign, CampaignState, Message, TrackingKind
from tests import factories

from .conftest import (
    Clinic,
    approved_campaign,
    draft_campaign,
    library_template,
    make_clinic,
    next_monday_9,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_creates_submits_and_a_colleague_approves(clinic: Clinic) -> None:
    start = next_monday_9()
    response = _client(clinic.admin).post(
        reverse("training:campaign_create"),
        {
            "name": "新年度の訓練",
            "group": clinic.group.pk,
            "template": library_template("fake-invoice").pk,
            "window_start": start.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (start + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
            "day_start_hour": 9,
            "day_end_hour": 17,
            "weekdays_only": "on",
        },
    )
    campaign = Campaign.unscoped.get(name="新年度の訓練")
    assert response["Location"] == reverse("training:campaign_detail", args=[campaign.pk])
    page = _client(clinic.admin).get(response["Location"]).content.decode()
    assert "下書き" in page and "承認を依頼する" in page

    action = reverse("training:campaign_action", args=[campaign.pk, "submit"])
    _client(clinic.admin).post(action)
    page = _client(clinic.admin).get(response["Location"]).content.decode()
    assert "承認待ち" in page and "承認する" not in page  # the author cannot approve

    colleague = _client(clinic.second_admin)
    assert "承認する" in colleague.get(response["Location"]).content.decode()
    colleague.post(reverse("training:campaign_action", args=[campaign.pk, "approve"]))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SCHEDULED
    assert Message.unscoped.filter(campaign=campaign).count() == 5


def test_a_past_window_is_refused_on_the_form(clinic: Clinic) -> None:
    start = timezone.localtime() - dt.timedelta(days=10)
    response = _client(clinic.admin).post(
        reverse("training:campaign_create"),
        {
            "name": "過去",
            "group": clinic.group.pk,
            "template": library_template().pk,
            "window_start": start.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "day_start_hour": 9,
            "day_end_hour": 17,
        },
    )
    assert response.status_code == 200
    assert "送信期間がすでに過ぎています" in response.content.decode()


def test_results_read_plainly(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic)
    sending.send_campaign_now(campaign)
    messages = list(Message.unscoped.filter(campaign=campaign).order_by("pk"))
    tracking.record_hit(messages[0], TrackingKind.SUBMITTED)
    tracking.record_hit(messages[1], TrackingKind.CLICKED)
    tracking.record_hit(messages[2], TrackingKind.REPORTED)
    page = _client(clinic.admin).get(reverse("training:campaign_detail", args=[campaign.pk]))
    html = page.content.decode()
    assert "5通を送信しました" in html
    funnel = {
        key: html.split(f'data-testid="funnel-{key}"', 1)[1].split("</tr>", 1)[0]
        for key in ("opened", "clicked", "submitted", "reported")
    }
    assert ">2<" in funnel["opened"] and "40%" in funnel["opened"]
    assert ">2<" in funnel["clicked"] and "40%" in funnel["clicked"]
    assert ">1<" in funnel["submitted"] and "20%" in funnel["submitted"]
    assert ">1<" in funnel["reported"] and "20%" in funnel["reported"]
    assert "内科" in html and "看護師" in html  # by department and job type
    assert "最初の報告は送信開始から" in html
    # one facility alone: no programme average that would only repeat (or reveal) it
    assert "訓練を行った施設が 5 施設以上になると表示します" in html


def test_the_programme_average_mixes_at_least_five_facilities(smtp_sink: Any) -> None:
    clinics = [make_clinic(domain=f"clinic{i}.example.jp") for i in range(5)]
    for clinic in clinics:
        sending.send_campaign_now(approved_campaign(clinic))
    first = Message.unscoped.filter(campaign__facility=clinics[0].facility).first()
    assert first is not None
    tracking.record_hit(first, TrackingKind.CLICKED)
    campaign = first.campaign
    html = _client(clinics[1].admin).get(reverse("training:campaign_detail", args=[campaign.pk]))
    assert html.status_code == 404  # the other facilities still see only their own
    page = _client(clinics[0].admin).get(reverse("training:campaign_detail", args=[campaign.pk]))
    clicked = page.content.decode().split('data-testid="funnel-clicked"', 1)[1].split("</tr>")[0]
    assert "20%" in clicked and "4%" in clicked  # 1 of 5 here; 1 of 25 across the programme


def test_other_facilities_and_the_trainees_see_nothing(clinic: Clinic) -> None:
    campaign = draft_campaign(clinic)
    other = make_clinic(domain="other-clinic.jp")
    stranger = _client(other.admin)
    assert stranger.get(reverse("training:campaign_detail", args=[campaign.pk])).status_code == 404
    assert stranger.get(reverse("training:group_detail", args=[clinic.group.pk])).status_code == 404
    assert "春の訓練" not in stranger.get(reverse("training:campaign_list")).content.decode()
    assert clinic.facility.name not in stranger.get(reverse("training:group_list")).content.decode()
    response = stranger.post(reverse("training:campaign_action", args=[campaign.pk, "cancel"]))
    assert response.status_code == 404

    trainee = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(clinic.facility, trainee)
    assert _client(trainee).get(reverse("training:campaign_list")).status_code == 403


def test_association_staff_see_every_facility(clinic: Clinic) -> None:
    campaign = draft_campaign(clinic)
    staff = factories.staff_user(Role.ASSOCIATION_ADMIN)
    page = _client(staff).get(reverse("training:campaign_list")).content.decode()
    assert "春の訓練" in page and clinic.facility.name in page
    assert (
        _client(staff).get(reverse("training:campaign_detail", args=[campaign.pk])).status_code
        == 200
    )


def test_the_group_page_imports_a_file(
    clinic: Clinic, clamd: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    url = reverse("training:group_detail", args=[clinic.group.pk])
    bad = "氏名,メールアドレス,部署,職種\n山田,yamada@gmail.com,受付,事務\n".encode()
    response = _client(clinic.admin).post(url, {"file": SimpleUploadedFile("staff.csv", bad)})
    html = response.content.decode()
    assert "1件の誤りがあるため、取り込みませんでした" in html and "yamada@gmail.com" in html
    good = "氏名,メールアドレス,部署,職種\n山田,yamada@sakura-clinic.jp,受付,事務\n".encode()
    response = _client(clinic.admin).post(
        url, {"file": SimpleUploadedFile("staff.csv", good)}, follow=True
    )
    assert "1名を追加し、0名を更新しました" in response.content.decode()


def test_results_export_as_csv_and_excel(clinic: Clinic, smtp_sink: Any) -> None:
    import io

    import openpyxl

    from medcyber.core.models import AuditEvent

    campaign = approved_campaign(clinic)
    sending.send_campaign_now(campaign)
    message = Message.unscoped.filter(campaign=campaign).order_by("pk").first()
    assert message is not None
    tracking.record_hit(message, TrackingKind.CLICKED)
    client = _client(clinic.admin)
    response = client.get(reverse("training:campaign_export", args=[campaign.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("氏名,メールアドレス,部署,職種,送信状態")
    assert len(lines) == 6 and message.recipient.email in text
    response = client.get(reverse("training:campaign_export", args=[campaign.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row == 6
    assert AuditEvent.objects.filter(action="training.campaign.export").count() == 2
    other = make_clinic(domain="other-clinic.jp")
    url = reverse("training:campaign_export", args=[campaign.pk, "csv"])
    assert _client(other.admin).get(url).status_code == 404


def test_the_facility_history_and_repeat_clickers(clinic: Clinic, smtp_sink: Any) -> None:
    first = approved_campaign(clinic)
    sending.send_campaign_now(first)
    clicker = Message.unscoped.filter(campaign=first).order_by("pk").first()
    assert clicker is not None
    tracking.record_hit(clicker, TrackingKind.CLICKED)
    start = next_monday_9() + dt.timedelta(days=7)
    second = draft_campaign(clinic, "delivery-notice", window_start=start)
    from medcyber.training import services

    services.submit_for_approval(campaign=second, by=clinic.admin)
    services.approve(campaign=second, by=clinic.second_admin)
    sending.send_campaign_now(second)
    again = Message.unscoped.get(campaign=second, recipient=clicker.recipient)
    tracking.record_hit(again, TrackingKind.CLICKED)
    html = _client(clinic.admin).get(reverse("training:campaign_detail", args=[second.pk]))
    page = html.content.decode()
    assert "前回までの訓練でもリンクを開いた人が 1 名います" in page
    history = page.split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    assert history.count("<tr>") == 3 and "20%" in history  # header + two campaigns
