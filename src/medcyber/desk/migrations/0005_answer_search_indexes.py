"""Full-text search of the answers library that works for Japanese (no spaces between words):
trigrams. SQLite gets an FTS5 table with the trigram tokenizer, kept in step with the articles
by triggers; PostgreSQL gets GIN trigram (pg_trgm) indexes on the expressions ``icontains``
uses. Queries of one or two characters fall back to a scan (see ``desk/answers.py``)."""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS desk_answer_fts USING fts5("
    "title, body, content='desk_answer', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS desk_answer_fts_ai AFTER INSERT ON desk_answer BEGIN "
    "INSERT INTO desk_answer_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS desk_answer_fts_ad AFTER DELETE ON desk_answer BEGIN "
    "INSERT INTO desk_answer_fts(desk_answer_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS desk_answer_fts_au AFTER UPDATE ON desk_answer BEGIN "
    "INSERT INTO desk_answer_fts(desk_answer_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO desk_answer_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO desk_answer_fts(desk_answer_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS desk_answer_fts_au",
    "DROP TRIGGER IF EXISTS desk_answer_fts_ad",
    "DROP TRIGGER IF EXISTS desk_answer_fts_ai",
    "DROP TABLE IF EXISTS desk_answer_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS desk_answer_title_trgm_idx ON desk_answer '
    'USING gin ((UPPER("title"::text)) gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS desk_answer_body_trgm_idx ON desk_answer '
    'USING gin ((UPPER("body"::text)) gin_trgm_ops)',
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS desk_answer_body_trgm_idx",
    "DROP INDEX IF EXISTS desk_answer_title_trgm_idx",
]


def _run(sqlite: list[str], postgres: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        for statement in {"sqlite": sqlite, "postgresql": postgres}.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("desk", "0004_answers")]

    operations = [
        migrations.RunPython(
            _run(SQLITE_CREATE, POSTGRES_CREATE), _run(SQLITE_DROP, POSTGRES_DROP), elidable=False
        )
    ]
