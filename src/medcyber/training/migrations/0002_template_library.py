"""The programme's own training templates, present in every database from the start."""

from typing import Any

from django.db import migrations


def load_library(apps: Any, schema_editor: Any) -> None:
    from medcyber.training.library import LIBRARY

    MailTemplate = apps.get_model("training", "MailTemplate")
    for spec in LIBRARY:
        MailTemplate._default_manager.update_or_create(
            slug=spec.slug,
            defaults={
                "facility": None,
                "name": spec.name,
                "kind": spec.kind,
                "difficulty": spec.difficulty,
                "sender_name": spec.sender_name,
                "sender_local_part": spec.sender_local_part,
                "subject": spec.subject,
                "body_text": spec.body_text,
                "link_label": spec.link_label,
                "signs": list(spec.signs),
                "has_login_form": spec.has_login_form,
                "login_form_title": spec.login_form_title,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load_library, migrations.RunPython.noop)]
