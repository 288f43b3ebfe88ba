"""Background tasks of the registry: checking and importing a file uploaded on the staff screen."""

from __future__ import annotations

from django_tasks import task

from . import export_runs, import_runs


@task()
def check_import_run(run_id: int) -> str:
    """The dry run of an uploaded file; returns the run's new status."""
    return import_runs.check_run(run_id).status


@task()
def apply_import_run(run_id: int) -> str:
    """The confirmed import of an uploaded file; returns the run's new status."""
    return import_runs.apply_run(run_id).status


@task()
def export_registry(run_id: int) -> str:
    """An Excel file of the whole registry for the person who asked; returns the status."""
    return export_runs.run_export(run_id).status


@task()
def expire_exports() -> int:
    """Delete export files past their retention period (enqueue daily, e.g. from cron
    through ``medcyber registry expire-exports``); returns how many were deleted."""
    return export_runs.expire_exports()
