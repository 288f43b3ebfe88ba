"""The rules table as the pure rules module takes it: read from the database."""

from __future__ import annotations

import datetime as dt

from . import rules
from .models import LeakReportCriteria, ObligationRule


def current_rules() -> list[rules.ObligationRule]:
    return [row.as_rule() for row in ObligationRule.objects.all()]


def current_criteria() -> list[rules.LeakCriteria]:
    return [row.as_criteria() for row in LeakReportCriteria.objects.all()]


def assess(facts: rules.IncidentFacts, *, today: dt.date) -> rules.Assessment:
    """:func:`rules.assess` with the rules in force in the database."""
    return rules.assess(facts, rules=current_rules(), criteria=current_criteria(), today=today)
