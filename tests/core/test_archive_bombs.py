"""Every upload, whichever app takes it, refuses an archive bomb before anything expands it:
the check is part of ``store_upload`` (core.documents.archives)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medcyber.core.documents import DocumentRejected, FileType, archives, store_upload
from medcyber.core.models import StoredDocument

pytestmark = pytest.mark.django_db

REFUSED = "圧縮ファイルの展開後の大きさや入れ子の構造が異常なため、受け付けられません。"


def _office_zip(extra: dict[str, bytes | str], *, part: str = "xl") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}/workbook.xml", "<workbook/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "purpose"),
    [
        # 50 MB of zeros squeezed into about 50 KB: a thousand times its size
        ("会員.xlsx", _office_zip({"xl/sheet1.bin": bytes(50 * 1024 * 1024)}), "registry_import"),
        # an archive inside the archive (the first layer of a nested bomb)
        (
            "報告書.docx",
            _office_zip({"word/inner.zip": b"PK\x03\x04"}, part="word"),
            "claim_evidence",
        ),
        # a ZIP under a text file's name: refused as a bomb before the type check opens it
        ("ログ.csv", _office_zip({"a.tar.gz": b"x"}), "desk_attachment"),
    ],
    ids=["expansion-ratio", "nested-archive", "renamed-archive"],
)
def test_an_archive_bomb_is_refused_by_every_upload(
    clamd: Any, document_storage: Path, name: str, data: bytes, purpose: str
) -> None:
    with pytest.raises(DocumentRejected) as refused:
        store_upload(_upload(name, data), purpose=purpose)

    assert refused.value.reason == "archive_bomb"
    assert refused.value.message == REFUSED
    assert StoredDocument.unscoped.count() == 0
    assert _stored(document_storage) == []


def test_an_archive_of_too_many_members_is_refused(
    clamd: Any, document_storage: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBERS", 5)
    data = _office_zip({f"xl/sheet{n}.xml": "<row/>" for n in range(5)})

    with pytest.raises(DocumentRejected) as refused:
        store_upload(_upload("多い.xlsx", data), purpose="registry_import")

    assert refused.value.reason == "archive_bomb"


def test_an_ordinary_spreadsheet_is_stored(clamd: Any, document_storage: Path) -> None:
    data = _office_zip({"xl/sheet1.xml": "<row/>" * 2000})

    document = store_upload(
        _upload("一覧.xlsx", data), purpose="registry_import", allowed_types={FileType.XLSX}
    )

    assert document.original_name == "一覧.xlsx" and document.size == len(data)
    assert len(_stored(document_storage)) == 1
