"""Trigram indexes for the staff facility search on PostgreSQL.

The search looks for the typed text anywhere in a facility's name and for typed digits
anywhere in its phone number (hyphens removed). On PostgreSQL, GIN trigram indexes on exactly
those expressions answer such searches of three characters or more without reading the whole
table. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
SQLite has no such index; the search still works there, by a scan.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS facility_name_trgm_idx ON registry_facility '
    'USING gin ((UPPER("name"::text)) gin_trgm_ops)',
    "CREATE INDEX IF NOT EXISTS facility_phone_digits_trgm_idx ON registry_facility "
    "USING gin (((REPLACE(\"phone\", '-', ''))::text) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS facility_phone_digits_trgm_idx",
    "DROP INDEX IF EXISTS facility_name_trgm_idx",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_name_prefix_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
