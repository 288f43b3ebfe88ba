"""A facility asks its maintenance vendor to fill the vendor part by a link: no account, only
that part, until the link expires; every use and refusal is in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from medcyber.core.models import AuditEvent
from medcyber.guideline import services
from medcyber.guideline.models import Answer, ChecklistItem
from tests.guideline.factories import assessment_for

pytestmark = pytest.mark.django_db


def test_the_vendor_fills_their_part_until_the_link_expires(client: Any) -> None:
    own = assessment_for(has_medical_system=True)
    request, token = services.request_vendor_part(
        assessment=own,
        vendor_name="北斗メディカルシステム",
        vendor_email="",
        by=None,
        now=timezone.now(),
    )
    vendor_part = request.assessment
    assert vendor_part.version.checklist.code == "vendor"
    url = reverse("guideline:vendor_fill", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert own.facility.name in page.content.decode()
    contact = ChecklistItem.objects.get(version=vendor_part.version, key="vendor-security-contact")
    response = client.post(
        url, {f"i{contact.pk}-value": "yes", f"i{contact.pk}-checked_on": "2025-07-01"}
    )
    assert response.status_code == 302
    answer = Answer.unscoped.get(assessment=vendor_part, item=contact)
    assert answer.answered_by_label == "vendor:北斗メディカルシステム"
    assert not Answer.unscoped.filter(assessment=own).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        expired = client.post(url, {f"i{contact.pk}-value": "no"})
    assert expired.status_code == 404
    assert "有効期限が切れています" in expired.content.decode()
    assert Answer.unscoped.get(pk=answer.pk).value == "yes"
    assert AuditEvent.objects.filter(action="guideline.vendor_link.refused").exists()
    assert AuditEvent.objects.filter(action="guideline.vendor_link.open").exists()


def test_an_unknown_link_is_refused(client: Any) -> None:
    response = client.get(reverse("guideline:vendor_fill", args=["not-a-token"]))
    assert response.status_code == 404
    assert "このリンクは無効です" in response.content.decode()


def test_the_facility_sees_the_vendor_answers_and_revokes_the_link(client: Any) -> None:
    from tests import factories

    user, _member, facility = factories.member_with_facility()
    own = assessment_for(facility, has_medical_system=True)
    request, token = services.request_vendor_part(
        assessment=own,
        vendor_name="北斗メディカルシステム",
        vendor_email="",
        by=user,
        now=timezone.now(),
    )
    client.force_login(user)
    page = client.get(reverse("guideline:vendor_part", args=[facility.pk, request.assessment_id]))
    assert "北斗メディカルシステム" in page.content.decode()
    client.post(
        reverse(
            "guideline:vendor_request_revoke", args=[facility.pk, request.assessment_id, request.pk]
        )
    )
    client.logout()
    refused = client.get(reverse("guideline:vendor_fill", args=[token]))
    assert refused.status_code == 404
    assert "取り消されています" in refused.content.decode()
