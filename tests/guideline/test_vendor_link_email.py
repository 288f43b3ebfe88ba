"""The facility sends the vendor's link to the vendor's e-mail address: the task worker mails it
in Japanese (through a real SMTP server), the sending is recorded and audited; a link revoked
before the worker runs is not sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medcyber.core.models import AuditEvent
from medcyber.guideline import services
from medcyber.guideline.models import VendorRequest
from medcyber.guideline.tasks import send_vendor_link
from tests import factories
from tests.guideline.factories import assessment_for

pytestmark = pytest.mark.django_db


def test_the_link_is_mailed_to_the_vendor(
    client: Any, smtp_sink: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, _member, facility = factories.member_with_facility()
    assessment_for(facility, has_medical_system=True)
    client.force_login(user)
    url = reverse("guideline:vendor_request_create", args=[facility.pk, "institution", 2025])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = client.post(
            url, {"vendor_name": "北斗メディカルシステム", "vendor_email": "support@hokuto.example"}
        )
    assert page.status_code == 200
    assert "support@hokuto.example にメールでお送りします" in page.content.decode()
    assert len(callbacks) == 1  # queued for the worker after the commit

    request = VendorRequest.unscoped.get()
    args = _queued(request)
    assert send_vendor_link.call(*args) is True

    (mail,) = smtp_sink.messages
    assert mail["To"] == "support@hokuto.example"
    assert facility.name in str(mail["Subject"])
    body = mail.get_content()
    assert "北斗メディカルシステム ご担当者様" in body
    assert "2025年度（令和7年度）" in body
    link = next(line for line in body.splitlines() if "/guideline/vendor/" in line).strip()
    token = link.rsplit("/vendor/", 1)[1].strip("/")
    assert services.open_vendor_link(token=token, now=timezone.now()).pk == request.pk
    assert token not in str(args)  # the queue holds the secret sealed, never in clear

    request.refresh_from_db()
    assert request.emailed_at is not None
    event = AuditEvent.objects.get(action="guideline.vendor_link.email")
    assert event.changes == {"to": "support@hokuto.example"}
    part = client.get(
        reverse("guideline:vendor_part", args=[facility.pk, request.assessment_id])
    ).content.decode()
    assert "support@hokuto.example" in part


def test_a_link_revoked_before_sending_is_not_mailed(
    smtp_sink: Any, django_capture_on_commit_callbacks: Any
) -> None:
    own = assessment_for(has_medical_system=True)
    with django_capture_on_commit_callbacks(execute=True):
        request, _token = services.request_vendor_part(
            assessment=own,
            vendor_name="北斗メディカルシステム",
            vendor_email="support@hokuto.example",
            by=None,
            now=timezone.now(),
        )
    args = _queued(request)
    services.revoke_vendor_request(request=request, by=None, now=timezone.now())
    assert send_vendor_link.call(*args) is False
    assert smtp_sink.messages == []


def test_without_an_address_nothing_is_queued(django_capture_on_commit_callbacks: Any) -> None:
    own = assessment_for(has_medical_system=True)
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_vendor_part(
            assessment=own, vendor_name="北斗", vendor_email="", by=None, now=timezone.now()
        )
    assert callbacks == []


def _queued(request: VendorRequest) -> list[Any]:
    """The arguments of the task the commit queued (the database backend keeps it as a row)."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(task_path="medcyber.guideline.tasks.send_vendor_link")
    args: list[Any] = row.args_kwargs["args"]
    assert args[0] == request.pk
    return args
