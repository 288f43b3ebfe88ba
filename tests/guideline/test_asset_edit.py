"""A clinic keeps its asset register one device at a time: registers its VPN appliance (warned at
once of a known-exploited flaw), edits it, and takes a retired PC off the register — every
change in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from medcyber.core.models import AuditEvent
from medcyber.guideline import services
from medcyber.guideline.models import Asset, KevEntry, KevFinding
from medcyber.guideline.services import derived_answer
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "vpn",
    "name": "本院VPN",
    "vendor": "Fortinet",
    "product": "FortiOS",
    "version": "7.0.12",
    "location": "サーバ室",
    "owner": "事務長",
    "maintainer": "北斗メディカルシステム",
    "note": "",
}


@pytest.fixture
def fortios() -> KevEntry:
    return KevEntry.objects.create(
        cve_id="CVE-2024-55591",
        vendor_project="Fortinet",
        product="FortiOS and FortiProxy",
        vulnerability_name="Fortinet FortiOS Authentication Bypass",
        date_added=dt.date(2025, 1, 14),
        required_action="Apply mitigations per vendor instructions.",
        known_ransomware=True,
        vendor_key="fortinet",
        product_keys="|fortiosandfortiproxy|fortios|fortiproxy|",
    )


def test_register_edit_and_retire_one_asset(client: Any, fortios: KevEntry) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    assert client.get(reverse("guideline:asset_create", args=[facility.pk])).status_code == 200

    response = client.post(reverse("guideline:asset_create", args=[facility.pk]), FORM, follow=True)
    body = response.content.decode()
    assert "資産を登録しました。" in body
    assert "この機器には悪用が確認された脆弱性が1件あります。" in body
    vpn = Asset.unscoped.get(facility=facility, name="本院VPN")
    assert KevFinding.unscoped.get(asset=vpn).entry == fortios
    assert AuditEvent.objects.filter(
        action="guideline.asset.create", object_id=str(vpn.pk)
    ).exists()

    edit = reverse("guideline:asset_edit", args=[facility.pk, vpn.pk])
    assert "本院VPN" in client.get(edit).content.decode()
    changed = {**FORM, "vendor": "Yamaha", "product": "RTX1300", "internet_exposed": "on"}
    response = client.post(edit, changed, follow=True)
    assert "資産を更新しました。" in response.content.decode()
    vpn.refresh_from_db()
    assert vpn.product == "RTX1300" and vpn.internet_exposed
    assert not KevFinding.unscoped.filter(asset=vpn).exists()  # the open warning withdrawn
    update = AuditEvent.objects.get(action="guideline.asset.update", object_id=str(vpn.pk))
    assert update.changes["product"] == ["FortiOS", "RTX1300"]

    response = client.post(
        reverse("guideline:asset_retire", args=[facility.pk, vpn.pk]), follow=True
    )
    assert "「本院VPN」を資産台帳から外しました。" in response.content.decode()
    vpn.refresh_from_db()
    assert vpn.retired_on is not None
    assert Asset.unscoped.filter(pk=vpn.pk).exists()  # kept for the record
    listing = client.get(reverse("guideline:asset_list", args=[facility.pk])).content.decode()
    assert "本院VPN" not in listing
    assert client.get(edit).status_code == 404


def test_a_marked_warning_stays_when_the_device_is_edited(fortios: KevEntry) -> None:
    user, _member, facility = factories.member_with_facility()
    vpn = services.save_asset(asset=Asset(facility=facility, **FORM), by=user)
    finding = KevFinding.unscoped.get(asset=vpn)
    services.mark_finding(finding=finding, status="patched", planned_on=None, by=user)
    vpn.version = "7.0.17"
    services.save_asset(asset=vpn, by=user)
    assert KevFinding.unscoped.get(pk=finding.pk).status == "patched"


def test_a_duplicate_name_is_refused_with_nothing_saved(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    Asset.unscoped.create(facility=facility, kind="pc", name="本院VPN")
    client.force_login(user)
    response = client.post(reverse("guideline:asset_create", args=[facility.pk]), FORM)
    assert response.status_code == 200
    assert "同じ名称の資産がすでに登録されています。" in response.content.decode()
    assert Asset.unscoped.filter(facility=facility).count() == 1


def test_a_retired_asset_no_longer_supports_the_ledger_answer() -> None:
    from medcyber.guideline.models import ChecklistItem

    user, _member, facility = factories.member_with_facility()
    item = ChecklistItem.objects.filter(derived_from="asset_ledger").first()
    assert item is not None
    pc = Asset.unscoped.create(facility=facility, kind="pc", name="受付PC")
    assert derived_answer(item, facility.pk) is not None
    services.retire_asset(asset=pc, on=dt.date(2025, 9, 1), by=user)
    assert derived_answer(item, facility.pk) is None
    with pytest.raises(services.AssetInvalid):
        services.retire_asset(asset=pc, on=dt.date(2025, 9, 2), by=user)


def test_staff_and_other_facilities_cannot_edit(client: Any) -> None:
    from medcyber.accounts.roles import Role

    _user, _member, facility = factories.member_with_facility()
    other, _m, _f = factories.member_with_facility()
    pc = Asset.unscoped.create(facility=facility, kind="pc", name="受付PC")
    url = reverse("guideline:asset_edit", args=[facility.pk, pc.pk])
    client.force_login(other)
    assert client.post(url, {**FORM, "name": "x"}).status_code == 404
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    assert client.post(url, {**FORM, "name": "x"}).status_code == 403
    assert Asset.unscoped.get(pk=pc.pk).name == "受付PC"
