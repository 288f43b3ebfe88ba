"""Registry files on PostgreSQL: rows staged with ``COPY``, checked and merged in SQL.

The row-by-row path (``apply.py``) spent most of an import's CPU in Python: a dictionary and
a dataclass per row, regular expressions and validators per cell, a comparison per stored
row. Here the file's decoded cells go to a temporary table with one ``COPY`` stream, and:

1. **Checked in SQL, proven clean.** One ``INSERT … SELECT`` takes every row whose values
   are already in the registry's form — characters the width normalisation would not change
   (the set is computed from ``normalize.to_half_width`` itself, not written by hand), full-
   width katakana readings, ISO dates that exist, codes the Python tables know (prefecture,
   class, kind, status: the accepted spellings are the Python functions' own answers),
   lengths within the model's. Such a row is exactly what the Python parser would return.
2. **Everything else in Python.** The rows SQL did not prove clean (half-width kana, 令和
   dates, full-width digits, and every bad value) are read back in line order and given to
   the same parser as before (``rows.PARSERS``): the same normalisation and the same
   Japanese messages, line and column. Their clean values join the others in a table whose
   columns are the parser's record's fields.
3. **Duplicates, upsert and --full in SQL**, kind by kind: :class:`StagedMembers` here
   (membership numbers, associations, 医籍番号), ``StagedFacilities`` in
   ``staged_facilities.py`` (codes, care numbers, name and address), ``StagedLinks`` in
   ``staged_links.py`` (facility and member found, periods that may not overlap).

:class:`StagedFile` holds what every kind shares: the tables, the staging ``COPY``, the
spellings of coded columns, the Python parser for the rest, the new rows' default values.
The caller's transaction makes it all or nothing, as on the other path.
"""

# SQL here is built from this module's own temporary table names and model metadata; every
# value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import MemberStatus
from ..models import DistrictAssociation, Member
from . import normalize
from .columns import COLUMNS, Header
from .readers import RawRow
from .rows import PARSERS, MemberRecord, RowError

if TYPE_CHECKING:  # pragma: no cover
    from .apply import ImportReport, MemberWriter, Writer


def registration_taken(membership_number: str) -> str:
    from .apply import registration_taken as message

    return message(membership_number)


_counter = itertools.count(1)
CHUNK = 2000
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


# Katakana words apart by one space, ASCII or U+3000 (``StagedFile.kana`` writes U+3000, as
# ``normalize_kana`` does).
_KANA_PATTERN = "^[\\u30a0-\\u30ff]+([ \\u3000][\\u30a0-\\u30ff]+)*$"
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_EMAIL_PATTERN = (
    "^[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*"
    "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"
)
_PHONE_PATTERN = "^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$"


def prefecture_code(spelling: str) -> str | None:
    """What the row parser makes of a prefecture cell (None: not a prefecture)."""
    text = normalize.normalize_text(spelling)
    return normalize.normalize_prefecture(text) if text else None


def choice_code(table: str) -> Callable[[str], str | None]:
    """What the row parser makes of a cell of a code list (None: not a code; an empty cell
    is the column's default, written by the caller's SQL)."""

    def code(spelling: str) -> str | None:
        text = normalize.normalize_text(spelling)
        return normalize.lookup_choice(table, text) if text else None

    return code


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


