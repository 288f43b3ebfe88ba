"""Founder/manager links files on PostgreSQL through the staging table (see ``staged.py``).

The row-by-row path's rules, as set operations:

- **Duplicates.** A link is named by (facility as the file names it, membership number,
  start date); the first row of each key is kept, later ones refused (rejected rows hold no
  key, as on the row path).
- **Facility and member.** One statement finds the facility (by code, else care number,
  else id) and the member of every row; rows naming neither are refused with the row
  path's messages.
- **Periods.** The row path reads a facility's rows in line order and refuses a row whose
  period overlaps another link of the facility *as it stands at that row* (a handover
  ends the old link first). Where no two versions of a facility's links overlap at all —
  the links stored, and each as a file row leaves it — no row can be refused for that, and
  the rows are created, updated or counted unchanged in SQL. The facilities that are left
  (a few) are decided in Python in line order, exactly as the row path does.
"""

# SQL here is built from this module's own temporary table names and model metadata; every
# value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import ManagementRelation
from ..models import Facility, FacilityManagement, Member
from .readers import RawRow
from .rows import LinkRecord, RowError
from .staged import StagedFile, _date_ok, choice_code

if TYPE_CHECKING:  # pragma: no cover
    from .apply import LinkWriter


class StagedLinks(StagedFile):
    """Founder/manager links by (facility, member, start date); see the module's docstring."""

    kind = "links"
    model = FacilityManagement
    record = LinkRecord
    spelled: ClassVar[dict[str, Callable[[str], str | None]]] = {
        "relation": choice_code("relation"),
    }

    @property
    def resolved(self) -> str:
        """The clean rows with their facility, member and the stored link they name."""
        return f"{self.clean}_r"

    @property
    def hard(self) -> str:
        """Facilities whose rows are decided in Python (periods that may clash)."""
        return f"{self.clean}_hard"

    def rejected_key(self, values: dict[str, str]) -> str | None:
        return None  # a rejected link row holds no key (LinkWriter.raw_key)

    # --- clean rows in SQL
    def _clean_in_sql(self) -> None:
        conditions = [
            "(s.c_medical_institution_code = '' OR s.c_medical_institution_code ~ '^[0-9]{10}$')",
            "(s.c_care_provider_number = '' OR s.c_care_provider_number ~ '^[0-9]{10}$')",
            "(s.c_facility_id = '' OR (s.c_facility_id ~ '^[0-9]{1,18}$' "
            "AND s.c_facility_id ~ '[1-9]'))",
            "(s.c_medical_institution_code <> '' OR s.c_care_provider_number <> '' "
            "OR s.c_facility_id <> '')",
            "s.c_membership_number ~ '^[0-9]{1,20}$'",
            "(s.c_relation = '' OR re.code IS NOT NULL)",
            _date_ok("s.c_valid_from"),
            f"(s.c_valid_to = '' OR ({_date_ok('s.c_valid_to')} "
            "AND s.c_valid_to >= s.c_valid_from))",
        ]
        sql = (
            f"INSERT INTO {self.clean} SELECT s.line, s.c_medical_institution_code, "
            "s.c_care_provider_number, nullif(s.c_facility_id, '')::bigint, "
            "s.c_membership_number, coalesce(re.code, %(default)s), s.c_valid_from::date, "
            f"nullif(s.c_valid_to, '')::date FROM {self.stage} s "
            f"LEFT JOIN {self.spelling} re ON re.tab = 'relation' AND re.spelling = s.c_relation "
            f"WHERE {' AND '.join(conditions)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"default": ManagementRelation.FOUNDER_MANAGER.value})

    # --- duplicates inside the file
    def _duplicates(self) -> None:
        key = (
            "coalesce(nullif(medical_institution_code, ''), CASE WHEN care_provider_number <> '' "
            "THEN 'care:' || care_provider_number END, '#' || facility_id) || chr(31) || "
            "membership_number || chr(31) || valid_from"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT line, first FROM (SELECT line, first_value(line) OVER "
                f"(PARTITION BY {key} ORDER BY line) AS first FROM {self.clean}) f "
                "WHERE line <> first ORDER BY line"
            )
            duplicates = cursor.fetchall()
        self.reject_duplicates([(line, "会員番号", first) for line, first in duplicates])

    # --- facility, member and the stored link
    def _resolve(self) -> None:
        quote = connection.ops.quote_name
        facilities = quote(Facility._meta.db_table)
        members = quote(Member._meta.db_table)
        links = quote(FacilityManagement._meta.db_table)
        fields = self.writer.fields

        def after(name: str) -> str:
            """The link's value once the row is applied (the file's, when it has the column)."""
            return f"r.{name}" if name in fields else f"coalesce(l.{name}, r.{name})"

        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.resolved}_f ON COMMIT DROP AS "
                "SELECT c.*, CASE WHEN c.medical_institution_code <> '' THEN fc.id "
                "WHEN c.care_provider_number <> '' THEN fk.id ELSE fi.id END AS facility_pk, "
                f"m.id AS member_pk FROM {self.clean} c LEFT JOIN {facilities} fc "
                "ON fc.medical_institution_code = nullif(c.medical_institution_code, '') "
                f"LEFT JOIN {facilities} fk "
                "ON fk.care_provider_number = nullif(c.care_provider_number, '') "
                f"LEFT JOIN {facilities} fi ON fi.id = c.facility_id "
                f"LEFT JOIN {members} m ON m.membership_number = c.membership_number"
            )
            cursor.execute(
                "SELECT line, medical_institution_code, care_provider_number, facility_pk "
                f"FROM {self.resolved}_f WHERE facility_pk IS NULL OR member_pk IS NULL "
                "ORDER BY line"
            )
            for line, code, care, facility_pk in cursor.fetchall():
                if facility_pk is None:
                    column = "介護保険事業所番号" if care and not code else "医療機関コード"
                    message = _("この施設は登録されていません。先に施設を取り込んでください。")
                else:
                    column = "会員番号"
                    message = _(
                        "この会員番号の会員は登録されていません。先に会員を取り込んでください。"
                    )
                self.report.reject([RowError(line, column, message)])
            # The stored link a row names: the first by id when several share the key.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.resolved} ON COMMIT DROP AS "
                "SELECT DISTINCT ON (r.line) r.line, r.facility_pk, r.member_pk, "
                "r.relation AS file_relation, r.valid_from, r.valid_to AS file_valid_to, "
                f"l.id AS same_pk, {after('relation')} AS relation, "
                f"CASE WHEN l.id IS NULL THEN r.valid_to ELSE {after('valid_to')} END "
                "AS valid_to, l.id IS NOT NULL AND ("
                + (" OR ".join(f"l.{name} IS DISTINCT FROM r.{name}" for name in fields) or "false")
                + f") AS changed, NULL::text AS action FROM {self.resolved}_f r "
                f"LEFT JOIN {links} l ON l.facility_id = r.facility_pk "
                "AND l.member_id = r.member_pk AND l.valid_from = r.valid_from "
                "WHERE r.facility_pk IS NOT NULL AND r.member_pk IS NOT NULL "
                "ORDER BY r.line, l.id"
            )
            cursor.execute(f"ANALYZE {self.resolved}")

    def _find_hard(self) -> None:
        """Facilities where some versions of two different links overlap, a stored link is
        named twice, or several stored links share a key: decided in Python."""
        links = connection.ops.quote_name(FacilityManagement._meta.db_table)
        overlap = (
            "a.valid_from <= coalesce(b.valid_to, 'infinity'::date) "
            "AND b.valid_from <= coalesce(a.valid_to, 'infinity'::date)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.hard}_v ON COMMIT DROP AS "
                "SELECT l.facility_id, 'e' || l.id AS ident, l.valid_from, l.valid_to "
                f"FROM {links} l WHERE l.facility_id IN (SELECT facility_pk FROM {self.resolved}) "
                "UNION ALL SELECT facility_pk, coalesce('e' || same_pk, 'n' || line), "
                f"valid_from, valid_to FROM {self.resolved}"
            )
            cursor.execute(f"ANALYZE {self.hard}_v")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.hard} ON COMMIT DROP AS "
                f"SELECT DISTINCT a.facility_id FROM {self.hard}_v a JOIN {self.hard}_v b "
                f"ON a.facility_id = b.facility_id WHERE a.ident < b.ident AND {overlap} "
                f"UNION SELECT facility_pk FROM {self.resolved} WHERE same_pk IS NOT NULL "
                "GROUP BY facility_pk, same_pk HAVING count(*) > 1 "
                f"UNION SELECT facility_id FROM {links} WHERE facility_id IN "
                f"(SELECT facility_pk FROM {self.resolved}) "
                "GROUP BY facility_id, member_id, valid_from HAVING count(*) > 1 "
                f"UNION SELECT facility_pk FROM {self.resolved} WHERE valid_to < valid_from"
            )

    def _decide_hard(self) -> None:
        """The rows of the facilities left, in line order, by the row path's own
        ``LinkWriter._link`` (which counts and reports them); what it would write is
        written below with the others."""
        links = connection.ops.quote_name(FacilityManagement._meta.db_table)
        writer = cast("LinkWriter", self.writer)
        periods: dict[int, list[dict[str, Any]]] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, facility_id, member_id, relation, valid_from, valid_to "
                f"FROM {links} WHERE facility_id IN (SELECT facility_id FROM {self.hard}) "
                "ORDER BY id"
            )
            names = ["pk", "facility_id", "member_id", "relation", "valid_from", "valid_to"]
            for row in cursor.fetchall():
                period = dict(zip(names, row, strict=True))
                periods.setdefault(period["facility_id"], []).append(period)
            cursor.execute(
                "SELECT line, facility_pk, member_pk, file_relation, valid_from, file_valid_to "
                f"FROM {self.resolved} WHERE facility_pk IN (SELECT facility_id FROM {self.hard}) "
                "ORDER BY line"
            )
            rows = cursor.fetchall()
        actions: list[tuple[int, str]] = []
        report = self.report
        for line, facility_id, member_id, relation, valid_from, valid_to in rows:
            record = LinkRecord(line, "", "", facility_id, "", relation, valid_from, valid_to)
            before = (len(writer.creates), len(writer.updates), report.unchanged)
            writer._link(record, facility_id, member_id, periods.setdefault(facility_id, []))
            if len(writer.creates) > before[0]:
                actions.append((line, "create"))
            elif len(writer.updates) > before[1]:
                actions.append((line, "update"))
            elif report.unchanged > before[2]:
                actions.append((line, "same"))
        writer.creates, writer.updates = [], []
        if actions:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {self.resolved} r SET action = a.action FROM "
                    "unnest(%s::int[], %s::text[]) AS a(line, action) WHERE r.line = a.line",
                    [[line for line, _a in actions], [action for _l, action in actions]],
                )

    # --- writes
    def _write(self) -> None:
        quote = connection.ops.quote_name
        table = quote(FacilityManagement._meta.db_table)
        fields = self.writer.fields
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.resolved} SET action = CASE WHEN same_pk IS NULL THEN 'create' "
                "WHEN changed THEN 'update' ELSE 'same' END WHERE action IS NULL "
                f"AND facility_pk NOT IN (SELECT facility_id FROM {self.hard})"
            )
            # (the rows decided in Python were counted by the row path's code)
            cursor.execute(
                "SELECT count(*) FILTER (WHERE action = 'create'), "
                "count(*) FILTER (WHERE action = 'same'), "
                f"count(*) FILTER (WHERE action = 'update') FROM {self.resolved} "
                f"WHERE facility_pk NOT IN (SELECT facility_id FROM {self.hard})"
            )
            created, unchanged, updated = cursor.fetchone()
            names = ["facility_id", "member_id", "relation", "valid_from", "valid_to"]
            defaults = self.defaults(names, timezone.now())
            columns = [*names, *defaults]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                "SELECT facility_pk, member_pk, file_relation, valid_from, file_valid_to"
                f"{''.join(', %s' for _d in defaults)} "
                f"FROM {self.resolved} WHERE action = 'create' ORDER BY line",
                list(defaults.values()),
            )
            if fields:
                assignments = ", ".join(f"{quote(name)} = v.{name}" for name in fields)
                # The last row that changes a link sets it, as on the row path.
                cursor.execute(
                    f"UPDATE {table} AS l SET {assignments} FROM (SELECT DISTINCT ON (same_pk) "
                    f"same_pk, {', '.join(f'file_{name} AS {name}' for name in fields)} "
                    f"FROM {self.resolved} WHERE action = 'update' ORDER BY same_pk, line DESC) v "
                    "WHERE l.id = v.same_pk"
                )
        self.report.created += created
        self.report.unchanged += unchanged
        self.report.updated += updated

    def run(self, rows: Iterator[RawRow]) -> None:
        self.check(rows)
        self._duplicates()
        self._resolve()
        self._find_hard()
        self._decide_hard()
        self._write()

    def end_absent(self) -> None:  # pragma: no cover - refused before for links
        raise NotImplementedError
