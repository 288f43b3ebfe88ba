"""介護保険事業所番号 (care provider number): a care facility's key in files, exports and search."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.registry.exports import export_file
from medcyber.registry.models import Facility, FacilityManagement
from medcyber.registry.validators import validate_care_provider_number
from tests import factories
from tests.registry.test_import_apply import csv_file, run

pytestmark = pytest.mark.usefixtures("db")

HEADER = [
    "医療機関コード",
    "介護保険事業所番号",
    "施設名",
    "施設名カナ",
    "施設種別",
    "都道府県",
    "住所",
]
HIMAWARI = [
    "",
    "１３７０００００１２",
    "ひまわり苑",
    "ひまわりえん",
    "介護",
    "大阪府",
    "大阪市北区1-1",
]
SAKURA = ["1310000001", "", "さくら診療所", "サクラシンリョウジョ", "診療所", "東京都", "文京区1-1"]


def facility_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    return csv_file(tmp_path, rows, header=HEADER, name="facilities.csv")


def test_a_care_number_is_ten_digits() -> None:
    validate_care_provider_number("1370000012")
    validate_care_provider_number("")
    with pytest.raises(ValidationError, match="10桁の半角数字"):
        validate_care_provider_number("137000001")


def test_care_facilities_are_created_and_updated_by_their_number(tmp_path: Path) -> None:
    report = run(facility_file(tmp_path, [HIMAWARI, SAKURA]), kind="facilities")
    assert (report.created, report.rejected_rows) == (2, 0)
    himawari = Facility.unscoped.get(care_provider_number="1370000012")
    assert (himawari.name, himawari.medical_institution_code) == ("ひまわり苑", "")
    assert run(facility_file(tmp_path, [HIMAWARI, SAKURA]), kind="facilities").unchanged == 2
    moved = [*HIMAWARI[:6], "大阪市北区2-2"]  # a new address: the number still finds it
    report = run(facility_file(tmp_path, [moved]), kind="facilities")
    assert (report.created, report.updated) == (0, 1)
    himawari.refresh_from_db()
    assert himawari.address == "大阪市北区2-2"


def test_a_care_number_twice_in_a_file_is_a_duplicate(tmp_path: Path) -> None:
    with_code = ["1310000002", *HIMAWARI[1:3], "ヒマワリエン", "診療所", *HIMAWARI[5:]]
    report = run(facility_file(tmp_path, [with_code, HIMAWARI]), kind="facilities")
    assert report.rejected_rows == 1
    error = report.errors[0]
    assert (error.line, error.column) == (3, "介護保険事業所番号")
    assert "2行目と重複しています" in error.message
    assert not Facility.unscoped.exists()


def test_a_care_number_held_by_another_facility_is_refused(tmp_path: Path) -> None:
    factories.FacilityFactory(medical_institution_code="", care_provider_number="1370000012")
    taking = [SAKURA[0], "1370000012", *SAKURA[2:]]
    report = run(facility_file(tmp_path, [taking]), kind="facilities")
    assert report.errors[0].column == "介護保険事業所番号"
    assert "別の施設" in report.errors[0].message
    assert Facility.unscoped.count() == 1


def test_a_malformed_care_number_is_reported(tmp_path: Path) -> None:
    bad = ["", "13700", *HIMAWARI[2:]]
    report = run(facility_file(tmp_path, [bad]), kind="facilities")
    assert [(e.column, e.value) for e in report.errors] == [("介護保険事業所番号", "13700")]


LINK_HEADER = ["介護保険事業所番号", "会員番号", "関係", "開始日"]


def test_links_name_care_facilities_by_their_number(tmp_path: Path) -> None:
    facility = factories.FacilityFactory(
        medical_institution_code="", care_provider_number="1370000012"
    )
    factories.MemberFactory(membership_number="130001")
    rows = [
        ["1370000012", "130001", "開設者・管理者", "2015-04-01"],
        ["1370000099", "130001", "開設者・管理者", "2015-04-01"],
    ]
    path = csv_file(tmp_path, rows, header=LINK_HEADER, name="links.csv")
    report = run(path, kind="links", valid_only=True)
    assert (report.created, report.rejected_rows) == (1, 1)
    assert report.errors[0].column == "介護保険事業所番号"
    link = FacilityManagement.unscoped.get()
    assert (link.facility, link.valid_from) == (facility, dt.date(2015, 4, 1))


def test_the_export_carries_the_number_and_imports_back_unchanged(tmp_path: Path) -> None:
    run(facility_file(tmp_path, [HIMAWARI, SAKURA]), kind="facilities")
    out = tmp_path / "out.csv"
    export_file("facilities", Facility.unscoped.all(), out)
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("医療機関コード,介護保険事業所番号,施設名")
    assert "1370000012" in text
    report = run(out, kind="facilities")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_staff_find_a_care_facility_by_the_start_of_its_number(client: Any) -> None:
    factories.FacilityFactory(
        name="ひまわり苑", medical_institution_code="", care_provider_number="1370000012"
    )
    factories.FacilityFactory(name="さくら診療所", medical_institution_code="1310000001")
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    response = client.get(reverse("registry:facility_search"), {"q": "１３７０"})
    names = [f.name for f in response.context["page"].object_list]
    assert names == ["ひまわり苑"]
    assert "1370000012" in response.content.decode()


# --- complete facility files (--full)


def test_a_full_facility_file_closes_the_facilities_it_does_not_list(tmp_path: Path) -> None:
    nocode = ["", "", "あおば苑", "アオバエン", "介護", "東京都", "港区1-1"]
    run(facility_file(tmp_path, [HIMAWARI, SAKURA, nocode]), kind="facilities")
    closed_before = factories.FacilityFactory(
        medical_institution_code="1310000009", status="closed"
    )
    report = run(facility_file(tmp_path, [SAKURA]), kind="facilities", full=True)
    assert (report.ended, report.unchanged) == (2, 1)
    statuses = dict(Facility.unscoped.values_list("name", "status"))
    assert statuses == {
        "ひまわり苑": "closed",
        "さくら診療所": "active",
        "あおば苑": "closed",
        closed_before.name: "closed",
    }
    assert Facility.unscoped.count() == 4  # never deleted


def test_a_rejected_facility_row_still_counts_as_present(tmp_path: Path) -> None:
    run(facility_file(tmp_path, [HIMAWARI, SAKURA]), kind="facilities")
    typo = [*HIMAWARI[:4], "病院ではない", *HIMAWARI[5:]]  # unknown kind, number readable
    report = run(
        facility_file(tmp_path, [typo, SAKURA]), kind="facilities", full=True, valid_only=True
    )
    assert (report.ended, report.rejected_rows) == (0, 1)
    assert not Facility.unscoped.filter(status="closed").exists()
