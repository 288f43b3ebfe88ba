"""Load the checklist versions the repository ships (item structure of the MHLW checklist in
our own words); association admins load the ministry's wording on top with the loader."""

from django.db import migrations


def load(apps, schema_editor):
    from medcyber.guideline.loading import load_shipped

    for report in load_shipped(apps):
        if not report.ok:
            raise RuntimeError(f"{report.file_name}: {report.problems} {report.rows}")


class Migration(migrations.Migration):
    dependencies = [("guideline", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
