"""Which kinds of file are accepted, told by their content (magic bytes), not their name."""

from __future__ import annotations

import enum
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

ZIP_MAGIC = b"PK\x03\x04"


class FileType(enum.StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    XLSX = "xlsx"
    DOCX = "docx"
    CSV = "csv"
    TEXT = "text"
    LOG = "log"
    YAML = "yaml"


def _office(part: str) -> Callable[[bytes], bool]:
    """An Office Open XML file: a ZIP with a content-types part and the app's folder, and
    no macros (a macro-enabled workbook renamed to .xlsx is still refused)."""

    def check(data: bytes) -> bool:
        if not data.startswith(ZIP_MAGIC):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return (
            "[Content_Types].xml" in names
            and any(name.startswith(f"{part}/") for name in names)
            and f"{part}/vbaProject.bin" not in names
        )

    return check


def _text(data: bytes) -> bool:
    """Plain text in UTF-8 (with or without a BOM) or Shift_JIS (cp932), as exported by
    Japanese Excel and clinic systems; no NUL bytes."""
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


@dataclass(frozen=True)
class TypeSpec:
    label: str  # marked with gettext_noop where it is words; translated when shown
    extensions: tuple[str, ...]
    content_type: str
    matches: Callable[[bytes], bool]


SPECS: dict[FileType, TypeSpec] = {
    FileType.PDF: TypeSpec("PDF", (".pdf",), "application/pdf", lambda d: d.startswith(b"%PDF-")),
    FileType.PNG: TypeSpec(
        "PNG", (".png",), "image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")
    ),
    FileType.JPEG: TypeSpec(
        "JPEG", (".jpg", ".jpeg"), "image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")
    ),
    FileType.GIF: TypeSpec(
        "GIF", (".gif",), "image/gif", lambda d: d[:6] in (b"GIF87a", b"GIF89a")
    ),
    FileType.XLSX: TypeSpec(
        "Excel (.xlsx)",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _office("xl"),
    ),
    FileType.DOCX: TypeSpec(
        "Word (.docx)",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office("word"),
    ),
    FileType.CSV: TypeSpec("CSV", (".csv",), "text/csv", _text),
    FileType.TEXT: TypeSpec(gettext_noop("テキスト"), (".txt",), "text/plain", _text),
    FileType.LOG: TypeSpec(gettext_noop("ログ"), (".log",), "text/plain", _text),
    FileType.YAML: TypeSpec("YAML", (".yaml", ".yml"), "application/yaml", _text),
}

ALL_TYPES: frozenset[FileType] = frozenset(FileType)


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def type_for_extension(name: str, allowed: frozenset[FileType]) -> FileType | None:
    extension = extension_of(name)
    for kind in sorted(allowed):
        if extension in SPECS[kind].extensions:
            return kind
    return None


def labels(allowed: frozenset[FileType]) -> str:
    return "、".join(gettext(SPECS[kind].label) for kind in FileType if kind in allowed)
