"""Japanese full-text search over one normalised text column (n-gram style, any script).

Japanese has no spaces between words, so a word is looked for as a substring of the stored
text. Both sides are normalised the same way (:func:`normalise`): letters and digits half
width, kana full width and katakana, lower case, single spaces — so 「ﾊﾟｽﾜｰﾄﾞ」, 「ぱすわーど」
and 「パスワード」 find each other. A model keeps the normalised text of what is searchable in
one column (``search_text``), written when the row is saved.

On PostgreSQL a GIN trigram index (``pg_trgm``) on that column answers ``LIKE '%word%'``
without reading the table (:func:`trigram_index`, used in a migration); SQLite has no such
index and the same query scans, which is fine for the sizes it serves.

Used by the portal's articles and the desk's answers library.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

import jaconv
import mojimoji
from django.db import migrations, models
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

M = TypeVar("M", bound=models.Model)

#: More terms than this are ignored: each one is a LIKE condition.
MAX_TERMS = 8

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The searchable form of a text (pure: no database)."""
    text = mojimoji.zen_to_han(text, kana=False)  # ＡＢＣ１２３ → ABC123, full-width space → " "
    text = mojimoji.han_to_zen(text, digit=False, ascii=False)  # ﾊﾟｽﾜｰﾄﾞ → パスワード
    text = jaconv.hira2kata(text).lower()
    return _SPACES.sub(" ", text).strip()


def document(*parts: str | None) -> str:
    """The text to store in a ``search_text`` column: every searchable part, normalised."""
    return normalise(" \n ".join(part for part in parts if part))


def terms(query: str) -> list[str]:
    """The words of a query, normalised, without repeats, at most :data:`MAX_TERMS`."""
    seen: list[str] = []
    for word in normalise(query).split(" "):
        if word and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def search(
    queryset: QuerySet[M],
    query: str,
    *,
    field: str = "search_text",
    boost_fields: Sequence[str] = (),
) -> QuerySet[M]:
    """Rows whose ``field`` holds every word of ``query``; no words: no rows.

    The result is annotated with ``search_rank``: 1 for each ``boost_fields`` column (already
    normalised, e.g. a title kept in ``search_title``) that holds the whole query, so callers
    can order by ``-search_rank`` first.
    """
    words = terms(query)
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})  # Django escapes % and _
    rows = queryset.filter(condition)
    whole = " ".join(words)
    rank: Any = Value(0, output_field=IntegerField())
    for boost in boost_fields:
        rank = rank + Case(
            When(**{f"{boost}__contains": whole}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return rows.annotate(search_rank=rank)


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    """A migration operation: a GIN trigram index on ``table.column`` on PostgreSQL (creating
    the ``pg_trgm`` extension, a trusted one the database owner may create); nothing on other
    databases, where the search scans."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
