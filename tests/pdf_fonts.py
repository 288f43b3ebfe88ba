"""Reading a PDF's embedded fonts in tests (WeasyPrint packs objects into compressed streams)."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def embedded_fonts(pdf: bytes) -> list[str]:
    """The base names of the fonts embedded (with a font file) in a PDF."""
    objects = pdf
    for match in STREAM.finditer(pdf):
        try:
            objects += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    if not re.search(rb"/FontFile\d?", objects):
        return []
    return sorted({m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/>\[]+)", objects)})
