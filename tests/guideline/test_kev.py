"""A clinic is warned when a device it registered has a known-exploited flaw (CISA KEV), and
records what it does about it; a file that is not the catalogue changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from medcyber.guideline.kev import import_catalogue, name_key, product_keys
from medcyber.guideline.models import Asset, KevEntry, KevFinding
from tests import factories

pytestmark = pytest.mark.django_db


def entry(cve: str, vendor: str, product: str, ransomware: str = "Unknown") -> dict[str, Any]:
    return {
        "cveID": cve,
        "vendorProject": vendor,
        "product": product,
        "vulnerabilityName": f"{product} Vulnerability",
        "dateAdded": "2025-01-14",
        "shortDescription": "test",
        "requiredAction": "Apply mitigations per vendor instructions.",
        "dueDate": "2025-02-04",
        "knownRansomwareCampaignUse": ransomware,
    }


def catalogue(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "kev.json"
    data = {
        "catalogVersion": "2025.01.14",
        "dateReleased": "2025-01-14T00:00:00.000Z",
        "count": len(entries),
        "vulnerabilities": list(entries),
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_names_are_compared_without_width_case_or_spaces() -> None:
    assert name_key("ＦｏｒｔｉＯＳ") == name_key("forti os") == "fortios"
    assert product_keys("FortiOS and FortiProxy") == [
        "fortiosandfortiproxy",
        "fortios",
        "fortiproxy",
    ]
    assert name_key("Endpoint Manager (EPM)") == "endpointmanager"


def test_a_registered_vpn_appliance_is_warned_and_marked_planned(
    tmp_path: Path, client: Any
) -> None:
    user, _member, facility = factories.member_with_facility()
    vpn = Asset.unscoped.create(
        facility=facility, kind="vpn", name="本院VPN", vendor="Fortinet", product="ＦｏｒｔｉＯＳ"
    )
    Asset.unscoped.create(
        facility=facility, kind="pc", name="受付PC", vendor="Fujitsu", product="ESPRIMO"
    )
    report = import_catalogue(
        catalogue(
            tmp_path,
            entry("CVE-2024-55591", "Fortinet", "FortiOS and FortiProxy", "Known"),
            entry("CVE-2024-21887", "Ivanti", "Connect Secure"),
        )
    )
    assert not report.problems and report.entries == 2 and report.findings == 1
    finding = KevFinding.unscoped.get()
    assert finding.asset == vpn and finding.status == "open"

    client.force_login(user)
    page = client.get(reverse("guideline:asset_list", args=[facility.pk])).content.decode()
    assert "CVE-2024-55591" in page and "ランサムウェアでの悪用が確認されています" in page
    url = reverse("guideline:finding_update", args=[facility.pk, finding.pk])
    client.post(url, {"status": "planned"})
    assert KevFinding.unscoped.get().status == "open"  # planned needs its date
    client.post(url, {"status": "planned", "planned_on": "2025-12-20"})
    finding.refresh_from_db()
    assert finding.status == "planned" and str(finding.planned_on) == "2025-12-20"

    # loading the catalogue again keeps the facility's word
    import_catalogue(catalogue(tmp_path, entry("CVE-2024-55591", "Fortinet", "FortiOS")))
    finding.refresh_from_db()
    assert finding.status == "planned"


def test_an_asset_registered_later_is_warned_at_once(tmp_path: Path, client: Any) -> None:
    import_catalogue(catalogue(tmp_path, entry("CVE-2024-21887", "Ivanti", "Connect Secure")))
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    client.post(
        reverse("guideline:asset_list", args=[facility.pk]),
        {
            "kind": "remote_maintenance",
            "name": "保守回線",
            "vendor": "ivanti",
            "product": "Connect Secure",
        },
    )
    assert KevFinding.unscoped.filter(asset__facility=facility).count() == 1


def test_a_file_that_is_not_the_catalogue_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"items": []}), encoding="utf-8")
    assert import_catalogue(bad).problems
    broken = catalogue(tmp_path, entry("CVE-2024-1", "A", "B"), entry("CVE-2024-0002", "A", "B"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("compliance", "import-kev", str(broken), stderr=err)
    assert "CVE番号「CVE-2024-1」" in err.getvalue()
    assert not KevEntry.objects.exists()
