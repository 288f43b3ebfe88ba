"""Excel files of the whole registry, written in the background and downloaded when ready.

Writing 180,000 members to .xlsx takes tens of seconds: too long for a request. The staff
member asks for the file (:func:`start_export`), a task writes it (:func:`run_export`) with the
requester's scope, and the page shows a download link once it is ready. The file is kept as a
StoredDocument — scanned by clamd like every stored file, encrypted at rest — and downloaded
through the document view, which records each download. Writing it records one
``registry.export`` event (kind, format, rows), as the synchronous downloads do.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit
from medcyber.core.documents import crypto, scanning
from medcyber.core.models import StoredDocument

from . import exports
from .imports.columns import KINDS
from .models import ExportRun, Facility, FacilityManagement, Member

logger = logging.getLogger(__name__)

PURPOSE = "registry_export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_export(*, kind: str, by: Any) -> ExportRun:
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    with transaction.atomic():
        run = ExportRun(kind=kind, created_by=by)
        run.save()
        transaction.on_commit(partial(_enqueue, run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from . import tasks  # tasks import this module

    task: Any = tasks.export_registry
    task.enqueue(run_id)


def _rows(kind: str, user: Any) -> models.QuerySet[Any]:
    querysets: dict[str, models.QuerySet[Any]] = {
        "members": Member.objects.visible_to(user),
        "facilities": Facility.objects.visible_to(user),
        "links": FacilityManagement.objects.visible_to(user),
    }
    return querysets[kind]


def run_export(run_id: int) -> ExportRun:
    run = ExportRun.unscoped.select_related("created_by").get(pk=run_id)
    if run.status != ExportRun.Status.QUEUED:
        return run  # already done (a task delivered twice)
    run.status = ExportRun.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        with audit.acting_as(audit.context_for_user(run.created_by)):
            _write(run)
    except Exception:
        logger.exception("export run %s failed", run.pk)
        run.status = ExportRun.Status.FAILED
        run.message = _(
            "ファイルを作成できませんでした。時間をおいてもう一度試すか、管理者に連絡してください。"
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
    return run


def _write(run: ExportRun) -> None:
    user = run.created_by
    if user is None or not user.is_active:
        raise PermissionError("the requester is gone")
    with tempfile.TemporaryFile() as workbook:
        rows = exports.write_xlsx(run.kind, _rows(run.kind, user), workbook)
        workbook.seek(0)
        data = workbook.read()
    verdict = scanning.scan_bytes(data)
    if not verdict.clean:
        raise RuntimeError(f"the written file was flagged: {verdict.signature}")
    name = f"{run.kind}-{timezone.localdate().isoformat()}.xlsx"
    storage_name = default_storage.save(
        f"documents/{timezone.now():%Y/%m}/export-{run.pk}-{hashlib.sha256(data).hexdigest()[:16]}",
        ContentFile(crypto.encrypt(data)),
    )
    try:
        with transaction.atomic():
            document = StoredDocument(
                purpose=PURPOSE,
                original_name=name,
                content_type=XLSX_TYPE,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_name=storage_name,
                scanned_at=timezone.now(),
                scan_result=StoredDocument.ScanResult.CLEAN,
                uploaded_by=user,
            )
            document.save()
            run.document = document
            run.rows = rows
            run.status = ExportRun.Status.READY
            run.finished_at = timezone.now()
            run.save(update_fields=["document", "rows", "status", "finished_at"])
            # Personal data leaving the system is a view of it (ADM-3): one event for the file.
            audit.record(
                "view",
                "registry.export",
                object_type=f"registry.{run.kind}",
                changes={"rows": rows, "format": "xlsx", "export_run": run.pk},
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise
