"""An index that reads the members of one family name (in kanji) in kana order, on PostgreSQL.

The staff search lists the members whose 姓 is exactly the typed name first, in kana order
(``search._kanji_parts``). Without this index PostgreSQL found them all (10,000+ for 佐藤 on
the national registry) and sorted them for every page. Its columns use ``varchar_pattern_ops``
like the other search indexes, whose order the search asks for (``ORDER BY … USING ~<~``).
SQLite needs no index for the same results.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS member_family_kana_order_idx ON registry_member "
    "(family_name varchar_pattern_ops, family_name_kana varchar_pattern_ops, "
    "given_name_kana varchar_pattern_ops)",
]
DROP = ["DROP INDEX IF EXISTS member_family_kana_order_idx"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_member_medical_registration_number")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
