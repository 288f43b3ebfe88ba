"""The desk's e-mails go out through a real SMTP server, in Japanese (issue item 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medcyber.accounts.roles import Role
from medcyber.desk import services
from medcyber.desk.choices import Channel
from medcyber.desk.rules import DESK_TIME_ZONE
from medcyber.desk.tasks import notify_assignee, send_acknowledgement
from tests import factories

pytestmark = pytest.mark.django_db

CASE = {
    "category": "cyber_attack",
    "severity": "high",
    "patient_data": "unknown",
    "summary": "脅迫メールが届いた",
}


def test_acknowledgement_and_assignment_mails(smtp_sink: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    case = services.open_case(
        by=user,
        channel=Channel.WEB,
        facility=facility,
        caller_email=user.email,
        now=dt.datetime(2026, 12, 31, 21, 5, tzinfo=DESK_TIME_ZONE),
        **CASE,
    )
    assert send_acknowledgement.call(case.pk)
    tier2 = factories.staff_user(Role.DESK_TIER2)
    services.assign(case, by=tier2, assignee=tier2, version=None, now=case.received_at)
    operator = factories.staff_user(Role.DESK_TIER1)
    services.assign(case, by=tier2, assignee=operator, version=None, now=case.received_at)
    assert notify_assignee.call(case.pk)
    ack, assigned = smtp_sink.messages
    assert ack["To"] == user.email and case.reference in ack["Subject"]
    # 21:05 on New Year's Eve: the desk opens at 06:00 on New Year's Day (holidays included)
    assert "2027年1月1日 06:00 から対応いたします" in ack.get_content()
    assert assigned["To"] == operator.email and "担当になりました" in assigned["Subject"]
