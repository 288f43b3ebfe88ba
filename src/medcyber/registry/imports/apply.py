"""Applying a file to the registry: all or nothing, with a report of every rejected row.

How it works, and why:

- **One transaction, one audit event.** Every ``AuditedModel.save`` writes an audit event;
  for a national file of 180,000 rows that would be 180,000 events and as many round trips.
  The import therefore writes with ``bulk_create``/``bulk_update`` inside ONE
  ``transaction.atomic`` and records ONE event (``registry.import``) with the counts, the
  file's name and the options. A refused import (rows rejected, not ``valid_only``) records an
  event too, after the rollback, saying nothing was applied. A dry run records nothing.
- **All or nothing.** Rows are written chunk by chunk as the file is read (so database-side
  problems — an unknown member in a link, an overlapping founder/manager period — are found
  too) and the transaction is rolled back at the end when it is a dry run, or when any row was
  rejected and the operator did not choose ``valid_only``.
- **Upsert by natural key.** Members by membership number; facilities by medical-institution
  code, else by care provider number (介護保険事業所番号, care facilities), else by
  (name, address) among facilities with neither; a care number is unique in the file and in
  the registry; founder/manager links by (facility, member, start date), the facility named
  by either number or its id. A row equal to what is stored is
  not written (re-importing a file changes nothing, not even ``updated_at``). Columns absent
  from the file are left as they are.
- **Full files.** ``full=True`` (members and facilities) means the file is the complete list:
  members absent from it (and not already ended) get ``valid_to`` = the import date and the
  status "withdrawn"; facilities absent from it get the status "closed" (廃止). Nothing is
  deleted. A rejected row whose key (membership number, code, care number, or name and
  address) can be read still counts as present, so a typo never ends a membership or closes a
  facility.
- **Flat memory.** Rows are streamed in chunks of ``chunk_size`` rows; the keys read so far
  (membership numbers, codes) are kept in a temporary table on PostgreSQL (in a dictionary on
  other databases), database look-ups go chunk by chunk, and at most ``MAX_ERRORS`` errors are
  kept (the rest are counted).
- **Bulk writes.** On PostgreSQL new rows are written with ``COPY`` and changed rows merged
  from a temporary table with ``UPDATE … FROM`` (``bulk.py``); elsewhere ``bulk_create`` and
  ``bulk_update``.
- **Staged files.** On PostgreSQL, files do not go row by row: their cells are staged with
  ``COPY`` and checked and merged in SQL (``staged.py`` and one module per kind,
  ``staged_members.py``, ``staged_facilities.py``, ``staged_links.py``), with the same
  results and messages as the path here, which stays for other databases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import db
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit

from ..choices import FacilityStatus, MemberStatus, Prefecture
from ..models import (
    DistrictAssociation,
    Facility,
    FacilityManagement,
    Member,
    PrefecturalAssociation,
)
from .bulk import BulkWriter, KeyStore, fetch, make_key_store, uses_copy
from .columns import KINDS, Header, read_header
from .normalize import normalize_digits, normalize_text
from .readers import ImportFileError, RawRow, Table
from .rows import PARSERS, FacilityRecord, LinkRecord, MemberRecord, Record, RowError
from .staged import StagedFile
from .staged_facilities import StagedFacilities
from .staged_links import StagedLinks
from .staged_members import StagedMembers

MAX_ERRORS = 10_000
FULL_KINDS = ("members", "facilities")  # kinds a complete file (--full) may be given for


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    kind: str
    file_name: str
    dry_run: bool = False
    valid_only: bool = False
    full: bool = False
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0
    rejected_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_not_kept: int = 0
    associations_created: int = 0
    applied: bool = False
    file_sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.rejected_rows == 0

    def reject(self, errors: list[RowError]) -> None:
        self.rejected_rows += 1
        room = MAX_ERRORS - len(self.errors)
        self.errors.extend(errors[: max(room, 0)])
        self.errors_not_kept += max(len(errors) - max(room, 0), 0)

    def counts(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "file_sha256": self.file_sha256,
            "rows": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "associations_created": self.associations_created,
            "rejected": self.rejected_rows,
            "valid_only": self.valid_only,
            "full": self.full,
            "applied": self.applied,
        }


class Writer:
    """Collects clean records and writes them chunk by chunk: look up, then create or update."""

    model: type[models.Model]
    columns: dict[str, str]  # file column → model field it sets
    end_column = "終了日"

    def __init__(
        self, report: ImportReport, present: frozenset[str], today: dt.date, chunk_size: int
    ) -> None:
        self.report = report
        self.today = today
        self.chunk_size = chunk_size
        self.fields = [name for column, name in self.columns.items() if column in present]
        # The rows of the current chunk in file order: (keys, line, record or None for a
        # rejected row whose key could be read). Keys are checked against the file so far
        # when the chunk is written (duplicates; --full).
        self.arrivals: list[tuple[list[Hashable], int, Any]] = []
        self.keys: KeyStore = make_key_store()
        self.creates: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.bulk = BulkWriter(self.model)

    # --- one per kind
    def key(self, record: Any) -> Hashable:
        raise NotImplementedError

    def other_keys(self, record: Any) -> list[Hashable]:
        """Further values that must be unique in the file (a care number beside a code)."""
        return []

    def raw_key(self, values: dict[str, str]) -> Hashable | None:
        return None

    def write(self, records: list[Any]) -> None:
        raise NotImplementedError

    def end_absent(self) -> None:  # pragma: no cover - refused before for other kinds
        raise NotImplementedError

    # --- shared
    def add(self, record: Any) -> None:
        self.arrivals.append(([self.key(record), *self.other_keys(record)], record.line, record))
        if len(self.arrivals) >= self.chunk_size:
            self.flush()

    def duplicate_column(self, record: Any, key: Hashable) -> str:
        return "会員番号"

    def note_rejected_key(self, values: dict[str, str]) -> None:
        key = self.raw_key(values)
        if key is not None:
            self.arrivals.append(([key], 0, None))

    def _first_arrivals(self) -> list[Any]:
        """The chunk's records whose key is new to the file; the others are rejected."""
        arrivals, self.arrivals = self.arrivals, []
        known = self.keys.lookup({key for keys, _line, _record in arrivals for key in keys})
        remember: list[tuple[Hashable, int]] = []
        fresh: list[Any] = []
        for keys, line, record in arrivals:
            seen = next((key for key in keys if key in known), None)
            if seen is None:
                for key in keys:
                    known[key] = line
                    remember.append((key, line))
                if record is not None:
                    fresh.append(record)
            elif record is not None:
                first = known[seen]
                where = _("%(line)d行目") % {"line": first} if first else _("ほかの行")
                self.reject(
                    record,
                    self.duplicate_column(record, seen),
                    _("%(where)sと重複しています。同じものは1行にしてください。")
                    % {"where": where},
                )
        self.keys.remember(remember)
        return fresh

    def flush(self) -> None:
        records = self._first_arrivals()
        if not records:
            return
        self.write(records)
        db.reset_queries()  # under DEBUG, Django keeps every statement: not for 180,000 rows
        self.bulk.create(self.creates)
        if self.updates:
            self.bulk.update(self.updates, [*self.fields, *self.stamp_fields()])
        self.creates, self.updates = [], []

    def stamp_fields(self) -> list[str]:
        return []

    def reject(self, record: Any, column: str, message: str, value: str = "") -> None:
        self.report.reject([RowError(record.line, column, message, value)])

    def upsert(self, record: Any, existing: dict[str, Any] | None, values: dict[str, Any]) -> bool:
        """Create, update or leave alone, comparing only the columns the file has."""
        if existing is None:
            self.creates.append(values)
            self.report.created += 1
            return True
        if all(existing[name] == values[name] for name in self.fields):
            self.report.unchanged += 1
            return True
        merged = {**existing, **{name: values[name] for name in self.fields}}
        if merged.get("valid_to") and merged["valid_to"] < merged["valid_from"]:
            message = _("登録済みの終了日（退会日）が、開始日（入会日）より前になります。")
            self.reject(record, self.end_column, message)
            return False
        for name in self.stamp_fields():
            merged[name] = timezone.now()
        self.updates.append(merged)
        self.report.updated += 1
        return True


