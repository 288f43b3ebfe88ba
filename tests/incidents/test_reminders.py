"""Reminder e-mails for overdue and due-soon reports, sent by the task worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from medcyber.incidents.models import Obligation
from medcyber.incidents.tasks import send_obligation_reminders
from tests import factories
from tests.incidents.factories import at, incident

pytestmark = pytest.mark.django_db


def test_the_facility_is_reminded_once_a_day(smtp_sink: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user, _member, facility = factories.member_with_facility()
    admin = factories.UserFactory(roles=["facility_admin"], email="kanri@example.jp")
    factories.link_staff(facility, admin, role="facility_admin")
    found = incident(
        facility,
        user,
        discovered_at=at(timezone.localdate() - dt.timedelta(days=70)),
        occurred_at=None,
    )
    Obligation.unscoped.filter(incident=found, code="police").update(
        status="done", done_on=timezone.localdate()
    )
    result = send_obligation_reminders.enqueue()
    assert result.return_value == 1
    [message] = smtp_sink.messages
    assert sorted(message["To"].split(", ")) == sorted([user.email, "kanri@example.jp"])
    assert found.number in message["Subject"]
    body = message.get_body().get_content()
    assert "個人情報保護委員会への確報" in body and "期限切れ" in body
    assert "警察への通報・相談" not in body  # done
    assert f"/incidents/{found.pk}/" in body
    # the same day again: nothing new
    assert send_obligation_reminders.enqueue().return_value == 0
    assert len(smtp_sink.messages) == 1


def test_reports_due_later_and_closed_incidents_are_not_reminded(
    smtp_sink: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user, _member, facility = factories.member_with_facility()
    incident(facility, user, kind="mis_sent", persons_affected=3, sensitive_data=False)
    closed = incident(facility, user)
    closed.status = "closed"
    closed.save()
    assert send_obligation_reminders.enqueue().return_value == 0
    assert smtp_sink.messages == []
