"""The answers library moves onto core.fulltext, the project's one Japanese search: a
normalised ``search_text`` column with a GIN trigram index on PostgreSQL, replacing the FTS5
trigram table and triggers (SQLite) and the expression trigram indexes (PostgreSQL) of 0005."""

from importlib import import_module

from django.db import migrations, models

from medcyber.core.fulltext import document, trigram_index

_0005 = import_module("medcyber.desk.migrations.0005_answer_search_indexes")


def fill_search_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    Answer = apps.get_model("desk", "Answer")
    rows = list(Answer.objects.only("pk", "title", "body"))
    for row in rows:
        row.search_text = document(row.title, row.body)
    Answer.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("desk", "0006_case_event_incident")]

    operations = [
        migrations.RunPython(
            _0005._run(_0005.SQLITE_DROP, _0005.POSTGRES_DROP),
            _0005._run(_0005.SQLITE_CREATE, _0005.POSTGRES_CREATE),
            elidable=False,
        ),
        migrations.AddField(
            model_name="answer",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=False),
        trigram_index("desk_answer", "search_text", "desk_answer_search_trgm_idx"),
    ]
