"""The harmless attachment of a training mail (TRAIN-1): a PDF or a plain text that says it was
training. Opening it cannot be tracked (nothing in it calls home, by design), but its presence
is part of the lesson: the teaching page names it.

Only two kinds exist and the file's name must end with the kind's own extension: never a
program, a script, an archive or an office document that could carry macros.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import AttachmentKind

logger = logging.getLogger(__name__)

EXTENSIONS = {AttachmentKind.PDF: ".pdf", AttachmentKind.TEXT: ".txt"}
MIME_TYPES = {AttachmentKind.PDF: "application/pdf", AttachmentKind.TEXT: "text/plain"}
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def name_problems(kind: str, name: str) -> list[str]:
    """Why this attachment may not be used (empty when it may)."""
    if not kind:
        return [_("添付ファイルの種類を選ばないときは、名前も空にしてください。")] if name else []
    if kind not in EXTENSIONS:
        return [_("添付ファイルは PDF かテキストだけです。")]
    extension = EXTENSIONS[AttachmentKind(kind)]
    problems = []
    if not name.strip():
        problems.append(_("添付ファイルの名前を入れてください。"))
    elif not name.lower().endswith(extension) or name.lower().count(".") != 1:
        problems.append(
            _("添付ファイルの名前は「%(ext)s」で終わり、ほかに「.」を含まない名前にしてください。")
            % {"ext": extension}
        )
    if _UNSAFE_NAME.search(name):
        problems.append(_("添付ファイルの名前に使えない文字があります。"))
    return problems


def _context(facility_name: str) -> dict[str, str]:
    return {"facility_name": facility_name}


def build(kind: str, name: str, facility_name: str) -> Attachment | None:
    """The attachment for one campaign (made once, the same for every recipient)."""
    if not kind:
        return None
    text = render_to_string("training/attachment.txt", _context(facility_name))
    if kind == AttachmentKind.PDF:
        from medcyber.core.pdf import JapaneseFontMissing, render_pdf

        try:
            pdf = render_pdf("training/pdf/attachment.html", _context(facility_name))
            return Attachment(name, pdf, MIME_TYPES[AttachmentKind.PDF])
        except JapaneseFontMissing:
            logger.warning("no Japanese font: the training attachment is sent as text")
            name = name[: -len(".pdf")] + ".txt"
    return Attachment(name, text.encode("utf-8"), MIME_TYPES[AttachmentKind.TEXT])
