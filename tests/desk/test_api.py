"""The cases API: scoped like the screens, writes checked per role, errors in Japanese."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from medcyber.accounts.models import ApiToken
from medcyber.accounts.roles import Role
from medcyber.desk import services
from medcyber.desk.choices import Channel
from medcyber.desk.models import Case
from tests import factories

pytestmark = pytest.mark.django_db

BODY = {
    "category": "pc_takeover",
    "severity": "high",
    "patient_data": "unknown",
    "summary": "遠隔操作された",
}


def api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='t')[1]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_member_opens_a_web_case_for_their_facility_only() -> None:
    user, member, facility = factories.member_with_facility()
    _other, _m, other_facility = factories.member_with_facility()
    client = api(user)
    response = post(client, "/api/v1/cases", {**BODY, "facility_id": facility.pk})
    assert response.status_code == 201, response.content
    case = Case.unscoped.get(pk=response.json()["id"])
    assert (case.channel, case.facility, case.member) == (Channel.WEB, facility, member)
    refused = post(client, "/api/v1/cases", {**BODY, "facility_id": other_facility.pk})
    assert refused.status_code == 400 and "施設が見つかりません" in refused.json()["detail"]
    invalid = post(client, "/api/v1/cases", {"summary": "x", "facility_id": facility.pk})
    assert invalid.status_code == 400 and "category" in invalid.json()["detail"]


def test_staff_outside_the_desk_may_not_write() -> None:
    auditor = factories.staff_user(Role.AUDITOR)
    assert post(api(auditor), "/api/v1/cases", BODY).status_code == 403
    operator = factories.staff_user(Role.DESK_TIER1)
    case = services.open_case(by=operator, channel=Channel.PHONE, now=timezone.now(), **BODY)
    url = f"/api/v1/cases/{case.pk}/messages"
    assert post(api(auditor), url, {"text": "監査担当から"}).status_code == 403
    assert api(auditor).get(f"/api/v1/cases/{case.pk}").status_code == 200
    reply = post(api(operator), url, {"text": "折り返します"})
    assert reply.status_code == 201
    assert reply.json()["events"][-1]["text"] == "折り返します"


def test_members_reach_only_their_cases_and_never_internal_notes() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    user_a, _m, facility_a = factories.member_with_facility()
    user_b, _m, _facility_b = factories.member_with_facility()
    case = services.open_case(
        by=operator, channel=Channel.PHONE, facility=facility_a, now=timezone.now(), **BODY
    )
    services.add_note(case, by=operator, text="内部メモ", version=None, now=timezone.now())
    body = api(user_a).get(f"/api/v1/cases/{case.pk}").json()
    assert "内部メモ" not in [e["text"] for e in body["events"]]
    assert api(user_b).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert post(api(user_b), f"/api/v1/cases/{case.pk}/messages", {"text": "x"}).status_code == 404
    assert api(user_b).get("/api/v1/cases").json()["count"] == 0
    assert api(user_a).get("/api/v1/cases").json()["count"] == 1
