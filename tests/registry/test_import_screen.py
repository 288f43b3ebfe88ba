"""An association admin imports a file on the staff screen: upload, read the check, confirm.

The file goes through the real upload path (a real clamd, encryption at rest) and the check
and import run as background tasks (the immediate backend runs them on enqueue).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent, StoredDocument
from medcyber.registry.models import ImportRun, Member
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    EICAR,
    clamd,
    clamd_server,
    document_storage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]

HEADER = "会員番号,氏,名,氏カナ,名カナ,会員種別,都道府県,郡市区医師会,状態,入会日"
GOOD = [
    "1300001,山田,太郎,ヤマダ,タロウ,A①,東京都,文京区医師会,在籍,平成22年4月1日",
    "１３００００２,鈴木,花子,すずき,はなこ,Ａ②（Ｂ）,東京都,文京区医師会,在籍,2015/4/1",
]
BAD = [
    "1300003,佐藤,一郎,ｻﾄｳ,ｲﾁﾛｳ,B,神奈川県,,在籍,2023-02-30",
    "1300004,高橋,美咲,タカハシ,ミサキ,D,大阪府,,在籍,2019-05-01",
]


def cp932_csv(*rows: str, name: str = "会員一覧.csv") -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode("cp932"), content_type="text/csv")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def admin(client: Any) -> Any:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    return client


@pytest.fixture
def upload(
    admin: Any, django_capture_on_commit_callbacks: Any
) -> Callable[..., tuple[Any, ImportRun | None]]:
    """Post the upload form; the check task runs when the upload's transaction commits."""

    def post(file: SimpleUploadedFile, **fields: Any) -> tuple[Any, ImportRun | None]:
        data = {"kind": "members", "file": file, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(reverse("registry:import_list"), data)
        return response, ImportRun.unscoped.order_by("-pk").first()

    return post


def confirm(client: Any, run: ImportRun, capture: Any) -> Any:
    """Press the button; the import task runs on commit, then the page is shown again."""
    with capture(execute=True):
        response = client.post(reverse("registry:import_confirm", args=[run.pk]))
    assert response.status_code == 302
    return client.get(response.url)


def import_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="registry.import").order_by("seq"))