_MEMBER_COLUMNS = {
    "membership_number": "membership_number",
    "family_name": "family_name",
    "given_name": "given_name",
    "family_name_kana": "family_name_kana",
    "given_name_kana": "given_name_kana",
    "member_class": "member_class",
    "prefecture": "prefectural_association_id",
    "district": "district_association_id",
    "status": "status",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "email": "email",
    "phone": "phone",
    "medical_registration_number": "medical_registration_number",
}


def registration_taken(membership_number: str) -> str:
    return _("この医籍番号は別の会員（会員番号 %(number)s）に登録されています。") % {
        "number": membership_number
    }


class MemberWriter(Writer):
    model = Member
    columns = _MEMBER_COLUMNS
    end_column = "退会日"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.prefectural: dict[str, int] = dict(
            PrefecturalAssociation.objects.values_list("prefecture", "pk")
        )
        self.districts: dict[tuple[int, str], int] = {
            (pref, name): pk
            for pk, pref, name in DistrictAssociation.objects.values_list(
                "pk", "prefectural_id", "name"
            )
        }

    def key(self, record: MemberRecord) -> Hashable:
        return record.membership_number

    def other_keys(self, record: MemberRecord) -> list[Hashable]:
        number = record.medical_registration_number
        return [("registration", number)] if number else []

    def duplicate_column(self, record: MemberRecord, key: Hashable) -> str:
        return "医籍番号" if isinstance(key, tuple) else "会員番号"

    def raw_key(self, values: dict[str, str]) -> Hashable | None:
        return normalize_digits(values.get("membership_number", "")) or None

    def stamp_fields(self) -> list[str]:
        return ["updated_at"]

    def association(self, prefecture: str) -> int:
        if prefecture not in self.prefectural:
            label = str(Prefecture(prefecture).label)
            made = PrefecturalAssociation(prefecture=prefecture, name=f"{label}医師会")
            PrefecturalAssociation.objects.bulk_create([made])
            self.prefectural[prefecture] = (
                made.pk or PrefecturalAssociation.objects.get(prefecture=prefecture).pk
            )
            self.report.associations_created += 1
        return self.prefectural[prefecture]

    def district(self, prefectural_id: int, name: str) -> int | None:
        if not name:
            return None
        key = (prefectural_id, name)
        if key not in self.districts:
            made = DistrictAssociation(prefectural_id=prefectural_id, name=name)
            DistrictAssociation.objects.bulk_create([made])
            self.districts[key] = (
                made.pk
                or DistrictAssociation.objects.get(prefectural_id=prefectural_id, name=name).pk
            )
            self.report.associations_created += 1
        return self.districts[key]

    def values(self, record: MemberRecord) -> dict[str, Any]:
        prefectural_id = self.association(record.prefecture)
        return {
            "membership_number": record.membership_number,
            "family_name": record.family_name,
            "given_name": record.given_name,
            "family_name_kana": record.family_name_kana,
            "given_name_kana": record.given_name_kana,
            "member_class": record.member_class,
            "prefectural_association_id": prefectural_id,
            "district_association_id": self.district(prefectural_id, record.district),
            "status": record.status,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
            "email": record.email,
            "phone": record.phone,
            "medical_registration_number": record.medical_registration_number,
        }

    def write(self, records: list[MemberRecord]) -> None:
        numbers = [record.membership_number for record in records]
        existing = {
            row["membership_number"]: row
            for row in fetch(
                Member, ["pk", *_MEMBER_COLUMNS.values()], "membership_number", numbers
            )
        }
        registrations = [
            r.medical_registration_number for r in records if r.medical_registration_number
        ]
        holders = {
            row["medical_registration_number"]: row
            for row in fetch(
                Member,
                ["pk", "membership_number", "medical_registration_number"],
                "medical_registration_number",
                registrations,
            )
        }
        for record in records:
            current = existing.get(record.membership_number)
            holder = holders.get(record.medical_registration_number)
            if holder is not None and (current is None or holder["pk"] != current["pk"]):
                self.reject(record, "医籍番号", registration_taken(holder["membership_number"]))
                continue
            self.upsert(record, current, self.values(record))

    def end_absent(self) -> None:
        """Members missing from a complete file: membership ended today, never deleted."""
        current = Member.unscoped.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.today))
        ending = {
            "valid_to": Case(
                When(valid_from__gt=self.today, then=F("valid_from")), default=Value(self.today)
            ),
            "status": Case(
                When(
                    status__in=[MemberStatus.ACTIVE, MemberStatus.SUSPENDED],
                    then=Value(MemberStatus.WITHDRAWN),
                ),
                default=F("status"),
            ),
            "updated_at": timezone.now(),
        }
        # Chunk by chunk in key order (the ended rows leave ``current`` as they are ended).
        after = 0
        while chunk := list(
            current.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "membership_number")[: self.chunk_size]
        ):
            after = chunk[-1][0]
            present = self.keys.lookup(number for _pk, number in chunk)
            absent = [pk for pk, number in chunk if number not in present]
            if absent:
                self.report.ended += Member.unscoped.filter(pk__in=absent).update(**ending)


