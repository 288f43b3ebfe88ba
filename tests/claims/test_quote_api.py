"""``POST /api/v1/claims/quote``: the member's preview of what an incident qualifies for."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from medcyber.accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/quote"
CLINIC = {
    "kind": "cyber_attack",
    "occurred_on": "2024-03-10",
    "closure_days": 3,
    "insider": False,
    "member_class": "A1",
    "facility_kind": "clinic",
    "reports": ["mhlw"],
}


@pytest.fixture
def member_client() -> Client:
    user, _member, _facility = factories.member_with_facility()
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_member_sees_the_quote_with_lines_in_both_languages(member_client: Client) -> None:
    response = post(member_client, CLINIC)
    assert response.status_code == 200
    body = response.json()
    assert (body["entitlement"], body["payable"]) == (400_000, True)
    assert body["lines"][1] == {
        "code": "closure_per_day",
        "label": "休業加算（3日 × ¥100,000、上限¥300,000）",
        "label_en": "Closure addition (3 days × ¥100,000, at most ¥300,000)",
        "amount": 300_000,
    }
    assert body["rules_version"] == "cyber_attack-2023-06-01"


def test_an_api_token_may_ask_too() -> None:
    user, _member, _facility = factories.member_with_facility()
    token = ApiToken.issue(user=user, name="preview")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert post(client, {**CLINIC, "reports": []}).json()["unmet"] == ["report_mhlw_or_jma"]


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "flood"},
        {"closure_days": -1},
        {"closure_days": "3"},
        {"insider": "no"},
        {"reports": ["fax"]},
        {"occurred_on": "2024-02-30"},
    ],
)
def test_invalid_facts_are_refused(member_client: Client, change: dict[str, Any]) -> None:
    assert post(member_client, {**CLINIC, **change}).status_code == 422


@time_machine.travel("2026-11-30 09:00 +09:00", tick=False)
def test_a_future_date_is_refused_in_japanese(member_client: Client) -> None:
    response = post(member_client, {**CLINIC, "occurred_on": "2026-12-01"})
    assert response.status_code == 422
    assert "未来の日付です" in response.json()["detail"]


def test_anonymous_callers_are_refused() -> None:
    assert post(Client(), CLINIC).status_code == 401
