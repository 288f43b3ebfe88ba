"""The rules table as the pure rules module takes it: read from the database."""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError

from . import rules
from .models import LeakReportCriteria, ObligationRule


def current_rules() -> list[rules.ObligationRule]:
    return [row.as_rule() for row in ObligationRule.objects.all()]


def current_criteria() -> list[rules.LeakCriteria]:
    return [row.as_criteria() for row in LeakReportCriteria.objects.all()]


def assess(
    facts: rules.IncidentFacts, *, today: dt.date, shipped_if_unmigrated: bool = False
) -> rules.Assessment:
    """:func:`rules.assess` with the rules in force in the database.

    ``shipped_if_unmigrated``: a database without the rules table (a console computation run
    before ``medcyber migrate``) uses the rules the migration would load, as an empty table
    does.
    """
    try:
        table, criteria = current_rules(), current_criteria()
    except DatabaseError:
        if not shipped_if_unmigrated:
            raise
        table, criteria = [], []
    # An empty table (never loaded, or emptied by a test database flush) means the rules the
    # migration ships: an incident never silently needs no reports for want of rows.
    table = table or list(rules.BASELINE_RULES)
    criteria = criteria or list(rules.BASELINE_CRITERIA)
    return rules.assess(facts, rules=table, criteria=criteria, today=today)