_FACILITY_COLUMNS = {
    name: name
    for name in (
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
}


def same_name_and_address() -> str:
    return _(
        "同じ施設名・住所の施設が複数登録されています。"
        "医療機関コードか介護保険事業所番号を入れてください。"
    )


def care_number_taken(name: str) -> str:
    return _("この介護保険事業所番号は別の施設（%(name)s）に登録されています。") % {"name": name}


class FacilityWriter(Writer):
    """Facilities by medical-institution code, else by care provider number (介護保険事業所番号),
    else by (name, address) among facilities with neither."""

    model = Facility
    columns = _FACILITY_COLUMNS

    def key(self, record: FacilityRecord) -> Hashable:
        if record.medical_institution_code:
            return record.medical_institution_code
        if record.care_provider_number:
            return ("care", record.care_provider_number)
        return (record.name, record.address)

    def other_keys(self, record: FacilityRecord) -> list[Hashable]:
        if record.medical_institution_code and record.care_provider_number:
            return [("care", record.care_provider_number)]
        return []

    def raw_key(self, values: dict[str, str]) -> Hashable | None:
        if code := normalize_digits(values.get("medical_institution_code", "")):
            return code
        if care := normalize_digits(values.get("care_provider_number", "")):
            return ("care", care)
        name = normalize_text(values.get("name", ""))
        address = normalize_text(values.get("address", ""))
        return (name, address) if name and address else None

    def end_absent(self) -> None:
        """Facilities missing from a complete file: closed, never deleted."""
        open_ = Facility.unscoped.exclude(status=FacilityStatus.CLOSED)
        fields = ("pk", "medical_institution_code", "care_provider_number", "name", "address")
        after = 0
        while chunk := list(
            open_.filter(pk__gt=after).order_by("pk").values_list(*fields)[: self.chunk_size]
        ):
            after = chunk[-1][0]
            keys: dict[int, list[Hashable]] = {}
            for pk, code, care, name, address in chunk:
                own: list[Hashable] = [code] if code else []
                if care:
                    own.append(("care", care))
                keys[pk] = own or [(name, address)]
            present = self.keys.lookup(key for own in keys.values() for key in own)
            absent = [pk for pk, own in keys.items() if not any(k in present for k in own)]
            if absent:
                self.report.ended += Facility.unscoped.filter(pk__in=absent).update(
                    status=FacilityStatus.CLOSED, updated_at=timezone.now()
                )

    def duplicate_column(self, record: FacilityRecord, key: Hashable) -> str:
        if isinstance(key, str):
            return "医療機関コード"
        return "介護保険事業所番号" if key[0] == "care" else "施設名"  # type: ignore[index]

    def stamp_fields(self) -> list[str]:
        return ["updated_at"]

    def write(self, records: list[FacilityRecord]) -> None:
        fields = ["pk", *_FACILITY_COLUMNS]
        codes = [r.medical_institution_code for r in records if r.medical_institution_code]
        by_code = {
            row["medical_institution_code"]: row
            for row in fetch(Facility, fields, "medical_institution_code", codes)
        }
        cares = [r.care_provider_number for r in records if r.care_provider_number]
        by_care = {
            row["care_provider_number"]: row
            for row in fetch(Facility, fields, "care_provider_number", cares)
        }
        pairs = [
            (r.name, r.address)
            for r in records
            if not r.medical_institution_code and not r.care_provider_number
        ]
        # A file without the care-number column keeps matching care facilities by name.
        without = {"care_provider_number": ""} if "care_provider_number" in self.fields else {}
        by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in fetch(
            Facility, fields, ("name", "address"), pairs, medical_institution_code="", **without
        ):
            by_name.setdefault((row["name"], row["address"]), []).append(row)
        for record in records:
            if record.medical_institution_code:
                existing = by_code.get(record.medical_institution_code)
            elif record.care_provider_number:
                existing = by_care.get(record.care_provider_number)
            else:
                matches = by_name.get((record.name, record.address), [])
                if len(matches) > 1:
                    self.reject(record, "施設名", same_name_and_address())
                    continue
                existing = matches[0] if matches else None
            holder = (
                by_care.get(record.care_provider_number) if record.care_provider_number else None
            )
            if holder is not None and (existing is None or holder["pk"] != existing["pk"]):
                self.reject(
                    record,
                    "介護保険事業所番号",
                    care_number_taken(holder["name"]),
                    record.care_provider_number,
                )
                continue
            values = {name: getattr(record, name) for name in _FACILITY_COLUMNS}
            self.upsert(record, existing, values)


class LinkWriter(Writer):
    """Founder/manager links by (facility, member, start date); periods may not overlap."""

    model = FacilityManagement
    columns = {"relation": "relation", "valid_to": "valid_to"}

    def key(self, record: LinkRecord) -> Hashable:
        facility = (
            record.medical_institution_code
            or (record.care_provider_number and f"care:{record.care_provider_number}")
            or f"#{record.facility_id}"
        )
        return (facility, record.membership_number, record.valid_from)

    def write(self, records: list[LinkRecord]) -> None:
        facilities = self._facilities(records)
        numbers = {r.membership_number for r in records}
        members = {
            row["membership_number"]: row["pk"]
            for row in fetch(Member, ["membership_number", "pk"], "membership_number", numbers)
        }
        links: dict[int, list[dict[str, Any]]] = {}
        names = ["pk", "facility_id", "member_id", "relation", "valid_from", "valid_to"]
        for row in fetch(FacilityManagement, names, "facility_id", set(facilities.values())):
            links.setdefault(row["facility_id"], []).append(row)
        for record in records:
            facility_id = facilities.get(self._facility_key(record))
            member_id = members.get(record.membership_number)
            if facility_id is None:
                self.reject(
                    record,
                    "介護保険事業所番号"
                    if record.care_provider_number and not record.medical_institution_code
                    else "医療機関コード",
                    _("この施設は登録されていません。先に施設を取り込んでください。"),
                )
            elif member_id is None:
                self.reject(
                    record,
                    "会員番号",
                    _("この会員番号の会員は登録されていません。先に会員を取り込んでください。"),
                )
            else:
                self._link(record, facility_id, member_id, links.setdefault(facility_id, []))

    @staticmethod
    def _facility_key(record: LinkRecord) -> Hashable:
        if record.medical_institution_code:
            return record.medical_institution_code
        if record.care_provider_number:
            return ("care", record.care_provider_number)
        return record.facility_id

    def _facilities(self, records: list[LinkRecord]) -> dict[Hashable, int]:
        keys = {self._facility_key(r) for r in records}
        codes = {key for key in keys if isinstance(key, str)}
        cares = {key[1] for key in keys if isinstance(key, tuple)}
        ids = {key for key in keys if isinstance(key, int)}
        code, care = "medical_institution_code", "care_provider_number"
        found: dict[Hashable, int] = {
            row[code]: row["pk"] for row in fetch(Facility, [code, "pk"], code, codes)
        }
        found.update(
            (("care", row[care]), row["pk"]) for row in fetch(Facility, [care, "pk"], care, cares)
        )
        found.update((row["pk"], row["pk"]) for row in fetch(Facility, ["pk"], "pk", ids))
        return found

    def _link(
        self, record: LinkRecord, facility_id: int, member_id: int, periods: list[dict[str, Any]]
    ) -> None:
        values = {
            "facility_id": facility_id,
            "member_id": member_id,
            "relation": record.relation,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
        }
        same = next(
            (
                p
                for p in periods
                if p["member_id"] == member_id and p["valid_from"] == record.valid_from
            ),
            None,
        )
        after = values if same is None else {**same, **{n: values[n] for n in self.fields}}
        clash = next((p for p in periods if p is not same and _overlap(p, after)), None)
        if clash is not None:
            self.reject(
                record,
                "開始日",
                _("この期間には、すでに別の開設者・管理者が登録されています（%(start)s から）。")
                % {"start": clash["valid_from"].isoformat()},
            )
            return
        if self.upsert(record, same, values):
            if same is None:
                periods.append(after)
            else:
                same.update(after)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    far = dt.date.max
    return bool(
        a["valid_from"] <= (b["valid_to"] or far) and b["valid_from"] <= (a["valid_to"] or far)
    )


WRITERS: dict[str, type[Writer]] = {
    "members": MemberWriter,
    "facilities": FacilityWriter,
    "links": LinkWriter,
}


def _header(rows: Iterator[RawRow], kind: str) -> Header:
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("見出し行がありません。1行目に列の名前を入れてください。"))
    if first.formulas:
        raise ImportFileError(_("見出し行に数式があります。数式は使えません。"))
    return read_header(kind, first.cells)


