"""Facilities files on PostgreSQL through the staging table (see ``staged.py``).

The row-by-row path's rules, as set operations:

- **Keys.** A facility is named by its medical-institution code, else by its care provider
  number (介護保険事業所番号), else by (name, address); a row with a code and a care number
  holds both. Keys are written as text with a tag (``c:`` code, ``k:`` care number, ``n:``
  name and address) into one table, with the keys of rejected rows that can be read.
- **Duplicates inside the file.** Most keys appear once; the rows that share a key with
  another row (a handful) are read back in line order and decided as the row path decides
  them: a row whose key an earlier row holds is refused, and then holds none of its keys.
- **Upsert.** One statement joins the clean rows to the stored facilities by code, care
  number, and (name, address) among facilities with neither; rows naming two stored
  facilities by name and address, or a care number another facility holds, are refused
  with the row path's messages; new facilities are inserted, changed ones updated, the
  others counted.
- **--full.** Open facilities none of whose keys the file holds are closed.
"""

# SQL here is built from this module's own temporary table names and model metadata; every
# value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import ClassVar

from django.db import connection
from django.utils import timezone

from ..choices import FacilityStatus
from ..models import Facility
from .normalize import normalize_digits, normalize_text
from .readers import RawRow
from .rows import FacilityRecord, RowError
from .staged import StagedFile, choice_code, prefecture_code

_SEPARATOR = "\x1f"
# The column a duplicated key is reported in, by the key's tag.
_KEY_COLUMNS = {"c": "医療機関コード", "k": "介護保険事業所番号", "n": "施設名"}


def _key_sql(row: str) -> str:
    """SQL: the key a clean row (alias ``row``) is named by, tagged as in :func:`row_key`."""
    return (
        f"CASE WHEN {row}.medical_institution_code <> '' "
        f"THEN 'c:' || {row}.medical_institution_code "
        f"WHEN {row}.care_provider_number <> '' THEN 'k:' || {row}.care_provider_number "
        f"ELSE 'n:' || {row}.name || chr(31) || {row}.address END"
    )


def row_key(values: dict[str, str]) -> str | None:
    """The tagged key of a file row as the row path reads it for a rejected row
    (``FacilityWriter.raw_key``)."""
    if code := normalize_digits(values.get("medical_institution_code", "")):
        return f"c:{code}"
    if care := normalize_digits(values.get("care_provider_number", "")):
        return f"k:{care}"
    name = normalize_text(values.get("name", ""))
    address = normalize_text(values.get("address", ""))
    return f"n:{name}{_SEPARATOR}{address}" if name and address else None


