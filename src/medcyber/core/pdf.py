"""HTML templates to PDF (documents out, architecture.md): WeasyPrint with a Japanese font
embedded, for reports, notices and letters.

Templates extend ``pdf/base.html`` (A4, the font stack below, print-friendly defaults). The
font comes from the system: Debian's ``fonts-noto-cjk`` (installed by ``.ci/run`` and named in
the README); :class:`JapaneseFontMissing` says so plainly when no Japanese font is found,
rather than printing empty boxes.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# fontTools reports every font subsetting step at INFO: noise in every log that prints a PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)

#: The families tried in order; the first one installed is embedded (subset) in the PDF.
JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Serif CJK JP", "IPAexGothic", "IPAexMincho")


class JapaneseFontMissing(RuntimeError):
    """No Japanese font is installed: PDFs would show empty boxes."""


@functools.cache
def installed_japanese_font() -> str | None:
    """The first of :data:`JAPANESE_FONTS` fontconfig knows, or ``None``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    found = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = {name.strip() for line in found.splitlines() for name in line.split(",")}
    return next((font for font in JAPANESE_FONTS if font in families), None)


def render_pdf(template_name: str, context: dict[str, Any], *, request: Any = None) -> bytes:
    """The PDF of one template; :class:`JapaneseFontMissing` without a Japanese font."""
    from weasyprint import HTML

    if installed_japanese_font() is None:
        raise JapaneseFontMissing(
            "no Japanese font for PDFs: install Debian's fonts-noto-cjk "
            "(apt-get install fonts-noto-cjk)"
        )
    html = render_to_string(
        template_name, {"pdf_fonts": JAPANESE_FONTS, **context}, request=request
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def pdf_response(
    template_name: str,
    context: dict[str, Any],
    *,
    filename: str,
    request: Any = None,
    inline: bool = True,
) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=not inline, filename=filename) or "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
