"""The guideline API as an integration uses it: a facility's assessments with their progress,
its assets (one registered and warned at once) and its warnings (one marked planned); another
tenant's answer 404, staff read but never write."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from medcyber.accounts.models import ApiToken
from medcyber.accounts.roles import Role
from medcyber.guideline import services
from medcyber.guideline.models import Asset, ChecklistItem, KevEntry, KevFinding
from tests import factories
from tests.guideline.factories import assessment_for

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='t')[1]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def fortios() -> KevEntry:
    return KevEntry.objects.create(
        cve_id="CVE-2024-55591",
        vendor_project="Fortinet",
        product="FortiOS",
        vulnerability_name="Fortinet FortiOS Authentication Bypass",
        date_added=dt.date(2025, 1, 14),
        required_action="Apply mitigations per vendor instructions.",
        known_ransomware=True,
        vendor_key="fortinet",
        product_keys="|fortios|",
    )


def test_assessments_with_progress_and_answers() -> None:
    user, _member, facility = factories.member_with_facility()
    assessment = assessment_for(facility, has_medical_system=True)
    item = ChecklistItem.objects.get(version=assessment.version, key="cyber-bcp")
    services.save_answers(
        assessment=assessment,
        entries=[services.AnswerEntry(item.pk, "no", target_date=dt.date(2026, 2, 27))],
        by=user,
    )
    assessment_for(factories.FacilityFactory(), has_medical_system=True)  # another tenant's
    client = api(user)
    listing = client.get("/api/v1/guideline/assessments?fiscal_year=2025").json()
    assert listing["count"] == 1
    (row,) = listing["items"]
    assert row["facility_id"] == facility.pk and row["checklist"] == "institution"
    assert row["progress"] == {"total": 18, "answered": 1, "yes": 0, "no": 1, "percent": 6}
    assert client.get("/api/v1/guideline/assessments?fiscal_year=2024").json()["count"] == 0

    detail = client.get(f"/api/v1/guideline/assessments/{assessment.pk}").json()
    assert detail["answers"] == [
        {
            "item_key": "cyber-bcp",
            "number": item.number,
            "value": "no",
            "checked_on": None,
            "target_date": "2026-02-27",
            "note": "",
        }
    ]


def test_another_tenants_assessment_is_not_found() -> None:
    user, _member, _facility = factories.member_with_facility()
    other = assessment_for(factories.FacilityFactory(), has_medical_system=True)
    assert api(user).get(f"/api/v1/guideline/assessments/{other.pk}").status_code == 404


def test_register_an_asset_and_mark_its_warning_planned(fortios: KevEntry) -> None:
    user, _member, facility = factories.member_with_facility()
    client = api(user)
    url = f"/api/v1/guideline/facilities/{facility.pk}/assets"
    created = post(
        client, url, {"kind": "vpn", "name": "本院VPN", "vendor": "Fortinet", "product": "FortiOS"}
    )
    assert created.status_code == 201, created.content
    assert [a["name"] for a in client.get(url).json()] == ["本院VPN"]

    findings = client.get(f"/api/v1/guideline/facilities/{facility.pk}/kev-findings").json()
    (finding,) = findings
    assert finding["cve_id"] == "CVE-2024-55591" and finding["known_ransomware"] is True
    refused = post(client, f"/api/v1/guideline/kev-findings/{finding['id']}", {"status": "planned"})
    assert refused.status_code == 400
    assert "対応予定日が必要です" in refused.json()["detail"]
    marked = post(
        client,
        f"/api/v1/guideline/kev-findings/{finding['id']}",
        {"status": "planned", "planned_on": "2025-12-20"},
    )
    assert marked.status_code == 200
    assert marked.json()["status"] == "planned"
    assert KevFinding.unscoped.get().planned_on == dt.date(2025, 12, 20)


def test_a_bad_asset_is_refused_with_the_forms_message() -> None:
    user, _member, facility = factories.member_with_facility()
    response = post(
        api(user), f"/api/v1/guideline/facilities/{facility.pk}/assets", {"kind": "toaster"}
    )
    assert response.status_code == 400
    assert not Asset.unscoped.exists()


def test_staff_read_but_do_not_write(fortios: KevEntry) -> None:
    _user, _member, facility = factories.member_with_facility()
    vpn = Asset.unscoped.create(
        facility=facility, kind="vpn", name="本院VPN", vendor="Fortinet", product="FortiOS"
    )
    services.save_asset(asset=vpn, by=None)
    finding = KevFinding.unscoped.get()
    client = api(factories.staff_user(Role.ASSOCIATION_ADMIN))
    url = f"/api/v1/guideline/facilities/{facility.pk}/assets"
    assert client.get(url).status_code == 200
    assert post(client, url, {"kind": "pc", "name": "x"}).status_code == 403
    response = post(client, f"/api/v1/guideline/kev-findings/{finding.pk}", {"status": "patched"})
    assert response.status_code == 403
    assert KevFinding.unscoped.get().status == "open"
