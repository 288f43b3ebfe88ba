"""Reports by forwarding (TRAIN-1): a recipient forwards a suspicious mail to the facility's
report address; medcyber reads that mailbox over IMAP and records "reported" for the training
mail it recognises.

Every facility has its own report address — the programme's report mailbox with the facility's
number as a sub-address (``report+f12@…``), so that one mailbox serves every facility and a mail
client needs no special set-up. A forwarded mail is recognised by the training mail's own marks,
wherever the forwarding client put them: the ``X-Medcyber-Training`` header or the
``Message-ID`` (of the mail itself, of an attached ``.eml``/``message/rfc822``, or in
``In-Reply-To``/``References``), or a tracking link in the quoted body.

Processing is idempotent: a training mail already reported is not recorded again, and each
mail read is moved out of the inbox (to the processed or the unmatched folder) so it is read
once; a crash between recording and moving only means the mail is read again next time, and
recorded nothing new.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Message, TrackingEvent, TrackingKind

_ID = r"[A-Za-z0-9_-]{16,64}"
_PATTERNS = [
    re.compile(rf"X-Medcyber-Training:\s*({_ID})", re.IGNORECASE),
    re.compile(rf"training\.({_ID})@"),
    re.compile(rf"/t/[ocrls]/({_ID})(?:/|\.gif)"),
]
#: The largest mail read (a forwarded training mail is a few kilobytes; attachments aside).
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    ssl: bool
    folder: str
    processed_folder: str
    unmatched_folder: str

    @classmethod
    def from_settings(cls) -> MailboxSettings:
        use_ssl = bool(getattr(settings, "TRAINING_REPORT_IMAP_SSL", True))
        return cls(
            host=getattr(settings, "TRAINING_REPORT_IMAP_HOST", ""),
            port=int(
                getattr(settings, "TRAINING_REPORT_IMAP_PORT", 0) or (993 if use_ssl else 143)
            ),
            user=getattr(settings, "TRAINING_REPORT_IMAP_USER", ""),
            password=getattr(settings, "TRAINING_REPORT_IMAP_PASSWORD", ""),
            ssl=use_ssl,
            folder=getattr(settings, "TRAINING_REPORT_IMAP_FOLDER", "INBOX"),
            processed_folder=getattr(settings, "TRAINING_REPORT_PROCESSED_FOLDER", "Processed"),
            unmatched_folder=getattr(settings, "TRAINING_REPORT_UNMATCHED_FOLDER", "Unmatched"),
        )

    @property
    def configured(self) -> bool:
        return bool(self.host and self.user)


@dataclass
class ReadCounts:
    read: int = 0
    reported: int = 0
    already: int = 0
    unmatched: int = 0
    tokens: list[str] = field(default_factory=list)


def report_address(facility_id: int) -> str:
    """The facility's own report address: the report mailbox with a sub-address."""
    address: str = getattr(settings, "TRAINING_REPORT_ADDRESS", "report@training.invalid")
    local, _at, domain = address.partition("@")
    return f"{local}+f{facility_id}@{domain}"


# --- recognising a forwarded training mail -----------------------------------------------------
def _walk_messages(mail: MimeMessage, depth: int = 0) -> Iterator[MimeMessage]:
    """The mail and every mail attached to it (message/rfc822 parts and ``.eml`` files)."""
    yield mail
    if depth > 3:
        return
    for part in mail.walk():
        if part is mail:
            continue
        inner: MimeMessage | None = None
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], MimeMessage):
                inner = payload[0]
        elif (part.get_filename() or "").lower().endswith(".eml"):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                inner = email.message_from_bytes(data, policy=email.policy.default)
        if inner is not None:
            yield from _walk_messages(inner, depth + 1)


def _texts(mail: MimeMessage) -> Iterator[str]:
    """The headers and the text parts of one mail (not of mails attached to it)."""
    for name in ("X-Medcyber-Training", "Message-ID", "In-Reply-To", "References"):
        for value in mail.get_all(name) or []:
            yield f"{name}: {value}"
    parts = [mail] if not mail.is_multipart() else list(mail.walk())
    for part in parts:
        if part.get_content_maintype() != "text":
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                yield data.decode(charset, errors="replace")
            except LookupError:
                yield data.decode("utf-8", errors="replace")


def tokens_in(raw: bytes) -> list[str]:
    """Every training token the forwarded mail carries, in the order found, without repeats."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    found: list[str] = []
    for inner in _walk_messages(mail):
        for text in _texts(inner):
            for pattern in _PATTERNS:
                for token in pattern.findall(text):
                    if token not in found:
                        found.append(token)
    return found


def record_reports(tokens: list[str]) -> tuple[int, int]:
    """Record "reported" once for each training mail named; returns (new, already)."""
    if not tokens:
        return 0, 0
    now = timezone.now()
    new = already = 0
    with transaction.atomic():
        rows = list(
            Message.unscoped.select_for_update()
            .filter(token__in=tokens)
            .values_list("pk", "reported_at")
        )
        for pk, reported_at in rows:
            if reported_at is not None:
                already += 1
                continue
            TrackingEvent.objects.create(message_id=pk, kind=TrackingKind.REPORTED, at=now)
            Message.unscoped.filter(pk=pk).update(reported_at=now)
            new += 1
    return new, already


# --- the mailbox -------------------------------------------------------------------------------
def _connect(box: MailboxSettings) -> imaplib.IMAP4:
    client: imaplib.IMAP4
    if box.ssl:
        client = imaplib.IMAP4_SSL(box.host, box.port, timeout=30)
    else:
        client = imaplib.IMAP4(box.host, box.port, timeout=30)
    client.login(box.user, box.password)
    return client


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ensure_folder(client: imaplib.IMAP4, folder: str) -> None:
    status, _data = client.create(_quote(folder))
    del status  # "already exists" answers NO: either way the folder is there now


def _move(client: imaplib.IMAP4, uid: bytes, folder: str) -> None:
    if "MOVE" in client.capabilities:
        status, data = client.uid("MOVE", uid.decode(), _quote(folder))
        if status == "OK":
            return
    status, data = client.uid("COPY", uid.decode(), _quote(folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"COPY failed: {data!r}")
    client.uid("STORE", uid.decode(), "+FLAGS.SILENT", r"(\Deleted)")
    client.expunge()


def _fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def read_mailbox(box: MailboxSettings | None = None, limit: int = 500) -> ReadCounts:
    """Read the report mailbox once: record each forwarded training mail, move what was read."""
    box = box or MailboxSettings.from_settings()
    counts = ReadCounts()
    if not box.configured:
        return counts
    client = _connect(box)
    try:
        for folder in (box.processed_folder, box.unmatched_folder):
            _ensure_folder(client, folder)
        status, _data = client.select(_quote(box.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open the folder {box.folder}")
        status, data = client.uid("SEARCH", "ALL")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids[:limit]:
            raw = _fetch(client, uid)
            counts.read += 1
            tokens = tokens_in(raw) if raw and len(raw) <= MAX_BYTES else []
            new, already = record_reports(tokens)
            counts.reported += new
            counts.already += already
            if new or already:
                counts.tokens.extend(tokens)
                _move(client, uid, box.processed_folder)
            else:
                counts.unmatched += 1
                _move(client, uid, box.unmatched_folder)
    finally:
        with contextlib.suppress(Exception):
            client.logout()
    return counts


def summary(counts: ReadCounts) -> dict[str, Any]:
    return {
        "read": counts.read,
        "reported": counts.reported,
        "already": counts.already,
        "unmatched": counts.unmatched,
    }
