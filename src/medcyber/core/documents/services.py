"""Storing, opening and re-encrypting documents: every write goes through here."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from medcyber.core import audit
from medcyber.core.models import StoredDocument

from . import crypto, scanning
from .archives import refuse_archive_bomb
from .errors import DocumentRejected, DocumentUnreadable, ScanUnavailable
from .filetypes import ALL_TYPES, SPECS, FileType, labels, type_for_extension

if TYPE_CHECKING:
    from medcyber.registry.models import Facility

logger = logging.getLogger(__name__)

PURPOSE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SCAN_UNAVAILABLE_MESSAGE = gettext_noop(
    "ウイルス検査を実行できないため、ファイルを受け付けられません。時間をおいてやり直してください。"
)


def store_upload(
    file: File[Any],
    *,
    purpose: str,
    owner: Any = None,
    facility: Facility | None = None,
    allowed_types: Iterable[FileType] = ALL_TYPES,
) -> StoredDocument:
    """Check (size, archive bomb, type), scan, encrypt and store one uploaded file;
    :class:`DocumentRejected` (with a message for the uploader) when it may not be kept.

    Call it outside any transaction of your own, or catch ``DocumentRejected`` inside it:
    the audit event of a refused infected file is written in the caller's transaction.
    """
    if not PURPOSE_PATTERN.match(purpose):
        raise ValueError(f"purpose must be a short snake_case code, not {purpose!r}")
    name = clean_file_name(file.name or "")
    data = _read_limited(file, settings.MEDCYBER_UPLOAD_MAX_BYTES)
    refuse_archive_bomb(data)  # before the type check, which opens Office files
    kind = _check_type(name, data, frozenset(allowed_types))
    digest = hashlib.sha256(data).hexdigest()
    _scan(data, name=name, digest=digest, purpose=purpose, facility=facility)
    scanned_at = timezone.now()
    storage_name = default_storage.save(_new_storage_name(), ContentFile(crypto.encrypt(data)))
    try:
        document = StoredDocument(
            purpose=purpose,
            original_name=name,
            content_type=SPECS[kind].content_type,
            size=len(data),
            sha256=digest,
            storage_name=storage_name,
            scanned_at=scanned_at,
            scan_result=StoredDocument.ScanResult.CLEAN,
            uploaded_by=owner if getattr(owner, "is_authenticated", False) else None,
            facility=facility,
        )
        document.save()  # the row and its audit event, in one transaction
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return document


def open_document(document: StoredDocument) -> bytes:
    """The plaintext of a stored document. Scope the row to the user before calling this."""
    try:
        data = crypto.decrypt(_read_stored(document))
    except crypto.InvalidToken:
        raise DocumentUnreadable(f"{document.public_id}: no file key opens it") from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DocumentUnreadable(f"{document.public_id}: content does not match its SHA-256")
    return data


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    current: int


def rotate_keys() -> RotationResult:
    """Re-encrypt every document not yet under the newest key (one transaction each).

    The re-encrypted bytes go under a new name and the old file is deleted once the row
    points at the new one, so a crash half-way leaves every row readable.
    """
    rotated = current = 0
    pks = list(StoredDocument.unscoped.order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        document = StoredDocument.unscoped.get(pk=pk)
        token = _read_stored(document)
        if crypto.is_current(token):
            current += 1
            continue
        new_name = default_storage.save(_new_storage_name(), ContentFile(crypto.rotate(token)))
        old_name = document.storage_name
        try:
            with transaction.atomic():
                document.storage_name = new_name
                document.save(update_fields=["storage_name"])
                transaction.on_commit(partial(default_storage.delete, old_name))
        except BaseException:
            default_storage.delete(new_name)
            raise
        rotated += 1
    return RotationResult(rotated=rotated, current=current)


# --- the steps ---------------------------------------------------------------------------------


def clean_file_name(name: str) -> str:
    """The uploader's file name without folders or control characters, NFC-normalised
    (macOS sends decomposed kana), at most 255 characters with its extension kept."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    if len(name) > 255:
        dot = name.rfind(".")
        extension = name[dot:] if dot > 0 and len(name) - dot <= 16 else ""
        name = name[: 255 - len(extension)] + extension
    return name or "file"


def _read_limited(file: File[Any], limit: int) -> bytes:
    too_large = DocumentRejected(
        gettext("ファイルが大きすぎます。%(limit)s MBまでのファイルを選んでください。")
        % {"limit": f"{limit / (1024 * 1024):g}"},
        reason="too_large",
    )
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise too_large
    buffer = bytearray()
    for chunk in file.chunks():
        buffer += chunk
        if len(buffer) > limit:
            raise too_large
    if not buffer:
        raise DocumentRejected(gettext("ファイルが空です。"), reason="empty")
    return bytes(buffer)


def _check_type(name: str, data: bytes, allowed: frozenset[FileType]) -> FileType:
    kind = type_for_extension(name, allowed)
    if kind is None:
        raise DocumentRejected(
            gettext("この種類のファイルは受け付けていません。受け付ける種類：%(types)s")
            % {"types": labels(allowed)},
            reason="type_not_allowed",
        )
    if not SPECS[kind].matches(data):
        raise DocumentRejected(
            gettext("ファイルの内容が拡張子（%(extension)s）と一致しません。")
            % {"extension": name[name.rfind(".") :]},
            reason="content_mismatch",
        )
    return kind


def _scan(data: bytes, *, name: str, digest: str, purpose: str, facility: Facility | None) -> None:
    try:
        verdict = scanning.scan_bytes(data)
    except scanning.ClamdUnavailable as error:
        logger.error("upload refused: clamd unavailable (%s)", error)
        raise ScanUnavailable(
            gettext(SCAN_UNAVAILABLE_MESSAGE), reason="scan_unavailable"
        ) from None
    if verdict.clean:
        return
    audit.record(
        "action",
        "core.document.rejected",
        object_type="core.storeddocument",
        object_repr=name,
        facility_id=facility.pk if facility is not None else None,
        changes={
            "reason": "infected",
            "signature": verdict.signature,
            "file_name": name,
            "size": len(data),
            "sha256": digest,
            "purpose": purpose,
        },
    )
    logger.warning("upload refused: %s found in %s", verdict.signature, digest)
    raise DocumentRejected(
        gettext("ウイルスが検出されたため、ファイルを受け付けられません（%(signature)s）。")
        % {"signature": verdict.signature},
        reason="infected",
        signature=verdict.signature,
    )


def _read_stored(document: StoredDocument) -> bytes:
    try:
        with default_storage.open(document.storage_name, "rb") as stored:
            token: bytes = stored.read()
    except OSError as error:
        raise DocumentUnreadable(f"{document.public_id}: {error}") from error
    return token


def _new_storage_name() -> str:
    """A random name: the uploader's file name never reaches the storage."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
