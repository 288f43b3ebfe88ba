"""Registry files out: CSV (UTF-8 with BOM) and Excel with exactly the columns the import takes.

The caller passes the queryset and so decides the scope (``Member.objects.visible_to(user)``
on a page, ``Member.unscoped.all()`` in the command). Rows are streamed from the database in
chunks; nothing builds the whole file in memory except openpyxl's own write-only buffer.

Code lists are written as their Japanese labels (東京都, A①会員, 在籍), which the import reads
back, so exporting and importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .choices import (
    FacilityKind,
    FacilityStatus,
    ManagementRelation,
    MemberClass,
    MemberStatus,
    Prefecture,
)
from .imports.columns import COLUMNS

CHUNK = 2000


def header(kind: str) -> list[str]:
    return [column.label for column in COLUMNS[kind]]


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def member_rows(queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    fields = (
        "membership_number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "member_class",
        "prefectural_association__prefecture",
        "district_association__name",
        "status",
        "valid_from",
        "valid_to",
        "email",
        "phone",
        "medical_registration_number",
    )
    for row in queryset.order_by("membership_number").values_list(*fields).iterator(CHUNK):
        number, family, given, family_kana, given_kana, klass, pref, district, *rest = row
        status, valid_from, valid_to, email, phone, registration = rest
        yield [
            number,
            family,
            given,
            family_kana,
            given_kana,
            _label(MemberClass, klass),
            _label(Prefecture, pref),
            district or "",
            _label(MemberStatus, status),
            valid_from,
            valid_to,
            email,
            phone,
            registration,
        ]


def facility_rows(queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    fields = (
        "medical_institution_code",
        "care_provider_number",
        "name",
        "name_kana",
        "kind",
        "postal_code",
        "prefecture",
        "address",
        "phone",
        "status",
    )
    ordered = queryset.order_by("medical_institution_code", "pk").values_list(*fields)
    for row in ordered.iterator(CHUNK):
        code, care, name, kana, kind, postal, pref, address, phone, status = row
        yield [
            code,
            care,
            name,
            kana,
            _label(FacilityKind, kind),
            postal,
            _label(Prefecture, pref),
            address,
            phone,
            _label(FacilityStatus, status),
        ]


def link_rows(queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    fields = (
        "facility__medical_institution_code",
        "facility__care_provider_number",
        "facility_id",
        "member__membership_number",
        "relation",
        "valid_from",
        "valid_to",
    )
    ordered = queryset.order_by("facility_id", "valid_from", "pk").values_list(*fields)
    for row in ordered.iterator(CHUNK):
        code, care, facility_id, number, relation, valid_from, valid_to = row
        yield [
            code,
            care,
            facility_id,
            number,
            _label(ManagementRelation, relation),
            valid_from,
            valid_to,
        ]


ROWS: dict[str, Callable[[models.QuerySet[Any]], Iterator[list[Any]]]] = {
    "members": member_rows,
    "facilities": facility_rows,
    "links": link_rows,
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(kind: str, queryset: models.QuerySet[Any], stream: IO[str]) -> int:
    """Write the CSV (the caller opens ``stream`` with ``encoding="utf-8-sig"``)."""
    writer = csv.writer(stream)
    writer.writerow(header(kind))
    count = 0
    with translation.override("ja"):
        for row in ROWS[kind](queryset):
            writer.writerow([_text(value) for value in row])
            count += 1
    return count


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a name starting with "=" stays text, never a formula
    return cell


def write_xlsx(kind: str, queryset: models.QuerySet[Any], target: str | Path | IO[bytes]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=kind)
    sheet.append([_xlsx_cell(sheet, label) for label in header(kind)])
    count = 0
    with translation.override("ja"):
        for row in ROWS[kind](queryset):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            count += 1
    book.save(target)
    return count


def export_file(kind: str, queryset: models.QuerySet[Any], path: str | Path) -> int:
    """Write ``path`` as CSV or XLSX by its extension; returns the number of rows."""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        return write_xlsx(kind, queryset, target)
    with target.open("w", encoding="utf-8-sig", newline="") as stream:
        return write_csv(kind, queryset, stream)
