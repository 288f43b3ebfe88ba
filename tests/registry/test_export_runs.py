"""Excel files of the whole registry, written in the background and downloaded when ready."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.registry import export_runs
from medcyber.registry.models import ExportRun
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]
EXPORTS = reverse("registry:export_list")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def admin(client: Any) -> Any:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    return client


def _ask(client: Any, capture: Any, kind: str = "members") -> tuple[Any, ExportRun]:
    with capture(execute=True):  # the task runs when the request's transaction commits
        response = client.post(EXPORTS, {"kind": kind})
    run = ExportRun.unscoped.order_by("-pk").first()
    assert run is not None
    return response, run


def test_an_admin_asks_for_the_file_and_downloads_it_when_ready(
    admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    factories.MemberFactory(membership_number="130001", family_name="山田")
    factories.MemberFactory(membership_number="130002", family_name="鈴木")
    response, run = _ask(admin, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:export_detail", args=[run.pk])
    assert (run.status, run.rows) == (ExportRun.Status.READY, 2)
    page = admin.get(response["Location"]).content.decode()
    assert "2 行のファイルができました。" in page
    download = reverse("document_download", args=[run.document.public_id])
    assert download in page
    file = admin.get(download)
    sheet = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "会員番号"
    assert sorted(r[1] for r in rows[1:]) == ["山田", "鈴木"]
    written = AuditEvent.objects.get(action="registry.export")
    assert written.changes == {"rows": 2, "format": "xlsx", "export_run": run.pk}
    assert AuditEvent.objects.filter(action="core.document.download").count() == 1


def test_the_page_follows_the_run_while_it_is_written(admin: Any) -> None:
    run = ExportRun.unscoped.create(kind="facilities", created_by=None)
    page = admin.get(reverse("registry:export_detail", args=[run.pk])).content.decode()
    assert "ファイルを作成しています。" in page
    assert 'hx-trigger="every 2s"' in page


def test_a_run_whose_requester_is_gone_fails_with_a_message() -> None:
    run = ExportRun.unscoped.create(kind="members", created_by=None)
    export_runs.run_export(run.pk)
    run.refresh_from_db()
    assert run.status == ExportRun.Status.FAILED
    assert "ファイルを作成できませんでした" in run.message
    assert run.document is None


def test_an_unknown_kind_is_refused_in_japanese(admin: Any) -> None:
    response = admin.post(EXPORTS, {"kind": "users"}, follow=True)
    assert "書き出す種類を選んでください。" in response.content.decode()
    assert not ExportRun.unscoped.exists()


@pytest.mark.parametrize("role", [Role.DESK_TIER1, Role.CLAIMS_REVIEWER])
def test_other_staff_may_not_ask_for_the_file(client: Any, role: str) -> None:
    client.force_login(factories.staff_user(role))
    assert client.post(EXPORTS, {"kind": "members"}).status_code == 403
    assert not ExportRun.unscoped.exists()
