"""Excel files of the whole registry, written in the background and downloaded when ready.

Writing 180,000 members to .xlsx takes tens of seconds: too long for a request. The staff
member asks for the file (:func:`start_export`), a task writes it (:func:`run_export`) with the
requester's scope, and the page shows a download link once it is ready. The file is kept as a
StoredDocument — scanned by clamd like every stored file, encrypted at rest — and downloaded
through the document view, which records each download. Writing it records one
``registry.export`` event (kind, format, rows), as the synchronous downloads do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from functools import partial
from typing import Any

from django.conf import settings
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


def expire_exports(now: dt.datetime | None = None) -> int:
    """Delete the files of exports older than the retention period; returns how many.

    Each expired run keeps its row (who asked, when, how many rows) marked "expired"; its
    file and the stored document go. One ``registry.export_expired`` event per file, so the
    trail says when each copy of the registry left the server.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REGISTRY_EXPORT_RETENTION_DAYS)
    due = ExportRun.unscoped.filter(status=ExportRun.Status.READY, finished_at__lte=cutoff)
    expired = 0
    for run_id in due.order_by("pk").values_list("pk", flat=True):
        if _expire(run_id, now):
            expired += 1
    return expired


def _expire(run_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        run = (
            ExportRun.unscoped.select_for_update(of=("self",))
            .select_related("document")
            .filter(pk=run_id, status=ExportRun.Status.READY)
            .first()
        )
        if run is None:
            return False  # expired meanwhile by another worker
        document = run.document
        run.status = ExportRun.Status.EXPIRED
        run.expired_at = now
        run.document = None
        run.save(update_fields=["status", "expired_at", "document"])
        storage_name = document.storage_name if document else ""
        if document is not None:
            document.delete()
        audit.record(
            "action",
            "registry.export_expired",
            object_type=f"registry.{run.kind}",
            changes={"export_run": run.pk, "rows": run.rows, "finished_at": str(run.finished_at)},
        )
        if storage_name:
            # The encrypted file goes only once the rows are gone for good.
            transaction.on_commit(partial(default_storage.delete, storage_name))
    return True
