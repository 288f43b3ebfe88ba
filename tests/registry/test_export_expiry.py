"""Excel exports are deleted after the retention period; the page says when, and that it was."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent, StoredDocument
from medcyber.registry import export_runs
from medcyber.registry.models import ExportRun
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]


@pytest.fixture
def admin_user() -> Any:
    return factories.staff_user(Role.ASSOCIATION_ADMIN)


@pytest.fixture
def admin(client: Any, admin_user: Any) -> Any:
    client.force_login(admin_user)
    return client


def _ready_run(user: Any, *, days_ago: float) -> ExportRun:
    if not ExportRun.unscoped.exists():
        factories.MemberFactory(membership_number="130001", family_name="山田")
    run = ExportRun.unscoped.create(kind="members", created_by=user)
    export_runs.run_export(run.pk)
    run.refresh_from_db()
    assert run.status == ExportRun.Status.READY
    run.finished_at = timezone.now() - dt.timedelta(days=days_ago)
    run.save(update_fields=["finished_at"])
    return run


def test_the_page_says_when_the_file_will_be_deleted(
    admin: Any, admin_user: Any, settings: Any
) -> None:
    settings.REGISTRY_EXPORT_RETENTION_DAYS = 7
    run = _ready_run(admin_user, days_ago=0)
    page = admin.get(reverse("registry:export_detail", args=[run.pk])).content.decode()
    expires = timezone.localtime(run.finished_at + dt.timedelta(days=7))
    assert f"このファイルは {expires:%Y}年{expires.month}月{expires.day}日" in page
    assert "に削除されます。" in page


def test_an_old_file_is_deleted_and_the_run_marked_expired(
    admin: Any, admin_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REGISTRY_EXPORT_RETENTION_DAYS = 7
    old = _ready_run(admin_user, days_ago=8)
    recent = _ready_run(admin_user, days_ago=6)
    assert old.document is not None
    storage_name, public_id = old.document.storage_name, old.document.public_id
    assert default_storage.exists(storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_runs.expire_exports() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.document, old.rows) == (ExportRun.Status.EXPIRED, None, 1)
    assert old.expired_at is not None
    assert recent.status == ExportRun.Status.READY
    assert not default_storage.exists(storage_name)
    assert not StoredDocument.unscoped.filter(public_id=public_id).exists()
    event = AuditEvent.objects.get(action="registry.export_expired")
    assert event.changes["export_run"] == old.pk
    page = admin.get(reverse("registry:export_detail", args=[old.pk])).content.decode()
    assert "保存期間が過ぎたため" in page and "に削除されました。" in page
    assert admin.get(reverse("document_download", args=[public_id])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert export_runs.expire_exports() == 0  # a second run finds nothing to do


def test_the_retention_period_is_a_setting(admin_user: Any, settings: Any) -> None:
    settings.REGISTRY_EXPORT_RETENTION_DAYS = 30
    run = _ready_run(admin_user, days_ago=8)
    assert export_runs.expire_exports() == 0
    settings.REGISTRY_EXPORT_RETENTION_DAYS = 1
    assert export_runs.expire_exports() == 1
    run.refresh_from_db()
    assert run.status == ExportRun.Status.EXPIRED


def test_the_command_expires_files_and_says_how_many(admin_user: Any, settings: Any) -> None:
    settings.REGISTRY_EXPORT_RETENTION_DAYS = 7
    _ready_run(admin_user, days_ago=10)
    out = StringIO()
    call_command("registry", "expire-exports", stdout=out)
    assert "期限切れの書き出しファイルを 1 件削除しました。" in out.getvalue()
    event = AuditEvent.objects.get(action="registry.export_expired")
    assert event.actor_label == "system:cli"