class StagedFile:
    """One file through a staging table; see the module's docstring. A kind says how its
    clean rows are proven in SQL (``_clean_in_sql``) and merged (``run``)."""

    kind: ClassVar[str]
    model: ClassVar[type[models.Model]]
    record: ClassVar[type]  # the parser's dataclass: its fields are the clean table's columns
    # What the parser makes of each spelling of a coded column (the cell as in the file).
    spelled: ClassVar[dict[str, Callable[[str], str | None]]] = {}

    def __init__(self, writer: Writer, header: Header, full: bool) -> None:
        self.writer = writer
        self.report: ImportReport = writer.report
        self.header = header
        self.full = full
        n = next(_counter)
        self.stage = f"registry_stage_{self.kind}_{n}"
        self.clean = f"registry_clean_{self.kind}_{n}"
        self.rejected = f"registry_rejected_{self.kind}_{n}"
        self.spelling = f"registry_spelling_{self.kind}_{n}"
        self.names = [column.name for column in COLUMNS[self.kind]]
        self.positions = [(name, header.positions.get(name)) for name in self.names]
        self.parse = PARSERS[self.kind]
        self.record_fields = list(dataclasses.fields(self.record))

    # --- 1. staging
    def _create(self) -> None:
        cells = ", ".join(f"c_{name} text NOT NULL" for name in self.names)

        def sql_type(field: dataclasses.Field[Any]) -> str:
            kind = str(field.type)
            if field.name == "line":
                return "integer PRIMARY KEY"
            return "date" if "date" in kind else "bigint" if kind.startswith("int") else "text"

        clean = ", ".join(f"{field.name} {sql_type(field)}" for field in self.record_fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.stage} (line integer PRIMARY KEY, {cells}) "
                "ON COMMIT DROP"
            )
            cursor.execute(f"CREATE TEMPORARY TABLE {self.clean} ({clean}) ON COMMIT DROP")
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
            for column, code_of in self.spelled.items():
                cursor.execute(f"SELECT DISTINCT c_{column} FROM {self.stage}")
                for (spelling,) in cursor.fetchall():
                    if code := code_of(spelling):
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

    # --- 2. clean rows in SQL (one per kind)
    def _clean_in_sql(self) -> None:
        raise NotImplementedError

    def length(self, name: str, model: type[models.Model] | None = None) -> int:
        field = (model or self.model)._meta.get_field(name)
        return int(getattr(field, "max_length", 0))

    @staticmethod
    def text_ok(column: str, max_length: int, required: bool) -> str:
        """SQL: free text the normaliser leaves as it is (needs the ``text`` parameter)."""
        ok = f"({column} ~ %(text)s AND char_length({column}) <= {max_length})"
        return ok if required else f"({column} = '' OR {ok})"

    @staticmethod
    def kana_ok(column: str, max_length: int) -> str:
        """SQL: a katakana reading (needs ``kana``); select it with :meth:`kana`."""
        return f"({column} ~ %(kana)s AND char_length({column}) <= {max_length})"

    @staticmethod
    def kana(column: str) -> str:
        """SQL: a proven reading as the normaliser writes it (words apart by U+3000)."""
        return f"replace({column}, ' ', U&'\\3000')"

    @staticmethod
    def patterns() -> dict[str, str]:
        return {
            "text": _text_pattern(),
            "kana": _KANA_PATTERN,
            "email": _EMAIL_PATTERN,
            "phone": _PHONE_PATTERN,
        }

    # --- 3. the other rows in Python
    def _python_rows(self) -> None:
        after = 0
        columns = ", ".join(f"s.c_{name}" for name in self.names)
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

    def rejected_key(self, values: dict[str, str]) -> str | None:
        """The key a rejected row still holds in the file (duplicates, --full)."""
        key = self.writer.raw_key(values)
        return None if key is None else str(key)

    def _python(self, rows: list[tuple[int, dict[str, str], RawRow | None]]) -> None:
        """The parser's own checks and messages; clean values join the SQL-checked ones."""
        from .apply import _formula_errors

        names = [field.name for field in self.record_fields]
        clean: list[tuple[Any, ...]] = []
        rejected: list[tuple[int, str | None]] = []
        for line, values, raw in rows:
            errors: list[RowError] = _formula_errors(raw, self.header) if raw else []
            result = self.parse(line, values)
            if isinstance(result, list):
                errors.extend(result)
            if errors:
                key = self.rejected_key(values)
                rejected.append((line, None if key is None else key.replace("\x00", "")))
                self.report.reject(errors)
            else:
                clean.append(tuple(getattr(result, name) for name in names))
        with connection.cursor() as cursor:
            if clean:
                with cursor.cursor.copy(f"COPY {self.clean} FROM STDIN") as copy:
                    for row in clean:
                        copy.write_row(row)
            if rejected:
                with cursor.cursor.copy(f"COPY {self.rejected} FROM STDIN") as copy:
                    for item in rejected:
                        copy.write_row(item)

    def check(self, rows: Iterator[RawRow]) -> None:
        """Steps 1 to 3: every row of the file either in the clean table or reported."""
        self._create()
        self._stage(rows)
        self._spellings()
        self._clean_in_sql()
        self._python_rows()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.clean}")

    # --- shared by the merges
    def reject_duplicates(self, duplicates: list[tuple[int, str, int]]) -> None:
        """Rows whose key an earlier row holds: (line, column, line of that row; 0 when it
        was itself rejected); they leave the clean table."""
        for line, column, first in duplicates:
            where = _("%(line)d行目") % {"line": first} if first else _("ほかの行")
            self.report.reject(
                [
                    RowError(
                        line,
                        column,
                        _("%(where)sと重複しています。同じものは1行にしてください。")
                        % {"where": where},
                    )
                ]
            )
        if duplicates:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.clean} WHERE line = ANY(%s)",
                    [[line for line, _column, _first in duplicates]],
                )

    def defaults(self, names: list[str], now: dt.datetime) -> dict[str, Any]:
        """Values of the model's other columns for new rows (as ``BulkWriter.create``)."""
        defaults: dict[str, Any] = {}
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.attname in names:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.column] = now
            elif field.has_default() or field.null:
                default = field.get_default()
                defaults[field.column] = getattr(default, "value", default)
        return defaults

    def run(self, rows: Iterator[RawRow]) -> None:
        raise NotImplementedError

    def end_absent(self) -> None:
        raise NotImplementedError


