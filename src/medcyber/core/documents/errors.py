"""Why an upload was refused, in words the uploader can read."""

from __future__ import annotations


class DocumentRejected(Exception):
    """The file was not stored. ``message`` is for the uploader (translated); ``reason`` is a
    stable code for callers and the audit trail; ``signature`` names the virus found."""

    def __init__(self, message: str, *, reason: str, signature: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.signature = signature


class ScanUnavailable(DocumentRejected):
    """clamd could not be asked: the upload is refused rather than stored unscanned."""


class DocumentUnreadable(RuntimeError):
    """A stored document could not be read back: its file is gone, no key in
    ``MEDCYBER_FILE_KEYS`` opens it, or its content no longer matches its SHA-256."""
