"""Exporting the registry: the import's own columns, CSV and Excel, within the caller's scope."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from medcyber.core.models import AuditEvent
from medcyber.core.scoping import UnscopedQueryError
from medcyber.registry.exports import export_file, header
from medcyber.registry.imports.apply import import_file
from medcyber.registry.imports.columns import COLUMNS
from medcyber.registry.models import Facility, FacilityManagement, Member
from tests.factories import FacilityFactory, MemberFactory, manage, member_with_facility

pytestmark = pytest.mark.usefixtures("db")


def registry_data() -> None:
    member = MemberFactory(
        membership_number="130001",
        family_name="=HYPERLINK(1)",
        phone="090-1234-5678",
        email="a@example.jp",
    )
    MemberFactory(
        membership_number="130002",
        member_class="A2B",
        valid_to=dt.date(2024, 3, 31),
        status="withdrawn",
    )
    facility = FacilityFactory(medical_institution_code="1310000001")
    FacilityFactory(medical_institution_code="", name="ひまわり苑", kind="care_facility")
    manage(facility, member, valid_from=dt.date(2015, 4, 1))


@pytest.mark.parametrize("kind", ["members", "facilities", "links"])
def test_the_header_is_the_imports_columns_in_japanese(kind: str) -> None:
    assert header(kind) == [column.label for column in COLUMNS[kind]]


def test_csv_has_a_bom_and_japanese_labels(tmp_path: Path) -> None:
    registry_data()
    path = tmp_path / "members.csv"
    assert export_file("members", Member.unscoped.all(), path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["会員番号", "氏", "名"]
    assert rows[2][5:10] == ["A②(B)会員", "東京都", "", "退会", "2010-04-01"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("kind", "model"),
    [("members", Member), ("facilities", Facility), ("links", FacilityManagement)],
)
def test_exporting_then_importing_changes_nothing(
    tmp_path: Path, suffix: str, kind: str, model: type[Member]
) -> None:
    registry_data()
    path = tmp_path / f"{kind}{suffix}"
    export_file(kind, model.unscoped.all(), path)
    report = import_file(path, kind=kind)
    assert (report.rejected_rows, report.created, report.updated) == (0, 0, 0), report.errors
    assert report.unchanged == model.unscoped.count()


def test_excel_cells_stay_text_never_formulas(tmp_path: Path) -> None:
    registry_data()
    path = tmp_path / "members.xlsx"
    export_file("members", Member.unscoped.all(), path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["B2"].value == "=HYPERLINK(1)"
    assert sheet["B2"].data_type == "s"
    assert sheet["A2"].data_type == "s"  # membership numbers keep their leading digits as text
    assert sheet["J2"].value == dt.datetime(2010, 4, 1)


def test_the_export_is_what_the_callers_scope_allows(tmp_path: Path) -> None:
    registry_data()
    user, member, _facility = member_with_facility()
    path = tmp_path / "mine.csv"
    assert export_file("members", Member.objects.visible_to(user), path) == 1
    assert member.membership_number in path.read_text(encoding="utf-8-sig")
    with pytest.raises(UnscopedQueryError):
        export_file("members", Member.objects.all(), tmp_path / "all.csv")


def test_the_command_exports_and_records_the_event(tmp_path: Path) -> None:
    registry_data()
    out = StringIO()
    path = tmp_path / "facilities.xlsx"
    call_command("registry", "export", "--kind", "facilities", "--output", str(path), stdout=out)
    assert "2 件を" in out.getvalue()
    assert openpyxl.load_workbook(path).worksheets[0].max_row == 3
    event = AuditEvent.objects.get(action="registry.export")
    assert (event.actor_label, event.changes["rows"]) == ("system:cli", 2)


def test_the_command_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.csv か \.xlsx"):
        call_command("registry", "export", "--kind", "members", "--output", str(tmp_path / "m.pdf"))
