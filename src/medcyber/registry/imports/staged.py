"""Members files on PostgreSQL: rows staged with ``COPY``, checked and merged in SQL.

The row-by-row path (``apply.py``) spent most of an import's CPU in Python: a dictionary and
a dataclass per row, regular expressions and validators per cell, a comparison per stored
row. Here the file's decoded cells go to a temporary table with one ``COPY`` stream, and:

1. **Checked in SQL, proven clean.** One ``INSERT … SELECT`` takes every row whose values
   are already in the registry's form — characters the width normalisation would not change
   (the set is computed from ``normalize.to_half_width`` itself, not written by hand), full-
   width katakana readings, ISO dates that exist, codes the Python tables know (prefecture,
   class, status: the accepted spellings are the Python functions' own answers), lengths
   within the model's. Such a row is exactly what the Python parser would return for it.
2. **Everything else in Python.** The rows SQL did not prove clean (half-width kana, 令和
   dates, full-width digits, and every bad value) are read back in line order and given to
   the same parser as before (``rows.parse_member``): the same normalisation and the same
   Japanese messages, line and column. Their clean values join the others.
3. **Duplicates, associations, upsert and --full in SQL**: the first line of each membership
   number by a window function; prefectural and district associations created in Python
   (a few dozen) and joined; new members inserted, changed ones updated and the unchanged
   counted with set operations against ``registry_member``.

The caller's transaction makes it all or nothing, as on the other path.
"""

# SQL here is built from this module's own temporary table names and model metadata; every
# value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import MemberStatus
from ..models import DistrictAssociation, Member
from . import normalize
from .columns import COLUMNS, Header
from .readers import RawRow
from .rows import MemberRecord, RowError, parse_member

if TYPE_CHECKING:  # pragma: no cover
    from .apply import ImportReport, MemberWriter


def registration_taken(membership_number: str) -> str:
    from .apply import registration_taken as message

    return message(membership_number)


_counter = itertools.count(1)
CHUNK = 2000
NAMES = [column.name for column in COLUMNS["members"]]
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")


@functools.cache
def _unsafe_characters() -> str:
    """A regular-expression class of the characters that send a value to Python: control
    characters, and every character ``to_half_width`` changes (found by asking it)."""
    changed = [
        code
        for code in range(0x80, 0x10000)
        if not 0xD800 <= code < 0xE000
        and normalize.to_half_width(f"a{chr(code)}a") != f"a{chr(code)}a"
    ]
    ranges: list[tuple[int, int]] = [(0x01, 0x20), (0x7F, 0x7F)]
    for code in changed:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )
    return f"[{parts}]"


def _text_pattern() -> str:
    """Clean free text: no changed or control character, single spaces between words."""
    bad = _unsafe_characters()
    word = f"[^{bad[1:-1]}]+"
    return f"^{word}( {word})*$"


_KANA_PATTERN = "^[\\u30a0-\\u30ff]+(\\u3000[\\u30a0-\\u30ff]+)*$"
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_EMAIL_PATTERN = (
    "^[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*"
    "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"
)
_PHONE_PATTERN = "^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$"


def _spelling_code(column: str, spelling: str) -> str | None:
    """What the row parser makes of this cell of ``column`` (None: not a code)."""
    if column == "member_class":
        return normalize.normalize_member_class(spelling)
    text = normalize.normalize_text(spelling)
    if not text:
        return None
    if column == "prefecture":
        return normalize.normalize_prefecture(text)
    return normalize.lookup_choice("member_status", text)


def _copy_line(values: list[str]) -> str:
    joined = "".join(values)
    if any(special in joined for special in _COPY_SPECIAL):
        values = [
            v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            for v in values
        ]
    return "\t".join(values) + "\n"


def _date_ok(column: str) -> str:
    """SQL: the ISO date in ``column`` exists (checked without casting an impossible one)."""
    y = f"substr({column}, 1, 4)::int"
    m = f"substr({column}, 6, 2)::int"
    d = f"substr({column}, 9, 2)::int"
    return (
        f"(CASE WHEN {column} ~ '{_DATE_PATTERN}' AND {y} >= 1 AND {m} BETWEEN 1 AND 12 "
        f"THEN {d} BETWEEN 1 AND extract(day FROM make_date({y}, {m}, 1) "
        f"+ interval '1 month' - interval '1 day')::int ELSE false END)"
    )


