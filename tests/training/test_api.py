"""The training API: the caller's campaigns and one campaign's results."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from medcyber.accounts.models import ApiToken
from medcyber.training import sending, tracking
from medcyber.training.models import Message, TrackingKind

from .conftest import Clinic, approved_campaign, make_clinic

pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='t')[1]}")


def test_campaigns_and_results(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic)
    sending.send_campaign_now(campaign)
    message = Message.unscoped.filter(campaign=campaign).first()
    assert message is not None
    tracking.record_hit(message, TrackingKind.CLICKED)
    api = _api(clinic.admin)
    listing = api.get("/api/v1/training/campaigns").json()
    assert [c["id"] for c in listing["items"]] == [campaign.pk]
    assert listing["items"][0]["recipients"] == 5
    detail = api.get(f"/api/v1/training/campaigns/{campaign.pk}").json()
    assert detail["funnel"] == {"sent": 5, "opened": 1, "clicked": 1, "submitted": 0, "reported": 0}
    assert detail["campaign"]["state"] == "finished"
    assert {row["label"] for row in detail["by_department"]} == {"内科", "受付", "看護部"}


def test_another_facility_gets_nothing(clinic: Clinic) -> None:
    campaign = approved_campaign(clinic)
    other = make_clinic(domain="other-clinic.jp")
    api = _api(other.admin)
    assert api.get("/api/v1/training/campaigns").json()["items"] == []
    assert api.get(f"/api/v1/training/campaigns/{campaign.pk}").status_code == 404
