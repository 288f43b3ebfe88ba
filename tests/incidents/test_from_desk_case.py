"""An operator raises an incident from a desk case: the form starts from the case, the case's
timeline records the incident and the incident links back to the case for those who see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.desk import services as desk_services
from medcyber.desk.choices import Channel, EventKind
from medcyber.desk.models import Case, CaseEvent
from medcyber.incidents import services
from medcyber.incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _case(operator: Any, facility: Any) -> Case:
    return desk_services.open_case(
        by=operator,
        channel=Channel.PHONE,
        facility=facility,
        caller_name="電話の方",
        category="cyber_attack",
        severity="urgent",
        patient_data="yes",
        summary="身代金を要求する画面が出た",
        description="受付のパソコン2台が<b>暗号化</b>された",
        now=dt.datetime.now(dt.UTC),
    )


def _form(facility_id: int) -> dict[str, Any]:
    return {
        "facility": facility_id,
        "title": "身代金を要求する画面が出た",
        "kind": "ransomware",
        "discovered_at": "2025-04-01T08:30",
        "persons_affected": "0",
        "description": "受付のパソコン2台",
    }


def test_an_operator_raises_an_incident_from_a_case() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    _user, _member, facility = factories.member_with_facility()
    case = _case(operator, facility)
    client = _client(operator)

    panel = client.get(reverse("desk:case", kwargs={"pk": case.pk})).content.decode()
    create = f"{reverse('incidents:create')}?case={case.pk}"
    assert f'href="{create}"' in panel

    page = client.get(create).content.decode()
    assert case.reference in page
    assert 'value="身代金を要求する画面が出た"' in page
    assert f'value="{facility.pk}"' in page
    assert "&lt;b&gt;暗号化&lt;/b&gt;" in page

    response = client.post(create, _form(facility.pk), follow=True)
    incident = Incident.unscoped.get()
    assert incident.desk_case == case
    assert response.redirect_chain[-1][0] == reverse("incidents:detail", kwargs={"pk": incident.pk})
    detail = response.content.decode()
    assert f'href="{reverse("desk:case", kwargs={"pk": case.pk})}"' in detail
    assert case.reference in detail

    event = CaseEvent.unscoped.get(case=case, kind=EventKind.INCIDENT)
    assert event.internal and event.actor == operator
    assert event.data["incident"] == incident.pk
    created = AuditEvent.objects.get(kind="create", object_type="incidents.incident")
    assert created.object_id == str(incident.pk)
    assert "desk_case" in str(created.changes)
    panel = client.get(reverse("desk:case", kwargs={"pk": case.pk})).content.decode()
    assert incident.number in panel
    assert reverse("incidents:detail", kwargs={"pk": incident.pk}) in panel


def test_the_incident_keeps_to_the_cases_facility() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    _user, _member, facility = factories.member_with_facility()
    _other_user, _other_member, other = factories.member_with_facility()
    case = _case(operator, facility)
    response = _client(operator).post(
        f"{reverse('incidents:create')}?case={case.pk}", _form(other.pk)
    )
    assert response.status_code == 200
    assert not Incident.unscoped.exists()
    with pytest.raises(services.IncidentError):
        services.create_incident(
            by=operator,
            facility=other,
            desk_case=case,
            title="x",
            kind="ransomware",
            discovered_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
        )


def test_only_operators_raise_from_a_case_and_it_needs_a_facility() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    member, _member, facility = factories.member_with_facility()
    case = _case(operator, facility)
    url = f"{reverse('incidents:create')}?case={case.pk}"
    assert _client(member).get(url).status_code == 403
    assert _client(factories.staff_user(Role.ASSOCIATION_ADMIN)).get(url).status_code == 403
    unmatched = _case(operator, None)
    client = _client(operator)
    assert client.get(f"{reverse('incidents:create')}?case={unmatched.pk}").status_code == 404
    assert client.get(f"{reverse('incidents:create')}?case=nope").status_code == 404
    assert (
        'href="/incidents/new/?case='
        not in client.get(reverse("desk:case", kwargs={"pk": unmatched.pk})).content.decode()
    )


def test_the_link_back_shows_only_to_those_who_see_the_case() -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    member, _member, facility = factories.member_with_facility()
    case = _case(operator, facility)
    incident, _changes = services.create_incident(
        by=operator,
        facility=facility,
        desk_case=case,
        title="t",
        kind="ransomware",
        discovered_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
    )
    url = reverse("incidents:detail", kwargs={"pk": incident.pk})
    member_page = _client(member).get(url).content.decode()
    assert reverse("desk:my_case", kwargs={"pk": case.pk}) in member_page
    claims = factories.staff_user(Role.CLAIMS_REVIEWER)
    response = _client(claims).get(url)
    assert response.status_code == 200
    assert case.reference not in response.content.decode()
