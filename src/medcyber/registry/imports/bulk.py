"""Writing an import's rows in bulk, and remembering the keys a file has had so far.

On PostgreSQL, new rows go into their table with ``COPY`` and changed rows are copied into a
temporary table and merged with one ``UPDATE … FROM``: the ORM's ``bulk_create`` and
``bulk_update`` spent most of an import's time building SQL text and adapting values (a
``CASE WHEN`` per row and column for updates). The keys of the rows read so far (for
duplicates inside the file and for ``--full``) live in a temporary table there, so the
import's memory does not grow with the file. Other databases (SQLite in development and
tests) use the ORM and a dictionary.

Everything here runs inside the import's transaction; the temporary tables are dropped at its
end (``ON COMMIT DROP``) and are private to the connection.
"""

# SQL here is built from model metadata (quoted names) and this module's own temporary table
# names; every value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

import enum
import itertools
from collections.abc import Hashable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

# The unit separator: never in a clean value (control characters are refused).
_SEPARATOR = "\x1f"
_counter = itertools.count(1)


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def key_text(key: Hashable) -> str:
    if isinstance(key, tuple):
        return _SEPARATOR.join("" if part is None else str(part) for part in key)
    return str(key)


class KeyStore:
    """Keys seen in the file so far, each with the line of its first row (0: a rejected row)."""

    def lookup(self, keys: Iterable[Hashable]) -> dict[Hashable, int]:
        raise NotImplementedError

    def remember(self, items: list[tuple[Hashable, int]]) -> None:
        raise NotImplementedError


class MemoryKeys(KeyStore):
    def __init__(self) -> None:
        self.seen: dict[Hashable, int] = {}

    def lookup(self, keys: Iterable[Hashable]) -> dict[Hashable, int]:
        return {key: self.seen[key] for key in keys if key in self.seen}

    def remember(self, items: list[tuple[Hashable, int]]) -> None:
        self.seen.update(items)


class TableKeys(KeyStore):
    """The keys in a temporary table with a primary key: memory stays flat at any file size."""

    def __init__(self) -> None:
        self.table = f"registry_import_keys_{next(_counter)}"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (key text PRIMARY KEY, line integer NOT NULL)"
                " ON COMMIT DROP"
            )

    def lookup(self, keys: Iterable[Hashable]) -> dict[Hashable, int]:
        by_text = {key_text(key): key for key in keys}
        if not by_text:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, line FROM {self.table} WHERE key = ANY(%s)", [list(by_text)]
            )
            return {by_text[text]: line for text, line in cursor.fetchall()}

    def remember(self, items: list[tuple[Hashable, int]]) -> None:
        if not items:
            return
        statement = f"COPY {self.table} (key, line) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for key, line in items:
                copy.write_row((key_text(key), line))


def make_key_store() -> KeyStore:
    return TableKeys() if uses_copy() else MemoryKeys()


def _plain(value: Any) -> Any:
    """Choices (str enums) as their value, for COPY's adaptation by type."""
    return value.value if isinstance(value, enum.Enum) else value


class BulkWriter:
    """Creates and updates rows of one model given as dictionaries of attribute values."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.stage: str | None = None
        self.stage_columns: list[str] = []

    def create(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if not uses_copy():
            self.model._default_manager.bulk_create(
                [self.model(**row) for row in rows], batch_size=500
            )
            return
        now = timezone.now()
        defaults: dict[str, Any] = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = now
            elif field.has_default() or field.null:
                defaults[field.attname] = _plain(field.get_default())
        names = [field.attname for field in self.fields]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        statement = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [_plain(row[name]) if name in row else defaults.get(name) for name in names]
                )

    def update(self, rows: list[dict[str, Any]], names: list[str]) -> None:
        """Set ``names`` of each row (found by its ``pk``)."""
        if not rows:
            return
        if not uses_copy():
            self.model._default_manager.bulk_update(
                [self.model(**row) for row in rows], names, batch_size=500
            )
            return
        meta = self.model._meta
        fields = [meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        pk = quote(meta.pk.column)  # type: ignore[union-attr]
        columns = [pk, *(quote(str(field.column)) for field in fields)]  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            if self.stage is None or self.stage_columns != columns:
                self.stage = f"registry_import_stage_{next(_counter)}"
                self.stage_columns = columns
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.stage} ON COMMIT DROP AS "
                    f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
                )
            else:
                cursor.execute(f"TRUNCATE {self.stage}")
            with cursor.cursor.copy(f"COPY {self.stage} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [row["pk"], *(_plain(row[field.attname]) for field in fields)]  # type: ignore[union-attr]
                    )
            assignments = ", ".join(f"{column} = s.{column}" for column in columns[1:])
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {self.stage} AS s "
                f"WHERE t.{pk} = s.{pk}"
            )


def fetch(
    model: type[models.Model],
    names: list[str],
    field: str | tuple[str, ...],
    values: Iterable[Any],
    **equal: Any,
) -> list[dict[str, Any]]:
    """``model.filter(field__in=values, **equal).values(*names)``, without the ORM's cost.

    ``field`` may be a tuple of fields, ``values`` then tuples (rows matching one of them).
    On PostgreSQL the values go as arrays (``= ANY(%s)``, or a join with ``unnest`` of one
    array per field): an ``IN`` list of 2,000 parameters is spelt out and parsed on every
    chunk. ``pk`` may be one of ``names``.
    """
    values = list(values)
    if not values:
        return []
    fields = field if isinstance(field, tuple) else (field,)
    manager = model._default_manager
    if not uses_copy():
        if len(fields) == 1:
            lookup = {f"{fields[0]}__in": values}
            return list(manager.filter(**lookup, **equal).values(*names))
        wanted = set(values)
        firsts = {f"{fields[0]}__in": list({value[0] for value in values})}
        rows = manager.filter(**firsts, **equal).values(*names, *fields)
        return [
            {name: row[name] for name in names}
            for row in rows
            if tuple(row[name] for name in fields) in wanted
        ]
    meta = model._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        target = meta.pk if name == "pk" else meta.get_field(name)
        return quote(str(target.column))  # type: ignore[union-attr]

    params: list[Any] = []
    if len(fields) == 1:
        join = ""
        conditions = [f"t.{column(fields[0])} = ANY(%s)"]
        params.append(values)
    else:
        arrays = ", ".join("%s::text[]" for _name in fields)
        aliases = ", ".join(f"k{i}" for i in range(len(fields)))
        on = " AND ".join(f"t.{column(name)} = k.k{i}" for i, name in enumerate(fields))
        join = f" JOIN unnest({arrays}) AS k({aliases}) ON {on}"
        params.extend([list(part) for part in zip(*set(values), strict=True)])
        conditions = []
    for name, value in equal.items():
        conditions.append(f"t.{column(name)} = %s")
        params.append(value)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        f"SELECT {', '.join(f't.{column(name)}' for name in names)} "
        f"FROM {quote(meta.db_table)} AS t{join}{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
