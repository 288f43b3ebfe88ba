"""The results drawn as charts (server-side SVG, no JavaScript) and printed as a PDF report,
scoped and recorded like the results page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from medcyber.core.models import AuditEvent
from medcyber.training import sending, tracking
from medcyber.training.models import Campaign, Message, TrackingKind

from .conftest import Clinic, approved_campaign, make_clinic

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _campaign_with_results(clinic: Clinic) -> Campaign:
    campaign = approved_campaign(clinic)
    sending.send_campaign_now(campaign)
    messages = list(Message.unscoped.filter(campaign=campaign).order_by("pk"))
    tracking.record_hit(messages[0], TrackingKind.SUBMITTED)
    tracking.record_hit(messages[1], TrackingKind.CLICKED)
    tracking.record_hit(messages[2], TrackingKind.REPORTED)
    return campaign


def _svg(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</svg>", 1)[0]


def test_the_results_page_draws_the_funnel_and_the_timeline(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = _campaign_with_results(clinic)
    html = (
        _client(clinic.admin)
        .get(reverse("training:campaign_detail", args=[campaign.pk]))
        .content.decode()
    )
    funnel = _svg(html, "funnel-chart")
    assert "<svg" in funnel and "Noto Sans CJK JP" in funnel
    figures = {
        key: funnel.split(f'data-key="{key}">', 1)[1].split("</text>", 1)[0]
        for key in ("sent", "opened", "clicked", "submitted", "reported")
    }
    assert figures["sent"].startswith("5通")
    assert figures["opened"] == "2通 40%"
    assert figures["clicked"] == "2通 40%"
    assert figures["submitted"] == "1通 20%"
    assert figures["reported"] == "1通 20%"
    assert "リンクを開いた" in funnel and "不審なメールとして報告した" in funnel
    timeline = _svg(html, "timeline-chart")
    assert "<rect" in timeline and "報告 1" in timeline.replace(
        "不審なメールとして報告した", "報告"
    )
    assert "<script" not in html.split('data-testid="funnel-chart"', 1)[1].split("</section>")[0]


def test_the_pdf_report_carries_the_name_and_the_funnel(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = _campaign_with_results(clinic)
    response = _client(clinic.admin).get(reverse("training:campaign_report", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())
    assert campaign.name.replace(" ", "") in flat
    assert "標的型攻撃メール訓練結果報告書" in flat
    for line in ("送信した5", "メールを開いた240%", "リンクを開いた240%", "報告した120%"):
        assert line in flat, line
    assert AuditEvent.objects.filter(
        action="training.campaign.report", object_id=str(campaign.pk)
    ).exists()


def test_another_facility_gets_no_report(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = _campaign_with_results(clinic)
    other = make_clinic(domain="other-clinic.example.jp")
    url = reverse("training:campaign_report", args=[campaign.pk])
    assert _client(other.admin).get(url).status_code == 404
