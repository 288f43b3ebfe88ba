"""The programme's desk hours and SLA targets (DESK-3), loaded as data so the association can
change them with an effective date instead of a release."""

import datetime as dt

from django.db import migrations

HOURS = [
    # the desk opened on 2022-06-01, 09:00–21:00 every day
    (dt.date(2022, 6, 1), dt.time(9), dt.time(21)),
    # from 2023-06-01, 06:00–21:00 every day, holidays included
    (dt.date(2023, 6, 1), dt.time(6), dt.time(21)),
]

# (category or "" for the severity's default, severity, first response, resolution) in desk
# minutes; one desk day is 15 hours (900 minutes).
TARGETS = [
    ("", "urgent", 15, 480),
    ("", "high", 60, 1800),
    ("", "normal", 240, 4500),
    ("", "low", 900, 9000),
    ("cyber_attack", "urgent", 10, 240),
    ("pc_takeover", "urgent", 10, 240),
    ("cyber_attack", "high", 30, 900),
    ("guideline", "normal", 900, 9000),
]


def load(apps, schema_editor):
    DeskHours = apps.get_model("desk", "DeskHours")
    SlaTarget = apps.get_model("desk", "SlaTarget")
    for effective_from, opens, closes in HOURS:
        DeskHours.objects.get_or_create(
            effective_from=effective_from,
            defaults={"opens": opens, "closes": closes, "weekdays": "0123456", "open_on_holidays": True},
        )
    for category, severity, first, resolution in TARGETS:
        SlaTarget.objects.get_or_create(
            category=category,
            severity=severity,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )


def unload(apps, schema_editor):
    apps.get_model("desk", "DeskHours").objects.all().delete()
    apps.get_model("desk", "SlaTarget").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
