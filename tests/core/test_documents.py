"""Uploading a document: checked, scanned by a real clamd, encrypted at rest, and downloaded
only by those who may see it. Each test is one thing that happens to an upload."""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import path, reverse

from medcyber import urls as project_urls
from medcyber.accounts.roles import Role
from medcyber.core import audit
from medcyber.core.documents import (
    DocumentRejected,
    FileType,
    ScanUnavailable,
    open_document,
    rotate_keys,
    store_upload,
)
from medcyber.core.documents.errors import DocumentUnreadable
from medcyber.core.models import AuditEvent, StoredDocument
from medcyber.core.views_documents import document_download
from tests import factories

from .conftest import EICAR, EICAR_SIGNATURE

pytestmark = pytest.mark.django_db

# The download route, mounted here as well so the tests do not depend on src/medcyber/urls.py.
urlpatterns = [
    path("documents/<uuid:public_id>/", document_download, name="document_download"),
    *project_urls.urlpatterns,
]
with_download_route = pytest.mark.urls(__name__)

SCAN_REFUSED = (
    "ウイルス検査を実行できないため、ファイルを受け付けられません。時間をおいてやり直してください。"
)


# --- sample files ---
def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack("!I", len(data)) + body + struct.pack("!I", zlib.crc32(body))

    header = struct.pack("!IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def csv_bytes() -> bytes:
    # Shift_JIS, as Japanese Excel saves CSV
    return "会員番号,氏名\r\n1300001,山田太郎\r\n".encode("cp932")


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["会員番号", "氏名"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def member() -> Any:
    return factories.member_with_facility()


# --- clean files are stored encrypted ---
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("診断書.pdf", pdf_bytes(), "application/pdf"),
        ("画面.png", png_bytes(), "image/png"),
        ("会員一覧.csv", csv_bytes(), "text/csv"),
        (
            "会員一覧.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_a_clean_file_is_stored_encrypted_and_opens_again(
    clamd: Any, document_storage: Path, member: Any, name: str, data: bytes, content_type: str
) -> None:
    user, _member, facility = member
    with audit.acting_as(audit.context_for_user(user)):
        document = store_upload(
            upload(name, data), purpose="desk_attachment", owner=user, facility=facility
        )

    document.refresh_from_db()
    assert document.original_name == name
    assert document.content_type == content_type
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.scan_result == StoredDocument.ScanResult.CLEAN
    assert document.uploaded_by == user
    assert name not in document.storage_name
    [stored] = stored_files(document_storage)
    at_rest = stored.read_bytes()
    assert at_rest != data
    assert data not in at_rest
    assert data[:16] not in at_rest
    assert open_document(document) == data
    created = AuditEvent.objects.get(action="core.storeddocument.create")
    assert created.object_id == str(document.pk)
    assert created.actor_id == user.pk
    assert created.facility_id == facility.pk


def test_the_uploaders_folders_and_control_characters_leave_the_name(
    clamd: Any, document_storage: Path
) -> None:
    document = store_upload(upload("C:\\Users\\医師\\報告\u202e書.pdf", pdf_bytes()), purpose="x")

    assert document.original_name == "報告書.pdf"


# --- refusals ---
def test_a_virus_is_refused_by_name_audited_and_not_stored(
    clamd: Any, document_storage: Path, member: Any
) -> None:
    user, _member, facility = member
    with (
        audit.acting_as(audit.context_for_user(user)),
        pytest.raises(DocumentRejected) as refused,
    ):
        store_upload(upload("ログ.txt", EICAR), purpose="desk_attachment", facility=facility)

    assert refused.value.reason == "infected"
    assert refused.value.signature == EICAR_SIGNATURE
    assert EICAR_SIGNATURE in refused.value.message
    assert "ウイルスが検出された" in refused.value.message
    event = AuditEvent.objects.get(action="core.document.rejected")
    assert event.changes["signature"] == EICAR_SIGNATURE
    assert event.changes["sha256"] == hashlib.sha256(EICAR).hexdigest()
    assert event.actor_id == user.pk
    assert event.facility_id == facility.pk
    assert StoredDocument.unscoped.count() == 0
    assert stored_files(document_storage) == []


def test_nothing_is_stored_when_clamd_cannot_be_reached_by_socket(
    document_storage: Path, settings: Any, tmp_path: Path
) -> None:
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")

    with pytest.raises(ScanUnavailable) as refused:
        store_upload(upload("診断書.pdf", pdf_bytes()), purpose="desk_attachment")

    assert refused.value.message == SCAN_REFUSED
    assert StoredDocument.unscoped.count() == 0
    assert stored_files(document_storage) == []


def test_nothing_is_stored_when_clamd_cannot_be_reached_by_tcp(
    document_storage: Path, settings: Any
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = None, "127.0.0.1", port

    with pytest.raises(ScanUnavailable) as refused:
        store_upload(upload("診断書.pdf", pdf_bytes()), purpose="desk_attachment")

    assert refused.value.message == SCAN_REFUSED
    assert StoredDocument.unscoped.count() == 0


def test_a_file_over_the_limit_is_refused(
    clamd: Any, document_storage: Path, settings: Any
) -> None:
    settings.MEDCYBER_UPLOAD_MAX_BYTES = 1024 * 1024
    data = pdf_bytes() + b"\n%" + b"0" * (1024 * 1024)

    with pytest.raises(DocumentRejected) as refused:
        store_upload(upload("大きい.pdf", data), purpose="desk_attachment")

    assert refused.value.reason == "too_large"
    assert "1 MBまで" in refused.value.message
    assert StoredDocument.unscoped.count() == 0
    assert stored_files(document_storage) == []


def test_an_empty_file_is_refused(clamd: Any, document_storage: Path) -> None:
    with pytest.raises(DocumentRejected) as refused:
        store_upload(upload("空.csv", b""), purpose="registry_import")

    assert refused.value.message == "ファイルが空です。"


def test_a_program_named_pdf_is_refused(clamd: Any, document_storage: Path) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

    with pytest.raises(DocumentRejected) as refused:
        store_upload(upload("請求書.pdf", program), purpose="claim_evidence")

    assert refused.value.reason == "content_mismatch"
    assert "拡張子（.pdf）" in refused.value.message
    assert StoredDocument.unscoped.count() == 0
    assert stored_files(document_storage) == []


@pytest.mark.parametrize("name", ["setup.exe", "報告書.pdf", "拡張子なし"])
def test_a_type_the_caller_does_not_accept_is_refused(
    clamd: Any, document_storage: Path, name: str
) -> None:
    with pytest.raises(DocumentRejected) as refused:
        store_upload(
            upload(name, pdf_bytes()),
            purpose="registry_import",
            allowed_types={FileType.CSV, FileType.XLSX},
        )

    assert refused.value.reason == "type_not_allowed"
    assert "Excel (.xlsx)、CSV" in refused.value.message


def test_a_macro_workbook_renamed_xlsx_is_refused(clamd: Any, document_storage: Path) -> None:
    import zipfile

    buffer = io.BytesIO(xlsx_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")

    with pytest.raises(DocumentRejected) as refused:
        store_upload(upload("会員.xlsx", buffer.getvalue()), purpose="registry_import")

    assert refused.value.reason == "content_mismatch"


# --- key rotation ---
def test_rotating_keys_keeps_every_document_readable(
    clamd: Any,
    document_storage: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MEDCYBER_FILE_KEYS = [key_a]
    document = store_upload(upload("診断書.pdf", pdf_bytes()), purpose="desk_attachment")
    old_name = document.storage_name

    settings.MEDCYBER_FILE_KEYS = [key_b, key_a]
    assert open_document(document) == pdf_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        result = rotate_keys()

    assert (result.rotated, result.current) == (1, 0)
    settings.MEDCYBER_FILE_KEYS = [key_b]
    document.refresh_from_db()
    assert document.storage_name != old_name
    assert open_document(document) == pdf_bytes()
    assert len(stored_files(document_storage)) == 1  # the old ciphertext is gone
    assert rotate_keys().current == 1


def test_a_document_no_key_opens_is_reported(
    clamd: Any, document_storage: Path, settings: Any
) -> None:
    document = store_upload(upload("診断書.pdf", pdf_bytes()), purpose="desk_attachment")
    settings.MEDCYBER_FILE_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DocumentUnreadable):
        open_document(document)


def test_the_rotate_keys_command(clamd: Any, document_storage: Path, settings: Any) -> None:
    store_upload(upload("診断書.pdf", pdf_bytes()), purpose="desk_attachment")
    settings.MEDCYBER_FILE_KEYS = [Fernet.generate_key().decode(), *settings.MEDCYBER_FILE_KEYS]
    out = io.StringIO()

    call_command("documents", "rotate-keys", stdout=out)

    assert "re-encrypted 1 documents" in out.getvalue()
    event = AuditEvent.objects.get(action="core.storeddocument.update")
    assert event.actor_label == "system:cli"


# --- downloads ---
@pytest.fixture
def facility_document(clamd: Any, document_storage: Path, member: Any) -> StoredDocument:
    user, _member, facility = member
    return store_upload(
        upload("検査結果 2025年.pdf", pdf_bytes()),
        purpose="desk_attachment",
        owner=user,
        facility=facility,
    )


def download(user: Any, document: StoredDocument) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("document_download", kwargs={"public_id": document.public_id}))


@with_download_route
def test_the_uploader_downloads_the_file_and_the_download_is_audited(
    facility_document: StoredDocument, member: Any
) -> None:
    user = member[0]

    response = download(user, facility_document)

    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%A4%9C%E6%9F%BB%E7%B5%90%E6%9E%9C%202025%E5%B9%B4.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="core.document.download")
    assert event.kind == AuditEvent.Kind.VIEW
    assert event.actor_id == user.pk
    assert event.object_id == str(facility_document.pk)


@with_download_route
def test_another_tenants_member_gets_404(facility_document: StoredDocument) -> None:
    other, _member, _facility = factories.member_with_facility(family_name="佐藤")

    response = download(other, facility_document)

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="core.document.download").exists()


@with_download_route
def test_staff_who_see_every_facility_download(facility_document: StoredDocument) -> None:
    staff = factories.staff_user(Role.DESK_TIER1)

    response = download(staff, facility_document)

    assert response.status_code == 200
    assert response.content == pdf_bytes()


@with_download_route
def test_staff_who_do_not_see_every_facility_get_404(facility_document: StoredDocument) -> None:
    editor = factories.staff_user(Role.CONTENT_EDITOR)

    assert download(editor, facility_document).status_code == 404


@with_download_route
def test_anonymous_visitors_are_sent_to_sign_in(facility_document: StoredDocument) -> None:
    response = download(None, facility_document)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@with_download_route
def test_a_document_without_facility_is_its_uploaders_and_staffs(
    clamd: Any, document_storage: Path
) -> None:
    uploader = factories.UserFactory(roles=[Role.MEMBER])
    document = store_upload(upload("相談.txt", "相談内容".encode()), purpose="x", owner=uploader)

    assert download(uploader, document).status_code == 200
    assert download(factories.UserFactory(roles=[Role.MEMBER]), document).status_code == 404
    assert download(factories.staff_user(Role.AUDITOR), document).status_code == 200


# --- the file keys ---
def test_a_local_run_generates_and_keeps_its_file_key(tmp_path: Path) -> None:
    from tests.test_settings import _medcyber

    unset = {"MEDCYBER_FILE_KEYS": ""}
    assert _medcyber(["check"], unset, tmp_path).returncode == 0
    key_file = tmp_path / "file_keys"
    key = key_file.read_text()
    Fernet(key)  # a valid key
    assert _medcyber(["check"], unset, tmp_path).returncode == 0
    assert key_file.read_text() == key
    assert oct(key_file.stat().st_mode)[-3:] == "600"


def test_production_refuses_to_start_without_file_keys(tmp_path: Path) -> None:
    from tests.test_settings import _medcyber

    env = {"MEDCYBER_ENV": "production", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "x.example.jp"}
    for keys in ("", " , "):
        result = _medcyber(["check"], {**env, "MEDCYBER_FILE_KEYS": keys}, tmp_path)

        assert result.returncode != 0
        assert "MEDCYBER_FILE_KEYS" in result.stderr
    assert not (tmp_path / "file_keys").exists()
    key = Fernet.generate_key().decode()
    assert _medcyber(["check"], {**env, "MEDCYBER_FILE_KEYS": key}, tmp_path).returncode == 0