def _formula_errors(raw: RawRow, header: Header) -> list[RowError]:
    return [
        RowError(
            raw.line,
            header.label(name),
            _("数式は使えません。値を入力してください。"),
            raw.cells[index][:100],
        )
        for name, index in header.positions.items()
        if index in raw.formulas
    ]


def _read(header: Header, rows: Iterator[RawRow], writer: Writer) -> None:
    parse = PARSERS[header.kind]
    for raw in rows:
        writer.report.rows_read += 1
        values = header.values(raw.cells)
        errors = _formula_errors(raw, header)
        result = parse(raw.line, values)
        if isinstance(result, list):
            errors.extend(result)
        if errors:
            writer.note_rejected_key(values)
            writer.report.reject(errors)
        else:
            writer.add(result)  # type: ignore[arg-type]
    writer.flush()


STAGED: dict[str, type[StagedFile]] = {
    "members": StagedMembers,
    "facilities": StagedFacilities,
    "links": StagedLinks,
}


def _staged(writer: Writer) -> bool:
    """Every kind of file on PostgreSQL goes through a staging table (``staged.py``)."""
    return writer.report.kind in STAGED and uses_copy()


def import_file(
    path: str | Path,
    *,
    kind: str,
    today: dt.date | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    full: bool = False,
    chunk_size: int = 2000,
) -> ImportReport:
    """Import one file; raises :class:`ImportFileError` when the file cannot be read at all."""
    if kind not in KINDS:
        raise ImportFileError(_("取り込みの種類「%(kind)s」はありません。") % {"kind": kind})
    if full and kind not in FULL_KINDS:
        raise ImportFileError(_("全件ファイル（--full）は会員か施設の取り込みでだけ使えます。"))
    table = Table(path)
    report = ImportReport(kind, Path(path).name, dry_run, valid_only, full)
    # The audit event names the exact file, so the change can be traced to the copy kept.
    report.file_sha256 = _sha256(Path(path))
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = table.rows()
        header = _header(rows, kind)
        writer = WRITERS[kind](report, header.present, today, chunk_size)
        staged = STAGED[kind](writer, header, full) if _staged(writer) else None
        if staged is not None:
            staged.run(rows)
        else:
            _read(header, rows, writer)
        if full:
            if report.rows_read == 0:
                raise ImportFileError(_("全件ファイルに行が1件もありません。何も変更しません。"))
            (staged or writer).end_absent()
        commit = not dry_run and (report.ok or valid_only)
        if commit:
            report.applied = True
            _record(report)
        else:
            transaction.set_rollback(True)
    if not dry_run and not report.applied:
        _refused(report)
    return report


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(report: ImportReport) -> None:
    audit.record(
        "action", "registry.import", object_type="registry.import", changes=report.counts()
    )


def _refused(report: ImportReport) -> None:
    """The refused import is itself an event; its counts say what would have happened."""
    with transaction.atomic():
        _record(report)


__all__ = ["ImportFileError", "ImportReport", "Record", "import_file"]
