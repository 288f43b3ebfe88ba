"""Uploads (the one documents module): size and type checks, a ClamAV scan, encryption at
rest, storage through Django's storage API.

Every app stores files with :func:`store_upload` and reads them back with
:func:`open_document`; people download them only through ``core.views_documents``, which
scopes the row to the user first.
"""

from __future__ import annotations

from .errors import DocumentRejected, ScanUnavailable
from .filetypes import ALL_TYPES, FileType
from .services import RotationResult, open_document, rotate_keys, store_upload

__all__ = [
    "ALL_TYPES",
    "DocumentRejected",
    "FileType",
    "RotationResult",
    "ScanUnavailable",
    "open_document",
    "rotate_keys",
    "store_upload",
]
