"""The demo data holds one approved campaign, on a verified demo domain, ready to send."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from medcyber.training import rules, services
from medcyber.training.models import Campaign, CampaignState, Recipient

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_approved_and_can_be_sent(smtp_sink: Any) -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())  # twice changes nothing
    campaign = Campaign.unscoped.get()
    assert campaign.state == CampaignState.SCHEDULED
    assert campaign.approved_by_id not in (None, campaign.created_by_id)
    assert campaign.template.has_login_form
    recipients = list(Recipient.unscoped.filter(group=campaign.group))
    assert len(recipients) >= 5
    domains, approved = services.allowed_targets(campaign.facility_id)
    assert all(rules.address_allowed(r.email, domains, approved) for r in recipients)

    out = StringIO()
    call_command("training", "send", "--campaign", str(campaign.pk), stdout=out)
    assert f"sent {len(recipients)}" in out.getvalue()
    assert len(smtp_sink.messages) == len(recipients)