class StagedFacilities(StagedFile):
    """Facilities by code, care number or (name, address); see the module's docstring."""

    kind = "facilities"
    model = Facility
    record = FacilityRecord
    spelled: ClassVar[dict[str, Callable[[str], str | None]]] = {
        "kind": choice_code("facility_kind"),
        "prefecture": prefecture_code,
        "status": choice_code("facility_status"),
    }

    @property
    def keys(self) -> str:
        """The table of the keys the file holds (duplicates, --full)."""
        return f"{self.clean}_keys"

    @property
    def merge(self) -> str:
        """The table of the clean rows joined to the stored facilities."""
        return f"{self.clean}_v"

    def rejected_key(self, values: dict[str, str]) -> str | None:
        return row_key(values)

    # --- clean rows in SQL
    def _clean_in_sql(self) -> None:
        length, text_ok = self.length, self.text_ok
        postal = "s.c_postal_code"
        conditions = [
            "(s.c_medical_institution_code = '' OR s.c_medical_institution_code ~ '^[0-9]{10}$')",
            "(s.c_care_provider_number = '' OR s.c_care_provider_number ~ '^[0-9]{10}$')",
            text_ok("s.c_name", length("name"), True),
            self.kana_ok("s.c_name_kana", length("name_kana")),
            f"({postal} = '' OR {postal} ~ '^[0-9]{{3}}-?[0-9]{{4}}$')",
            text_ok("s.c_address", length("address"), True),
            "(s.c_phone = '' OR s.c_phone ~ %(phone)s)",
            "(s.c_status = '' OR st.code IS NOT NULL)",
        ]
        sql = (
            f"INSERT INTO {self.clean} SELECT s.line, s.c_medical_institution_code, "
            f"s.c_care_provider_number, s.c_name, {self.kana('s.c_name_kana')}, kd.code, "
            # 1138621 is written 113-8621, as normalize_postal_code writes it.
            f"CASE WHEN {postal} ~ '^[0-9]{{7}}$' "
            f"THEN substr({postal}, 1, 3) || '-' || substr({postal}, 4) ELSE {postal} END, "
            "pr.code, s.c_address, s.c_phone, coalesce(st.code, %(active)s) "
            f"FROM {self.stage} s "
            f"JOIN {self.spelling} kd ON kd.tab = 'kind' AND kd.spelling = s.c_kind "
            f"JOIN {self.spelling} pr ON pr.tab = 'prefecture' AND pr.spelling = s.c_prefecture "
            f"LEFT JOIN {self.spelling} st ON st.tab = 'status' AND st.spelling = s.c_status "
            f"WHERE {' AND '.join(conditions)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.patterns(), "active": FacilityStatus.ACTIVE.value})

    # --- duplicates inside the file
    def _duplicates(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.keys} ON COMMIT DROP AS "
                f"SELECT line, 0 AS pos, {_key_sql('c')} AS key, true AS ok FROM {self.clean} c "
                "UNION ALL SELECT line, 1, 'k:' || care_provider_number, true "
                f"FROM {self.clean} WHERE medical_institution_code <> '' "
                "AND care_provider_number <> '' "
                f"UNION ALL SELECT line, 0, key, false FROM {self.rejected} WHERE key IS NOT NULL"
            )
            cursor.execute(
                f"SELECT line, key, ok FROM {self.keys} WHERE key IN (SELECT key FROM "
                f"{self.keys} GROUP BY key HAVING count(*) > 1) ORDER BY line, pos"
            )
            shared = cursor.fetchall()
        # In line order, as the row path reads them: the first row holding a key keeps it
        # (a rejected row as line 0, 「ほかの行」); a refused row holds none of its keys.
        known: dict[str, int] = {}
        duplicates: list[tuple[int, str, int]] = []
        for line, entries in itertools.groupby(shared, key=lambda entry: entry[0]):
            found = list(entries)
            ok = found[0][2]
            seen = next((key for _line, key, _ok in found if key in known), None)
            if seen is None:
                for _line, key, _ok in found:
                    known[key] = line if ok else 0
            elif ok:
                duplicates.append((line, _KEY_COLUMNS[seen[0]], known[seen]))
        self.reject_duplicates(duplicates)
        if duplicates:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.keys} WHERE ok AND line = ANY(%s)",
                    [[line for line, _column, _first in duplicates]],
                )

    # --- upsert
    def _upsert(self) -> None:
        from .apply import care_number_taken, same_name_and_address

        fields = self.writer.fields  # the model fields the file's columns set
        quote = connection.ops.quote_name
        table = quote(Facility._meta.db_table)
        # A file without the care-number column keeps matching care facilities by name.
        without_care = " AND care_provider_number = ''" if "care_provider_number" in fields else ""
        # Equality joins only (a condition more made PostgreSQL loop over the whole table).
        source = (
            "SELECT c.*, CASE WHEN c.medical_institution_code <> '' THEN bc.id "
            "WHEN c.care_provider_number <> '' THEN bk.id WHEN bn.n = 1 THEN bn.id END AS pk, "
            "coalesce(bn.n, 0) > 1 AS ambiguous, bk.id AS holder, bk.name AS holder_name "
            f"FROM {self.clean} c "
            f"LEFT JOIN {table} bc "
            "ON bc.medical_institution_code = nullif(c.medical_institution_code, '') "
            f"LEFT JOIN {table} bk ON bk.care_provider_number = nullif(c.care_provider_number, '') "
            "LEFT JOIN (SELECT name, address, min(id) AS id, count(*) AS n "
            f"FROM {table} WHERE medical_institution_code = ''{without_care} "
            "GROUP BY name, address) bn ON bn.name = CASE WHEN c.medical_institution_code = '' "
            "AND c.care_provider_number = '' THEN c.name END AND bn.address = c.address"
        )
        changed = " OR ".join(f"m.{quote(name)} IS DISTINCT FROM v.{name}" for name in fields)
        changed = changed or "false"
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.merge} ON COMMIT DROP AS "
                f"SELECT v.*, (v.pk IS NOT NULL AND ({changed})) AS changed, "
                "(v.ambiguous OR (v.holder IS NOT NULL AND v.holder IS DISTINCT FROM v.pk)) "
                f"AS bad FROM ({source}) v LEFT JOIN {table} m ON m.id = v.pk"
            )
            cursor.execute(
                "SELECT line, ambiguous, holder_name, care_provider_number "
                f"FROM {self.merge} WHERE bad ORDER BY line"
            )
            for line, ambiguous, holder_name, care in cursor.fetchall():
                if ambiguous:
                    error = RowError(line, "施設名", same_name_and_address(), "")
                else:
                    error = RowError(
                        line, "介護保険事業所番号", care_number_taken(holder_name), care
                    )
                self.report.reject([error])
            self.write_merge(cursor, self.merge, table, fields, now)

    def run(self, rows: Iterator[RawRow]) -> None:
        self.check(rows)
        self._duplicates()
        self._upsert()

    # --- a complete file
    def end_absent(self) -> None:
        """Open facilities none of whose keys the file holds: closed, never deleted."""
        table = connection.ops.quote_name(Facility._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.keys}")
            cursor.execute(
                f"UPDATE {table} AS f SET status = %(closed)s, updated_at = %(now)s "
                "WHERE f.status <> %(closed)s "
                f"AND NOT EXISTS (SELECT 1 FROM {self.keys} k "
                "WHERE k.key = 'c:' || f.medical_institution_code) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.keys} k "
                "WHERE k.key = 'k:' || f.care_provider_number) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.keys} k WHERE k.key = CASE WHEN "
                "f.medical_institution_code = '' AND f.care_provider_number = '' "
                "THEN 'n:' || f.name || chr(31) || f.address END)",
                {"closed": FacilityStatus.CLOSED.value, "now": timezone.now()},
            )
            self.report.ended += cursor.rowcount
