"""Imports from the staff screen: upload, check in the background, confirm, import.

The file is kept as a StoredDocument (scanned, encrypted) and read back by the tasks, which
write it to a private temporary file for :func:`~.imports.apply.import_file` (it streams from
disk, so a national file never sits in memory). Checking is a dry run; importing is the real
thing, refused by the engine itself when rows were rejected and the valid rows alone were not
asked for. The engine writes the ``registry.import`` audit event; the tasks act as the person
who uploaded (checking) or confirmed (importing).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit
from medcyber.core.documents import FileType, open_document, store_upload

from .imports.apply import FULL_KINDS, ImportReport, import_file
from .imports.columns import KINDS
from .imports.readers import ImportFileError
from .imports.report import sorted_errors
from .models import ImportRun

logger = logging.getLogger(__name__)

PURPOSE = "registry_import"
FILE_TYPES = frozenset({FileType.CSV, FileType.XLSX})


class ImportNotAllowed(Exception):
    """The run cannot be imported now; ``str(error)`` is for the person."""


def start_import(
    *, upload: File[Any], kind: str, valid_only: bool, full: bool, by: Any
) -> ImportRun:
    """Store the file (scanned, encrypted) and queue its check; ``DocumentRejected`` when the
    file may not be kept."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    # store_upload writes its own events (a refused virus too): outside our transaction.
    document = store_upload(upload, purpose=PURPOSE, owner=by, allowed_types=FILE_TYPES)
    with transaction.atomic():
        run = ImportRun(
            kind=kind,
            document=document,
            valid_only=valid_only,
            full=full and kind in FULL_KINDS,
            created_by=by,
        )
        run.save()
        transaction.on_commit(partial(_enqueue, "check", run.pk))
    return run


def confirm_import(*, run: ImportRun, by: Any) -> ImportRun:
    """Queue the real import of a checked run."""
    with transaction.atomic():
        locked = ImportRun.unscoped.select_for_update().get(pk=run.pk)
        if locked.status != ImportRun.Status.CHECKED:
            raise ImportNotAllowed(
                _("このファイルは取り込める状態ではありません（%(status)s）。")
                % {"status": locked.get_status_display()}
            )
        if locked.has_errors and not locked.valid_only:
            raise ImportNotAllowed(
                _(
                    "取り込めない行があるため、取り込めません。ファイルを直してアップロードし直すか、"
                    "「正しい行だけ取り込む」を選んでアップロードし直してください。"
                )
            )
        locked.status = ImportRun.Status.IMPORTING
        locked.confirmed_by = by
        locked.save(update_fields=["status", "confirmed_by"])
        transaction.on_commit(partial(_enqueue, "apply", locked.pk))
    return locked


def check_run(run_id: int) -> ImportRun:
    """The dry run: what the import would do and every rejected row."""
    run = ImportRun.unscoped.select_related("created_by").get(pk=run_id)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.CHECKING):
        return run  # already done (a task delivered twice)
    _set_status(run, ImportRun.Status.CHECKING)
    with audit.acting_as(audit.context_for_user(run.created_by)):
        _run(run, dry_run=True, done=ImportRun.Status.CHECKED, stamp="checked_at")
    return run


def apply_run(run_id: int) -> ImportRun:
    """The real import of a confirmed run, all or nothing (or the valid rows only)."""
    run = ImportRun.unscoped.select_related("confirmed_by").get(pk=run_id)
    if run.status != ImportRun.Status.IMPORTING:
        return run
    with audit.acting_as(audit.context_for_user(run.confirmed_by)):
        _run(run, dry_run=False, done=ImportRun.Status.IMPORTED, stamp="finished_at")
    return run


# --- the steps ---------------------------------------------------------------------------------


def _enqueue(step: str, run_id: int) -> None:
    from . import tasks  # tasks import this module

    task: Any = tasks.check_import_run if step == "check" else tasks.apply_import_run
    task.enqueue(run_id)


def _set_status(run: ImportRun, status: str) -> None:
    run.status = status
    run.save(update_fields=["status"])


def _run(run: ImportRun, *, dry_run: bool, done: str, stamp: str) -> None:
    try:
        report = _with_file(
            run,
            partial(
                import_file,
                kind=run.kind,
                dry_run=dry_run,
                valid_only=run.valid_only,
                full=run.full,
            ),
        )
    except ImportFileError as error:
        _finish(run, ImportRun.Status.FAILED, stamp, message=str(error))
        return
    except Exception:
        logger.exception("import run %s failed", run.pk)
        message = _(
            "取り込み中に問題が起きたため、何も変更していません。管理者に連絡してください。"
        )
        _finish(run, ImportRun.Status.FAILED, stamp, message=message)
        raise
    status = done if dry_run or report.applied else ImportRun.Status.REFUSED
    _finish(run, status, stamp, report=report)


def _with_file(run: ImportRun, work: Callable[[Path], ImportReport]) -> ImportReport:
    """Decrypt the upload to a private temporary file named like the original (the reader
    tells CSV from Excel by the suffix) and run ``work`` on it."""
    name = run.document.original_name  # cleaned on upload: no folders, a checked extension
    if name.startswith(".") or Path(name).suffix.lower() not in (".csv", ".xlsx"):
        name = f"{run.document.public_id}.csv"
    with tempfile.TemporaryDirectory(prefix="medcyber-import-") as folder:
        path = Path(folder) / name  # the audit event names the file as the admin knows it
        path.write_bytes(open_document(run.document))
        path.chmod(0o600)
        return work(path)


def _finish(
    run: ImportRun,
    status: str,
    stamp: str,
    *,
    report: ImportReport | None = None,
    message: str = "",
) -> None:
    run.status = status
    run.message = message
    setattr(run, stamp, timezone.now())
    if report is not None:
        run.counts = report.counts()
        run.errors = [
            {"line": e.line, "column": e.column, "value": e.value, "message": e.message}
            for e in sorted_errors(report)[: ImportRun.ERRORS_KEPT]
        ]
        run.errors_total = len(report.errors) + report.errors_not_kept
    run.save()