def test_a_cp932_file_with_two_bad_rows_is_checked_and_changes_nothing(
    admin: Any, upload: Any
) -> None:
    response, run = upload(cp932_csv(*GOOD, *BAD))
    assert run is not None
    assert response.status_code == 302
    assert response.url == reverse("registry:import_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    assert run.counts["rows"] == 4
    assert run.counts["rejected"] == 2
    assert run.errors_total == 2
    assert run.document.purpose == "registry_import"

    page = admin.get(response.url).content.decode()
    assert "確認済み" in page
    assert "4行目" in page and "2023年2月30日という日付はありません。" in page
    assert "5行目" in page and "会員種別が分かりません。" in page
    assert "新規（予定）" in page
    assert "取り込めない行があるため、このままでは取り込めません。" in page
    assert "hx-trigger" not in page  # finished: the page no longer polls
    assert not Member.unscoped.exists()
    assert import_events() == []  # a check is a dry run: no import event


def test_confirming_a_file_with_bad_rows_is_refused(
    admin: Any, upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _response, run = upload(cp932_csv(*GOOD, *BAD))
    assert run is not None
    page = confirm(admin, run, django_capture_on_commit_callbacks).content.decode()
    assert "取り込めない行があるため、取り込めません。" in page
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    assert not Member.unscoped.exists()
    assert import_events() == []


def test_with_valid_only_the_good_rows_are_imported(
    admin: Any, upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _response, run = upload(cp932_csv(*GOOD, *BAD), valid_only="on")
    assert run is not None
    page = admin.get(reverse("registry:import_detail", args=[run.pk])).content.decode()
    assert "正しい行だけ取り込む" in page
    confirm(admin, run, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED
    assert sorted(Member.unscoped.values_list("membership_number", flat=True)) == [
        "1300001",
        "1300002",
    ]


def test_a_clean_file_is_confirmed_and_imported_with_one_audit_event(
    admin: Any, upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _response, run = upload(cp932_csv(*GOOD))
    assert run is not None
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    detail = admin.get(reverse("registry:import_detail", args=[run.pk])).content.decode()
    assert "すべての行を読めました。" in detail
    assert ">取り込む</button>" in detail

    page = confirm(admin, run, django_capture_on_commit_callbacks).content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED
    assert run.finished_at is not None
    assert "取り込み済み" in page
    assert Member.unscoped.count() == 2
    (event,) = import_events()
    assert event.changes["created"] == 2
    assert event.changes["applied"] is True
    assert event.changes["file"] == "会員一覧.csv"
    assert event.actor_id == run.confirmed_by_id
    # confirming again does nothing
    page = confirm(admin, run, django_capture_on_commit_callbacks).content.decode()
    assert "取り込める状態ではありません" in page
    assert len(import_events()) == 1


def test_a_queued_run_polls_with_htmx_and_offers_a_reload_link(admin: Any) -> None:
    run = ImportRun.unscoped.create(
        kind="members", document=_document(), created_by=None, status="checking"
    )
    url = reverse("registry:import_detail", args=[run.pk])
    page = admin.get(url).content.decode()
    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'hx-select="#import-status"' in page
    assert "最新の状態を表示" in page
    assert "ファイルの内容を確認しています。" in page


def test_an_infected_file_is_refused_with_the_virus_message(admin: Any, upload: Any) -> None:
    response, run = upload(SimpleUploadedFile("会員.csv", EICAR, content_type="text/csv"))
    assert response.status_code == 200
    assert run is None
    assert "ウイルス" in response.content.decode()
    assert not StoredDocument.unscoped.exists()


def test_an_empty_file_or_a_wrong_type_is_refused(admin: Any, upload: Any) -> None:
    response, run = upload(SimpleUploadedFile("会員.pdf", b"%PDF-1.4 x"))
    assert run is None
    assert "CSV" in response.content.decode()
    response, run = upload(SimpleUploadedFile("会員.csv", b""))
    assert run is None
    assert "ファイルが空です。" in response.content.decode() or "空" in response.content.decode()


def test_an_unreadable_file_fails_with_the_readers_message(admin: Any, upload: Any) -> None:
    _response, run = upload(SimpleUploadedFile("会員.csv", "会員番号,氏\r\n".encode("cp932")))
    assert run is not None
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message
    page = admin.get(reverse("registry:import_detail", args=[run.pk])).content.decode()
    assert run.message in page


def test_the_errors_download_as_csv(admin: Any, upload: Any) -> None:
    _response, run = upload(cp932_csv(*GOOD, *BAD))
    assert run is not None
    response = admin.get(reverse("registry:import_errors", args=[run.pk]))
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(raw.splitlines()))
    assert rows[0] == ["行", "列", "値", "理由"]
    assert rows[1][:3] == ["4", "入会日", "2023-02-30"]
    assert rows[2][:3] == ["5", "会員種別", "D"]


def test_the_list_shows_runs_newest_first(admin: Any, upload: Any) -> None:
    upload(cp932_csv(*GOOD, name="一回目.csv"))
    upload(cp932_csv(*GOOD, name="二回目.csv"))
    page = admin.get(reverse("registry:import_list")).content.decode()
    assert page.index("二回目.csv") < page.index("一回目.csv")


@pytest.mark.parametrize("role", [Role.DESK_TIER1, Role.AUDITOR, Role.MEMBER])
def test_everyone_else_is_refused(client: Any, role: str) -> None:
    user = factories.staff_user(role) if role != Role.MEMBER else factories.UserFactory()
    client.force_login(user)
    run = ImportRun.unscoped.create(kind="members", document=_document())
    assert client.get(reverse("registry:import_list")).status_code == 403
    assert client.get(reverse("registry:import_detail", args=[run.pk])).status_code == 403
    assert client.post(reverse("registry:import_confirm", args=[run.pk])).status_code == 403
    assert client.get(reverse("registry:import_errors", args=[run.pk])).status_code == 403


def test_an_admin_without_a_second_factor_is_sent_to_set_it_up(client: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN, mfa=False))
    response = client.get(reverse("registry:import_list"))
    assert response.status_code == 302
    assert "/2fa/" in response.url


def _document() -> StoredDocument:
    """A run's file row for pages that never open the file."""
    return StoredDocument.unscoped.create(
        purpose="registry_import",
        original_name="会員.csv",
        content_type="text/csv",
        size=1,
        sha256="0" * 64,
        storage_name="documents/test/none",
        scanned_at=timezone.now(),
        scan_result=StoredDocument.ScanResult.CLEAN,
    )


def test_kind_options_are_on_the_form(admin: Any) -> None:
    page = admin.get(reverse("registry:import_list")).content.decode()
    for label in (
        "会員",
        "施設",
        "開設者・管理者",
        "全件ファイル（会員・施設）",
        "正しい行だけ取り込む",
    ):
        assert label in page
    assert 'enctype="multipart/form-data"' in page


def test_full_is_for_members_and_facilities_only(admin: Any, upload: Any) -> None:
    response, run = upload(cp932_csv(*GOOD), kind="links", full="on")
    assert run is None
    assert "全件ファイルは会員か施設の取り込みでだけ使えます。" in response.content.decode()
