"""A facility imports its asset register from a CP932 CSV: all or nothing, row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medcyber.guideline.assets import import_assets
from medcyber.guideline.models import Asset
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "種類,名称,メーカー,製品名,バージョン,設置場所,管理責任者,インターネット接続,保守事業者\r\n"
)


def csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "assets.csv"
    path.write_bytes((HEADER + "".join(r + "\r\n" for r in rows)).encode("cp932"))
    return path


def test_a_good_file_is_imported(tmp_path: Path) -> None:
    facility = factories.FacilityFactory()
    rows = (
        "VPN装置,本院VPN,Fortinet,FortiGate,7.0.12,サーバ室,院長,あり,北斗メディカル",
        "サーバ,電子カルテサーバ,NEC,Express5800,,サーバ室,院長,なし,北斗メディカル",
    )
    report = import_assets(csv(tmp_path, *rows), facility=facility, dry_run=False)
    assert report.applied, report.rows
    vpn = Asset.unscoped.get(facility=facility, name="本院VPN")
    assert vpn.kind == "vpn" and vpn.internet_exposed


def test_bad_rows_change_nothing(tmp_path: Path) -> None:
    facility = factories.FacilityFactory()
    report = import_assets(
        csv(
            tmp_path,
            "VPN装置,本院VPN,Fortinet,FortiGate,7.0,,,あり,",
            "プリンタ,受付プリンタ,,,,,,なし,",
            "サーバ,本院VPN,,,,,,たぶん,",
        ),
        facility=facility,
        dry_run=False,
    )
    assert not report.ok and not report.applied
    errors = {r.line: r.message for r in report.rows if r.outcome == "error"}
    assert "種類「プリンタ」は使えません" in errors[3]
    assert "重複しています" in errors[4] and "「あり」か「なし」" in errors[4]
    assert not Asset.unscoped.filter(facility=facility).exists()


@pytest.mark.usefixtures("clamd", "document_storage")
def test_the_screen_shows_the_row_report_of_a_cp932_file(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    text = HEADER + "VPN装置,本院VPN,Fortinet,FortiOS,7.0,,,あり,\r\nプリンタ,受付,,,,,,なし,\r\n"
    upload = SimpleUploadedFile("資産台帳.csv", text.encode("cp932"), content_type="text/csv")
    page = client.post(
        reverse("guideline:asset_import", args=[facility.pk]), {"file": upload}
    ).content.decode()
    assert "問題が1件あるため、何も変更していません。" in page
    assert "エラー" in page and "種類「プリンタ」は使えません" in page
    assert not Asset.unscoped.filter(facility=facility).exists()