class StagedMembers:
    """One members file through a staging table; see the module's docstring."""

    def __init__(self, writer: MemberWriter, header: Header, full: bool) -> None:
        self.writer = writer
        self.report: ImportReport = writer.report
        self.header = header
        self.full = full
        n = next(_counter)
        self.stage = f"registry_stage_members_{n}"
        self.clean = f"registry_clean_members_{n}"
        self.rejected = f"registry_rejected_members_{n}"
        self.spelling = f"registry_spelling_{n}"
        self.places = f"registry_places_{n}"
        self.positions = [(name, header.positions.get(name)) for name in NAMES]

    # --- 1. staging
    def _create(self) -> None:
        cells = ", ".join(f"c_{name} text NOT NULL" for name in NAMES)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.stage} (line integer PRIMARY KEY, {cells}) "
                "ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.clean} (line integer PRIMARY KEY, "
                "membership_number text NOT NULL, family_name text, given_name text, "
                "family_name_kana text, given_name_kana text, member_class text, "
                "prefecture text, district text, status text, valid_from date, valid_to date, "
                "email text, phone text, medical_registration_number text) ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.rejected} (line integer, key text) ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.spelling} (tab text, spelling text, code text, "
                "PRIMARY KEY (tab, spelling)) ON COMMIT DROP"
            )

    def _spellings(self) -> None:
        """The codes of the distinct spellings of the coded columns, asked of the parser's
        own functions once per spelling (a national file has a few dozen)."""
        rows: list[tuple[str, str, str]] = []
        with connection.cursor() as cursor:
            for column in ("member_class", "prefecture", "status"):
                cursor.execute(f"SELECT DISTINCT c_{column} FROM {self.stage}")
                for (spelling,) in cursor.fetchall():
                    if code := _spelling_code(column, spelling):
                        rows.append((column, spelling, code))
            with cursor.cursor.copy(f"COPY {self.spelling} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _stage(self, rows: Iterator[RawRow]) -> None:
        """Every row's cells to the staging table; rows with formulas or NUL go to Python."""
        positions = self.positions
        aside: list[RawRow] = []
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.stage} FROM STDIN") as copy,
        ):
            buffer: list[str] = []
            for raw in rows:
                self.report.rows_read += 1
                cells = raw.cells
                width = len(cells)
                values = [cells[i] if i is not None and i < width else "" for _name, i in positions]
                if raw.formulas or "\x00" in "".join(values):
                    aside.append(raw)
                    continue
                buffer.append(f"{raw.line}\t{_copy_line(values)}")
                if len(buffer) >= CHUNK:
                    copy.write("".join(buffer))
                    buffer = []
            if buffer:
                copy.write("".join(buffer))
        if aside:
            self._python([(raw.line, self.header.values(raw.cells), raw) for raw in aside])

    # --- 2. clean rows in SQL
    def _clean_in_sql(self) -> None:
        def length(name: str) -> int:
            return int(getattr(Member._meta.get_field(name), "max_length", 0))

        text = _text_pattern()
        district_max = int(getattr(DistrictAssociation._meta.get_field("name"), "max_length", 0))

        def text_ok(name: str, max_length: int, required: bool) -> str:
            column = f"s.c_{name}"
            ok = f"({column} ~ %(text)s AND char_length({column}) <= {max_length})"
            return ok if required else f"({column} = '' OR {ok})"

        def kana_ok(name: str) -> str:
            column = f"s.c_{name}"
            return f"({column} ~ %(kana)s AND char_length({column}) <= {length(name)})"

        conditions = [
            "s.c_membership_number ~ '^[0-9]{1,20}$'",
            text_ok("family_name", length("family_name"), True),
            text_ok("given_name", length("given_name"), True),
            kana_ok("family_name_kana"),
            kana_ok("given_name_kana"),
            text_ok("district", district_max, False),
            _date_ok("s.c_valid_from"),
            f"(s.c_valid_to = '' OR ({_date_ok('s.c_valid_to')} "
            "AND s.c_valid_to >= s.c_valid_from))",
            f"(s.c_email = '' OR (s.c_email ~ %(email)s AND char_length(s.c_email) <= "
            f"{length('email')}))",
            "(s.c_phone = '' OR s.c_phone ~ %(phone)s)",
            "(s.c_status = '' OR st.code IS NOT NULL)",
            "s.c_medical_registration_number ~ '^[0-9]{0,7}$'",
        ]
        sql = (
            f"INSERT INTO {self.clean} SELECT s.line, s.c_membership_number, s.c_family_name, "
            "s.c_given_name, s.c_family_name_kana, s.c_given_name_kana, cl.code, pr.code, "
            "s.c_district, coalesce(st.code, %(active)s), s.c_valid_from::date, "
            "nullif(s.c_valid_to, '')::date, s.c_email, s.c_phone, "
            "s.c_medical_registration_number "
            f"FROM {self.stage} s "
            f"JOIN {self.spelling} cl ON cl.tab = 'member_class' "
            "AND cl.spelling = s.c_member_class "
            f"JOIN {self.spelling} pr ON pr.tab = 'prefecture' AND pr.spelling = s.c_prefecture "
            f"LEFT JOIN {self.spelling} st ON st.tab = 'status' AND st.spelling = s.c_status "
            f"WHERE {' AND '.join(conditions)}"
        )
        # The casts in the select list see only the rows the WHERE kept (dates checked there
        # with CASE, which never casts an impossible one).
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "text": text,
                    "kana": _KANA_PATTERN,
                    "email": _EMAIL_PATTERN,
                    "phone": _PHONE_PATTERN,
                    "active": MemberStatus.ACTIVE.value,
                },
            )

    # --- 3. the other rows in Python
    def _python_rows(self) -> None:
        after = 0
        columns = ", ".join(f"s.c_{name}" for name in NAMES)
        present = [
            (index, name)
            for index, (name, position) in enumerate(self.positions)
            if position is not None
        ]
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT s.line, {columns} FROM {self.stage} s WHERE s.line > %s AND "
                    f"NOT EXISTS (SELECT 1 FROM {self.clean} c WHERE c.line = s.line) "
                    "ORDER BY s.line LIMIT %s",
                    [after, CHUNK],
                )
                found = cursor.fetchall()
            if not found:
                return
            after = found[-1][0]
            self._python(
                [(row[0], {name: row[1 + index] for index, name in present}, None) for row in found]
            )

    def _python(self, rows: list[tuple[int, dict[str, str], RawRow | None]]) -> None:
        """The parser's own checks and messages; clean values join the SQL-checked ones."""
        from .apply import _formula_errors

        clean: list[MemberRecord] = []
        rejected: list[tuple[int, str | None]] = []
        for line, values, raw in rows:
            errors: list[RowError] = _formula_errors(raw, self.header) if raw else []
            result = parse_member(line, values)
            if isinstance(result, list):
                errors.extend(result)
            if errors:
                key = self.writer.raw_key(values)
                rejected.append((line, None if key is None else str(key).replace("\x00", "")))
                self.report.reject(errors)
            else:
                clean.append(result)  # type: ignore[arg-type]
        with connection.cursor() as cursor:
            if clean:
                with cursor.cursor.copy(f"COPY {self.clean} FROM STDIN") as copy:
                    for r in clean:
                        copy.write_row(
                            (
                                r.line,
                                r.membership_number,
                                r.family_name,
                                r.given_name,
                                r.family_name_kana,
                                r.given_name_kana,
                                r.member_class,
                                r.prefecture,
                                r.district,
                                r.status,
                                r.valid_from,
                                r.valid_to,
                                r.email,
                                r.phone,
                                r.medical_registration_number,
                            )
                        )
            if rejected:
                with cursor.cursor.copy(f"COPY {self.rejected} FROM STDIN") as copy:
                    for item in rejected:
                        copy.write_row(item)

    # --- 4. duplicates inside the file
    def _duplicates(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH k AS (SELECT line, membership_number AS key, true AS ok FROM "
                f"{self.clean} UNION ALL SELECT line, key, false FROM {self.rejected} "
                "WHERE key IS NOT NULL), f AS (SELECT line, ok, "
                "first_value(line) OVER w AS first, first_value(ok) OVER w AS first_ok "
                "FROM k WINDOW w AS (PARTITION BY key ORDER BY line)) "
                "SELECT line, first, first_ok FROM f WHERE ok AND line <> first ORDER BY line"
            )
            duplicates = cursor.fetchall()
            for line, first, first_ok in duplicates:
                where = _("%(line)d行目") % {"line": first} if first_ok else _("ほかの行")
                self.report.reject(
                    [
                        RowError(
                            line,
                            "会員番号",
                            _("%(where)sと重複しています。同じものは1行にしてください。")
                            % {"where": where},
                        )
                    ]
                )
            if duplicates:
                cursor.execute(
                    f"DELETE FROM {self.clean} WHERE line = ANY(%s)",
                    [[line for line, _first, _ok in duplicates]],
                )
            # A 医籍番号 belongs to one member: the first row that gives it keeps it.
            cursor.execute(
                "SELECT line, first FROM (SELECT line, first_value(line) OVER (PARTITION BY "
                "medical_registration_number ORDER BY line) AS first FROM "
                f"{self.clean} WHERE medical_registration_number <> '') f "
                "WHERE line <> first ORDER BY line"
            )
            taken = cursor.fetchall()
            for line, first in taken:
                where = _("%(line)d行目") % {"line": first}
                self.report.reject(
                    [
                        RowError(
                            line,
                            "医籍番号",
                            _("%(where)sと重複しています。同じものは1行にしてください。")
                            % {"where": where},
                        )
                    ]
                )
            if taken:
                cursor.execute(
                    f"DELETE FROM {self.clean} WHERE line = ANY(%s)",
                    [[line for line, _first in taken]],
                )

    # --- 5. associations
    def _associations(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT prefecture, district, min(line) FROM {self.clean} "
                "GROUP BY prefecture, district ORDER BY min(line)"
            )
            places = cursor.fetchall()
            mapping = []
            for prefecture, district, _line in places:
                prefectural_id = self.writer.association(prefecture)
                mapping.append(
                    (
                        prefecture,
                        district,
                        prefectural_id,
                        self.writer.district(prefectural_id, district),
                    )
                )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.places} (prefecture text, district text, "
                "prefectural_id bigint, district_id bigint, PRIMARY KEY (prefecture, district)) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {self.places} FROM STDIN") as copy:
                for row in mapping:
                    copy.write_row(row)

    # --- 6. upsert
    def _upsert(self) -> None:
        fields = self.writer.fields  # the model fields the file's columns set
        quote = connection.ops.quote_name
        table = quote(Member._meta.db_table)
        source = (
            "SELECT c.line, c.membership_number, c.family_name, c.given_name, "
            "c.family_name_kana, c.given_name_kana, c.member_class, "
            "p.prefectural_id AS prefectural_association_id, "
            "p.district_id AS district_association_id, c.status, c.valid_from, c.valid_to, "
            "c.email, c.phone, c.medical_registration_number, m.id AS pk, "
            "CASE WHEN h.id IS DISTINCT FROM m.id THEN h.membership_number END AS holder "
            f"FROM {self.clean} c JOIN {self.places} p ON p.prefecture = c.prefecture AND "
            f"p.district = c.district LEFT JOIN {table} m ON "
            "m.membership_number = c.membership_number "
            # An equality join only: with more in the condition PostgreSQL chose a nested
            # loop over the whole table (minutes at national scale).
            f"LEFT JOIN {table} h ON "
            "h.medical_registration_number = nullif(c.medical_registration_number, '')"
        )
        changed = " OR ".join(f"m.{quote(name)} IS DISTINCT FROM v.{name}" for name in fields)
        changed = changed or "false"

        def merged(name: str) -> str:
            return f"v.{name}" if name in fields else f"m.{quote(name)}"

        bad_dates = (
            f"({merged('valid_to')} IS NOT NULL AND {merged('valid_to')} < {merged('valid_from')})"
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.clean}_v ON COMMIT DROP AS "
                f"SELECT v.*, (v.pk IS NOT NULL AND ({changed})) AS changed, "
                f"(v.holder IS NOT NULL OR (v.pk IS NOT NULL AND ({changed}) AND {bad_dates})) "
                f"AS bad FROM ({source}) v LEFT JOIN {table} m ON m.id = v.pk"
            )
            cursor.execute(
                f"SELECT count(*) FILTER (WHERE pk IS NULL AND NOT bad), "
                "count(*) FILTER (WHERE pk IS NOT NULL AND NOT changed AND NOT bad), "
                "count(*) FILTER (WHERE changed AND NOT bad) "
                f"FROM {self.clean}_v"
            )
            created, unchanged, updated = cursor.fetchone()
            cursor.execute(f"SELECT line, holder FROM {self.clean}_v WHERE bad ORDER BY line")
            message = _("登録済みの終了日（退会日）が、開始日（入会日）より前になります。")
            for line, holder in cursor.fetchall():
                if holder is not None:
                    error = RowError(line, "医籍番号", registration_taken(holder), "")
                else:
                    error = RowError(line, self.writer.end_column, message, "")
                self.report.reject([error])
            names = list(self.writer.columns.values())
            defaults = self._defaults(names, now)
            columns = [*names, *defaults]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT {', '.join(names)}{''.join(', %s' for _d in defaults)} "
                f"FROM {self.clean}_v WHERE pk IS NULL AND NOT bad ORDER BY line",
                list(defaults.values()),
            )
            if fields:
                assignments = ", ".join(f"{quote(name)} = v.{name}" for name in fields)
                cursor.execute(
                    f"UPDATE {table} AS m SET {assignments}, {quote('updated_at')} = %s "
                    f"FROM {self.clean}_v v WHERE m.id = v.pk AND v.changed AND NOT v.bad",
                    [now],
                )
        self.report.created += created
        self.report.unchanged += unchanged
        self.report.updated += updated

    @staticmethod
    def _defaults(names: list[str], now: dt.datetime) -> dict[str, Any]:
        """Values of the model's other columns for new rows (as ``BulkWriter.create``)."""
        defaults: dict[str, Any] = {}
        for field in Member._meta.concrete_fields:
            if field.primary_key or field.attname in names:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.column] = now
            elif field.has_default() or field.null:
                default = field.get_default()
                defaults[field.column] = getattr(default, "value", default)
        return defaults

    # --- 7. a complete file
    def _end_absent(self) -> None:
        today = self.writer.today
        quote = connection.ops.quote_name
        table = quote(Member._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS m SET valid_to = CASE WHEN m.valid_from > %(today)s "
                "THEN m.valid_from ELSE %(today)s END, status = CASE WHEN m.status IN "
                "(%(active)s, %(suspended)s) THEN %(withdrawn)s ELSE m.status END, "
                "updated_at = %(now)s WHERE (m.valid_to IS NULL OR m.valid_to > %(today)s) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.clean} c WHERE "
                "c.membership_number = m.membership_number) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.rejected} r WHERE "
                "r.key = m.membership_number)",
                {
                    "today": today,
                    "now": timezone.now(),
                    "active": MemberStatus.ACTIVE.value,
                    "suspended": MemberStatus.SUSPENDED.value,
                    "withdrawn": MemberStatus.WITHDRAWN.value,
                },
            )
            self.report.ended += cursor.rowcount

    def run(self, rows: Iterator[RawRow]) -> None:
        self._create()
        self._stage(rows)
        self._spellings()
        self._clean_in_sql()
        self._python_rows()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.clean}")
        self._duplicates()
        self._associations()
        self._upsert()

    def end_absent(self) -> None:
        self._end_absent()
