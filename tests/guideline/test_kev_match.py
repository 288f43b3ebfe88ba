"""Matching in the database: every asset carries its normalised maker and product, every
catalogue entry its key rows, and one statement joins them. Loading the catalogue again only
matches what changed, and never touches what a facility has said about a finding."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medcyber.core.models import AuditEvent
from medcyber.guideline import kev, services
from medcyber.guideline.assets import import_assets
from medcyber.guideline.kev import import_catalogue, match_assets
from medcyber.guideline.models import Asset, KevEntry, KevEntryKey, KevFinding
from tests import factories

pytestmark = pytest.mark.django_db


def entry(cve: str, vendor: str, product: str) -> dict[str, Any]:
    return {
        "cveID": cve,
        "vendorProject": vendor,
        "product": product,
        "vulnerabilityName": f"{product} Vulnerability",
        "dateAdded": "2025-01-14",
        "requiredAction": "Apply mitigations per vendor instructions.",
        "knownRansomwareCampaignUse": "Unknown",
    }


def catalogue(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "kev.json"
    path.write_text(json.dumps({"vulnerabilities": list(entries)}), encoding="utf-8")
    return path


def asset(facility: Any, name: str, vendor: str, product: str, **more: Any) -> Asset:
    return Asset.unscoped.create(
        facility=facility, kind="vpn", name=name, vendor=vendor, product=product, **more
    )


def test_an_asset_saved_carries_its_keys() -> None:
    facility = factories.FacilityFactory()
    vpn = asset(facility, "本院VPN", "Ｆｏｒｔｉｎｅｔ", "ＦｏｒｔｉＯＳ")
    assert (vpn.vendor_key, vpn.product_key) == ("fortinet", "fortios")

    vpn.product = "Forti Proxy (FPX)"
    vpn.save(update_fields=["product"])
    vpn.refresh_from_db()
    assert (vpn.vendor_key, vpn.product_key) == ("fortinet", "fortiproxy")

    vpn.vendor = ""
    vpn.save()
    assert Asset.unscoped.values_list("vendor_key", flat=True).get(pk=vpn.pk) == ""
    # the keys are derived, not something a person changed: not in the audit trail
    events = AuditEvent.objects.filter(object_type="guideline.asset", object_id=str(vpn.pk))
    assert events.count() == 3
    assert not any("vendor_key" in str(e.changes) for e in events)


def test_an_imported_register_carries_its_keys_and_is_matched(tmp_path: Path) -> None:
    import_catalogue(catalogue(tmp_path, entry("CVE-2024-21887", "Ivanti", "Connect Secure")))
    facility = factories.FacilityFactory()
    register = tmp_path / "assets.csv"
    register.write_bytes(
        (
            "種類,名称,メーカー,製品名,バージョン,設置場所,管理責任者,インターネット接続,保守事業者\r\n"
            "VPN装置,本院VPN,ＩＶＡＮＴＩ,Ｃｏｎｎｅｃｔ　Ｓｅｃｕｒｅ,22.7,,,あり,\r\n"
        ).encode("cp932")
    )
    assert import_assets(register, facility=facility, dry_run=False).applied
    vpn = Asset.unscoped.get(facility=facility)
    assert (vpn.vendor_key, vpn.product_key) == ("ivanti", "connectsecure")
    assert KevFinding.unscoped.get().asset == vpn


def test_width_and_case_do_not_matter_and_retired_devices_are_left_out(tmp_path: Path) -> None:
    facility = factories.FacilityFactory()
    full_width = asset(facility, "本院VPN", "FORTINET", "ＦｏｒｔｉＯＳ")
    hyphen = asset(facility, "分院VPN", "fortinet", "forti-os")
    asset(facility, "旧VPN", "Fortinet", "FortiOS", retired_on="2024-03-31")
    asset(facility, "受付PC", "Fortinet", "FortiClient")
    report = import_catalogue(
        catalogue(tmp_path, entry("CVE-2024-55591", "Fortinet", "FortiOS and FortiProxy"))
    )
    assert report.findings == 2
    assert set(KevFinding.unscoped.values_list("asset", flat=True)) == {full_width.pk, hyphen.pk}


@pytest.mark.parametrize("match_all_above", [0, 500])
def test_one_statement_for_all_entries_or_for_a_list_finds_the_same(
    tmp_path: Path, monkeypatch: Any, match_all_above: int
) -> None:
    monkeypatch.setattr(kev, "MATCH_ALL_ABOVE", match_all_above)
    facility = factories.FacilityFactory()
    vpn = asset(facility, "本院VPN", "Fortinet", "FortiProxy")
    gateway = asset(facility, "保守回線", "Ivanti", "Policy Secure")
    report = import_catalogue(
        catalogue(
            tmp_path,
            entry("CVE-2024-55591", "Fortinet", "FortiOS and FortiProxy"),
            entry("CVE-2025-0282", "Ivanti", "Connect Secure, Policy Secure, and ZTA Gateways"),
            entry("CVE-2021-44228", "Apache", "Log4j2"),
        )
    )
    assert report.findings == 2
    assert sorted(KevFinding.unscoped.values_list("asset", "entry__cve_id")) == sorted(
        [(vpn.pk, "CVE-2024-55591"), (gateway.pk, "CVE-2025-0282")]
    )


def test_loading_the_same_catalogue_again_adds_nothing_and_keeps_statuses(
    tmp_path: Path,
) -> None:
    facility = factories.FacilityFactory()
    vpn = asset(facility, "本院VPN", "Fortinet", "FortiOS")
    path = catalogue(tmp_path, entry("CVE-2024-55591", "Fortinet", "FortiOS and FortiProxy"))
    assert import_catalogue(path).findings == 1
    KevFinding.unscoped.filter(asset=vpn).update(status="patched")

    with CaptureQueriesContext(connection) as queries:
        report = import_catalogue(path)
    assert (report.entries, report.added, report.findings, report.proposals) == (1, 0, 0, 0)
    finding_table = KevFinding._meta.db_table
    assert not [q for q in queries if f"INSERT INTO {finding_table}" in q["sql"]]
    assert KevFinding.unscoped.get().status == "patched"
    event = AuditEvent.objects.filter(action="guideline.kev.import").latest("seq")
    assert event.changes["findings"] == 0 and event.changes["added"] == 0


def test_an_entry_that_now_names_another_product_is_matched_again(tmp_path: Path) -> None:
    facility = factories.FacilityFactory()
    fortios = asset(facility, "本院VPN", "Fortinet", "FortiOS")
    proxy = asset(facility, "分院プロキシ", "Fortinet", "FortiProxy")
    assert (
        import_catalogue(
            catalogue(tmp_path, entry("CVE-2024-55591", "Fortinet", "FortiOS"))
        ).findings
        == 1
    )
    KevFinding.unscoped.filter(asset=fortios).update(status="planned", planned_on="2025-02-01")

    report = import_catalogue(
        catalogue(tmp_path, entry("CVE-2024-55591", "Fortinet", "FortiOS and FortiProxy"))
    )
    assert report.findings == 1  # the proxy; the planned finding is already there
    assert dict(KevFinding.unscoped.values_list("asset", "status")) == {
        fortios.pk: "planned",
        proxy.pk: "open",
    }
    keys = KevEntryKey.objects.values_list("product_key", flat=True)
    assert sorted(keys) == ["fortios", "fortiosandfortiproxy", "fortiproxy"]


def test_an_edited_device_is_matched_through_its_new_keys(tmp_path: Path) -> None:
    import_catalogue(catalogue(tmp_path, entry("CVE-2024-21887", "Ivanti", "Connect Secure")))
    user, _member, facility = factories.member_with_facility()
    gateway = asset(facility, "保守回線", "Ivanti", "Neurons")
    assert not KevFinding.unscoped.exists()
    gateway.product = "ｃｏｎｎｅｃｔ ｓｅｃｕｒｅ"
    services.save_asset(asset=gateway, by=user)
    assert KevFinding.unscoped.get().asset == gateway
    gateway.product = "Neurons"
    services.save_asset(asset=gateway, by=user)
    assert not KevFinding.unscoped.exists()  # an open warning that no longer applies goes


def test_match_assets_takes_a_queryset_a_list_or_everything(tmp_path: Path) -> None:
    import_catalogue(catalogue(tmp_path, entry("CVE-2024-21887", "Ivanti", "Connect Secure")))
    one, other = factories.FacilityFactory(), factories.FacilityFactory()
    first = asset(one, "保守回線", "Ivanti", "Connect Secure")
    second = asset(other, "保守回線", "Ivanti", "Connect Secure")
    third = asset(other, "分院回線", "Ivanti", "Connect Secure")
    assert match_assets(Asset.unscoped.filter(facility=one)) == 1
    assert match_assets([second]) == 1
    assert match_assets([]) == 0
    assert match_assets(entries=[]) == 0
    assert match_assets() == 1
    assert set(KevFinding.unscoped.values_list("asset", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }


def test_the_migration_fills_in_the_keys_of_what_is_already_there(tmp_path: Path) -> None:
    import_catalogue(catalogue(tmp_path, entry("CVE-2025-0282", "Ivanti", "Connect Secure, ZTA")))
    facility = factories.FacilityFactory()
    gateway = asset(facility, "保守回線", "ＩＶＡＮＴＩ", "Connect Secure")
    Asset.unscoped.update(vendor_key="", product_key="")
    KevEntryKey.objects.all().delete()

    migration = importlib.import_module("medcyber.guideline.migrations.0009_kev_match_keys")
    migration.fill_keys(apps, SimpleNamespace(connection=connection))
    gateway.refresh_from_db()
    assert (gateway.vendor_key, gateway.product_key) == ("ivanti", "connectsecure")
    assert sorted(KevEntryKey.objects.values_list("product_key", flat=True)) == [
        "connectsecure",
        "connectsecurezta",
        "zta",
    ]
    assert KevEntry.objects.get().product_keys == "|connectsecurezta|connectsecure|zta|"
