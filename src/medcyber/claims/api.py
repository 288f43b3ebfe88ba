"""The support payments in the API: the quote a member sees before claiming (PAY-1)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StrictBool, StrictInt

from . import queries, rules

router = Router(tags=["claims"])


class QuoteIn(Schema):
    kind: Literal["cyber_attack", "data_leak"]
    occurred_on: date
    closure_days: StrictInt = Field(ge=0)
    insider: StrictBool
    member_class: Literal["A1", "A2B", "A2C", "B", "C"]
    facility_kind: Literal["hospital", "clinic", "care_facility", "other"]
    reports: list[Literal["mhlw", "jma", "police", "ppc", "individuals"]]


class LineOut(Schema):
    code: str
    label: str
    label_en: str
    amount: int


class QuoteOut(Schema):
    entitlement: int
    payable: bool
    lines: list[LineOut]
    unmet: list[str]
    refusals: list[str]
    rules_version: str


@router.post("/quote", response=QuoteOut, summary="What the facts of an incident qualify for")
def quote(request: HttpRequest, facts: QuoteIn) -> QuoteOut:
    """The same calculation as ``medcyber claims quote``; each line also in English."""
    try:
        parsed = rules.parse_facts(facts.model_dump(mode="json"), today=timezone.localdate())
    except rules.InvalidFacts as error:
        raise HttpError(422, str(error)) from None
    result = rules.quote(parsed, queries.schedules())
    contract = result.as_contract()
    contract["lines"] = [
        {"code": x.code, "label": x.label_ja, "label_en": x.label_en, "amount": x.amount}
        for x in result.lines
    ]
    return QuoteOut(**contract)
