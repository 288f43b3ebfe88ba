"""The demo consultations: several states, tiers and an out-of-hours web case; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from medcyber.desk.models import Case, CaseEvent, Referral

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_the_workflow_and_load_once() -> None:
    call_command("demo", stdout=StringIO())
    cases = Case.unscoped.all()
    assert {c.status for c in cases} >= {"new", "in_progress", "waiting_member", "closed"}
    assert {c.tier for c in cases} == {1, 2}
    assert Referral.unscoped.filter(case__in=cases).count() == 1  # with consent recorded
    assert cases.filter(channel="web", out_of_hours=True).exists()
    assert cases.filter(facility__isnull=True).exists()  # an unidentified caller
    events = CaseEvent.unscoped.count()
    out = StringIO()
    call_command("demo", stdout=out)
    assert Case.unscoped.count() == len(cases) and CaseEvent.unscoped.count() == events
    assert "Nothing to change" in out.getvalue()
