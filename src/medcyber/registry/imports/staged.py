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
3. **Duplicates, upsert and --full in SQL**, kind by kind: ``staged_members.py``
   (membership numbers, associations, 医籍番号), ``staged_facilities.py`` (codes, care
   numbers, name and address), ``staged_links.py`` (facility and member found, periods that
   may not overlap).

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
from django.utils.translation import gettext as _

from . import normalize
from .columns import COLUMNS, Header
from .readers import RawRow
from .rows import PARSERS, RowError

if TYPE_CHECKING:  # pragma: no cover
    from .apply import ImportReport, Writer


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

    def write_merge(
        self, cursor: Any, merge: str, table: str, fields: list[str], now: dt.datetime
    ) -> None:
        """Write a merge table (the file's rows with ``pk`` of the stored row or null, and
        ``changed`` and ``bad`` flags) into ``table``: new rows inserted in line order, changed
        ones updated, bad ones left out; the report counts all three kinds."""
        quote = connection.ops.quote_name
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pk IS NULL AND NOT bad), "
            "count(*) FILTER (WHERE pk IS NOT NULL AND NOT changed AND NOT bad), "
            "count(*) FILTER (WHERE changed AND NOT bad) "
            f"FROM {merge}"
        )
        created, unchanged, updated = cursor.fetchone()
        names = list(self.writer.columns.values())
        defaults = self.defaults(names, now)
        columns = [*names, *defaults]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT {', '.join(names)}{''.join(', %s' for _d in defaults)} "
            f"FROM {merge} WHERE pk IS NULL AND NOT bad ORDER BY line",
            list(defaults.values()),
        )
        if fields:
            assignments = ", ".join(f"{quote(name)} = v.{name}" for name in fields)
            cursor.execute(
                f"UPDATE {table} AS m SET {assignments}, {quote('updated_at')} = %s "
                f"FROM {merge} v WHERE m.id = v.pk AND v.changed AND NOT v.bad",
                [now],
            )
        self.report.created += created
        self.report.unchanged += unchanged
        self.report.updated += updated

    def run(self, rows: Iterator[RawRow]) -> None:
        raise NotImplementedError

    def end_absent(self) -> None:
        raise NotImplementedError
