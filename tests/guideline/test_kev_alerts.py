"""A new known-exploited flaw that hits many members is proposed as a portal alert: drafted in
Japanese, shown to staff on the KEV screen, published on the portal only when a content editor
says so (or set aside); a flaw under the threshold, or already proposed, is not proposed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.guideline import kev_alerts
from medcyber.guideline.kev import import_catalogue
from medcyber.guideline.models import Asset, KevAlertProposal
from medcyber.portal.models import Alert
from tests import factories

pytestmark = pytest.mark.django_db


def _catalogue(tmp_path: Path, *cves: tuple[str, str, str]) -> Path:
    path = tmp_path / "kev.json"
    entries = [
        {
            "cveID": cve,
            "vendorProject": vendor,
            "product": product,
            "vulnerabilityName": f"{vendor} {product} Authentication Bypass",
            "dateAdded": "2025-01-14",
            "requiredAction": "Apply mitigations per vendor instructions.",
            "knownRansomwareCampaignUse": "Known",
        }
        for cve, vendor, product in cves
    ]
    path.write_text(json.dumps({"vulnerabilities": entries}), encoding="utf-8")
    return path


def _vpns(count: int, vendor: str, product: str) -> None:
    for n in range(count):
        Asset.unscoped.create(
            facility=factories.FacilityFactory(),
            kind="vpn",
            name=f"VPN{n}",
            vendor=vendor,
            product=product,
        )


def test_an_import_proposes_an_alert_for_a_widespread_flaw(settings: Any, tmp_path: Path) -> None:
    settings.GUIDELINE_KEV_ALERT_FACILITIES = 3
    _vpns(3, "Fortinet", "FortiOS")
    _vpns(2, "Ivanti", "Connect Secure")
    report = import_catalogue(
        _catalogue(
            tmp_path,
            ("CVE-2024-55591", "Fortinet", "FortiOS"),
            ("CVE-2024-21887", "Ivanti", "Connect Secure"),
        )
    )
    assert report.proposals == 1
    proposal = KevAlertProposal.objects.get()
    assert proposal.entry.cve_id == "CVE-2024-55591"
    assert proposal.facilities == 3 and proposal.threshold == 3
    assert proposal.status == "proposed"
    assert "Fortinet FortiOS の脆弱性（CVE-2024-55591）が悪用されています" in proposal.title
    assert "3 施設の資産台帳" in proposal.body
    assert "ランサムウェア攻撃での悪用が確認されています" in proposal.body
    assert not Alert.objects.exists()  # nothing published without a person
    event = AuditEvent.objects.get(action="guideline.kev.alert_proposals")
    assert event.changes["entries"] == ["CVE-2024-55591"]
    # the same catalogue again proposes nothing new
    import_catalogue(_catalogue(tmp_path, ("CVE-2024-55591", "Fortinet", "FortiOS")))
    assert kev_alerts.propose_alerts(now=timezone.now(), minimum=3) == []
    assert KevAlertProposal.objects.count() == 1


def test_an_editor_publishes_the_reviewed_draft(client: Any, tmp_path: Path) -> None:
    _vpns(2, "Fortinet", "FortiOS")
    import_catalogue(_catalogue(tmp_path, ("CVE-2024-55591", "Fortinet", "FortiOS")))
    (proposal,) = kev_alerts.propose_alerts(now=timezone.now(), minimum=2)

    admin = factories.staff_user(Role.ASSOCIATION_ADMIN)
    client.force_login(admin)
    screen = client.get(reverse("guideline:overview")).content.decode()
    assert proposal.title in screen and "ポータルに掲載する" in screen

    client.force_login(factories.staff_user(Role.AUDITOR))
    url = reverse("guideline:kev_alert_decide", args=[proposal.pk, "publish"])
    assert client.post(url).status_code == 403

    client.force_login(admin)
    response = client.post(url, follow=True)
    assert "ポータルに緊急のお知らせとして掲載しました" in response.content.decode()
    alert = Alert.objects.get()
    assert alert.title == proposal.title and alert.audiences == ["members"]
    proposal.refresh_from_db()
    assert proposal.status == "published" and proposal.portal_alert_id == alert.pk
    assert proposal.decided_by == admin
    again = client.post(url, follow=True)
    assert "この提案はすでに処理されています。" in again.content.decode()
    assert Alert.objects.count() == 1


def test_an_editor_sets_a_proposal_aside(client: Any, tmp_path: Path) -> None:
    _vpns(2, "Fortinet", "FortiOS")
    import_catalogue(_catalogue(tmp_path, ("CVE-2024-55591", "Fortinet", "FortiOS")))
    (proposal,) = kev_alerts.propose_alerts(now=timezone.now(), minimum=2)
    client.force_login(factories.staff_user(Role.CONTENT_EDITOR))
    client.post(reverse("guideline:kev_alert_decide", args=[proposal.pk, "dismiss"]))
    proposal.refresh_from_db()
    assert proposal.status == "dismissed"
    assert not Alert.objects.exists()


def test_retired_devices_do_not_count(tmp_path: Path) -> None:
    _vpns(2, "Fortinet", "FortiOS")
    Asset.unscoped.filter(name="VPN0").update(retired_on=timezone.localdate())
    import_catalogue(_catalogue(tmp_path, ("CVE-2024-55591", "Fortinet", "FortiOS")))
    assert kev_alerts.propose_alerts(now=timezone.now(), minimum=2) == []
