"""The obligations computation as the CLI and the API offer it (issue contract):
one JSON object in, one JSON object out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import rules, ruleset

BOOLEAN_KEYS = ("sensitive_data", "financial_damage_risk", "unlawful_purpose")
REQUIRED_KEYS = ("kind", "discovered_on", "persons", *BOOLEAN_KEYS)


class ContractError(ValueError):
    """Input the computation refuses; the message says why."""


def parse(data: Any, *, today: dt.date) -> rules.IncidentFacts:
    if not isinstance(data, dict):
        raise ContractError("input must be one JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ContractError(f"missing keys: {', '.join(missing)}")
    unknown = sorted(set(data) - set(REQUIRED_KEYS))
    if unknown:
        raise ContractError(f"unknown keys: {', '.join(unknown)}")
    try:
        category = rules.Category(data["kind"])
    except ValueError:
        raise ContractError("kind must be 'cyber_attack' or 'data_leak'") from None
    discovered = data["discovered_on"]
    try:
        if not isinstance(discovered, str) or len(discovered) != 10:
            raise ValueError
        discovered_on = dt.date.fromisoformat(discovered)
    except ValueError:
        raise ContractError("discovered_on must be a date as YYYY-MM-DD") from None
    persons = data["persons"]
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise ContractError("persons must be an integer >= 0")
    for key in BOOLEAN_KEYS:
        if not isinstance(data[key], bool):
            raise ContractError(f"{key} must be true or false")
    facts = rules.IncidentFacts(
        category=category,
        discovered_on=discovered_on,
        persons=persons,
        sensitive_data=data["sensitive_data"],
        financial_damage_risk=data["financial_damage_risk"],
        unlawful_purpose=data["unlawful_purpose"],
    )
    try:
        rules.validate(facts, today=today)
    except rules.FactsError as exc:
        raise ContractError(str(exc)) from None
    return facts


def render(assessment: rules.Assessment) -> dict[str, Any]:
    return {
        "ppc_report_required": assessment.ppc_report_required,
        "obligations": [
            {
                "code": o.code.value,
                "due_on": o.due_on.isoformat() if o.due_on else None,
                "basis": o.basis,
            }
            for o in assessment.obligations
        ],
    }


def compute(data: Any, *, today: dt.date, shipped_if_unmigrated: bool = False) -> dict[str, Any]:
    facts = parse(data, today=today)
    try:
        return render(
            ruleset.assess(facts, today=today, shipped_if_unmigrated=shipped_if_unmigrated)
        )
    except rules.FactsError as exc:
        raise ContractError(str(exc)) from None