class StagedMembers(StagedFile):
    """Members by membership number; see the module's docstring."""

    kind = "members"
    model = Member
    record = MemberRecord
    spelled: ClassVar[dict[str, Callable[[str], str | None]]] = {
        "member_class": normalize.normalize_member_class,
        "prefecture": prefecture_code,
        "status": choice_code("member_status"),
    }
    writer: MemberWriter

    def __init__(self, writer: MemberWriter, header: Header, full: bool) -> None:
        super().__init__(writer, header, full)
        self.places = f"registry_places_{next(_counter)}"

    # --- 2. clean rows in SQL
    def _clean_in_sql(self) -> None:
        length, text_ok, kana_ok = self.length, self.text_ok, self.kana_ok
        conditions = [
            "s.c_membership_number ~ '^[0-9]{1,20}$'",
            text_ok("s.c_family_name", length("family_name"), True),
            text_ok("s.c_given_name", length("given_name"), True),
            kana_ok("s.c_family_name_kana", length("family_name_kana")),
            kana_ok("s.c_given_name_kana", length("given_name_kana")),
            text_ok("s.c_district", length("name", DistrictAssociation), False),
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
            f"s.c_given_name, {self.kana('s.c_family_name_kana')}, "
            f"{self.kana('s.c_given_name_kana')}, cl.code, pr.code, "
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
            cursor.execute(sql, {**self.patterns(), "active": MemberStatus.ACTIVE.value})

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
        self.reject_duplicates(
            [(line, "会員番号", first if ok else 0) for line, first, ok in duplicates]
        )
        # A 医籍番号 belongs to one member: the first row that gives it keeps it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT line, first FROM (SELECT line, first_value(line) OVER (PARTITION BY "
                "medical_registration_number ORDER BY line) AS first FROM "
                f"{self.clean} WHERE medical_registration_number <> '') f "
                "WHERE line <> first ORDER BY line"
            )
            taken = cursor.fetchall()
        self.reject_duplicates([(line, "医籍番号", first) for line, first in taken])

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
            defaults = self.defaults(names, now)
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
        self.check(rows)
        self._duplicates()
        self._associations()
        self._upsert()

    def end_absent(self) -> None:
        self._end_absent()
