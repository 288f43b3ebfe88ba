"""Archive bombs: a ZIP (an .xlsx or .docx is one) made to exhaust whoever opens it."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext

from .errors import DocumentRejected
from .filetypes import ZIP_MAGIC

#: A ZIP may expand to at most this much, at most this many times its own size, hold at most
#: this many members, and may not hold another archive: a "zip bomb" meant to exhaust
#: whoever opens it (an operator's Excel, a forensic firm's tools, our own type check) is
#: refused before anything expands it.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
NESTED_ARCHIVE_SUFFIXES = (
    ".zip",
    ".7z",
    ".rar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".tar",
    ".cab",
    ".lzh",
)


def refuse_archive_bomb(data: bytes) -> None:
    """Raise ``DocumentRejected`` for a ZIP whose directory promises a bomb. Reads only the
    central directory (no member is expanded); anything not readable as a ZIP is left to the
    type check."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    expanded = sum(member.file_size for member in members)
    if (
        len(members) > MAX_MEMBERS
        or expanded > MAX_EXPANDED_BYTES
        or expanded > MAX_RATIO * max(len(data), 1)
        or any(m.filename.lower().endswith(NESTED_ARCHIVE_SUFFIXES) for m in members)
    ):
        raise DocumentRejected(
            gettext("圧縮ファイルの展開後の大きさや入れ子の構造が異常なため、受け付けられません。"),
            reason="archive_bomb",
        )
