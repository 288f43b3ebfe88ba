"""Reading CSV and Excel files row by row, whatever their size (the file is never loaded whole).

CSV: UTF-8 with or without BOM, else CP932 (Shift_JIS as Windows writes it). The encoding is
decided by decoding the whole file once, incrementally, before the rows are read: a CP932 file
whose first megabyte happens to be ASCII is still recognised. Anything else is refused with the
line of the first unreadable byte.

Excel: ``.xlsx`` only, the first sheet, read with ``openpyxl`` in read-only mode and with
formulas kept (``data_only=False``) so that a formula cell is seen and refused: its cached
value may be stale or absent, and the association's data must be values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx"})
_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``str(error)`` is the message for the person."""


@dataclass(frozen=True)
class RawRow:
    """One non-empty row: its line in the file (1 = first line) and its cells as text."""

    line: int
    cells: list[str]
    formulas: frozenset[int] = field(default=frozenset())  # positions holding a formula


def _first_bad_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte that does not decode, or None when the whole file does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return line + chunk[: max(error.start, 0)].count(b"\n")
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line
    return None


def detect_encoding(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        bad = _first_bad_line(path, "utf-8-sig")
        if bad is None:
            return "utf-8-sig"
        raise ImportFileError(
            _("%(line)d行目に UTF-8 として読めない文字があります。") % {"line": bad}
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            _("UTF-16 の CSV には対応していません。UTF-8 か Shift_JIS で保存してください。")
        )
    utf8_bad = _first_bad_line(path, "utf-8")
    if utf8_bad is None:
        return "utf-8"
    cp932_bad = _first_bad_line(path, "cp932")
    if cp932_bad is None:
        return "cp932"
    bad = max(utf8_bad, cp932_bad)  # the encoding that read further is the one meant
    raise ImportFileError(
        _(
            "文字コードを判別できません（%(line)d行目に読めない文字があります）。"
            "UTF-8 または Shift_JIS（CP932）で保存してください。"
        )
        % {"line": bad}
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Table:
    """A CSV or XLSX file, checked on opening; ``rows()`` streams its non-empty rows."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix == ".xls":
            raise ImportFileError(
                _("古い Excel 形式（.xls）には対応していません。.xlsx か CSV で保存してください。")
            )
        if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
            raise ImportFileError(
                _("ファイルの種類（%(suffix)s）に対応していません。CSV か .xlsx を使ってください。")
                % {"suffix": suffix or _("拡張子なし")}
            )
        self.format = "xlsx" if suffix in XLSX_SUFFIXES else "csv"
        try:
            size = self.path.stat().st_size
            if not self.path.is_file():
                raise IsADirectoryError(self.path)
        except OSError:
            raise ImportFileError(
                _("ファイル「%(name)s」を開けません。") % {"name": self.path}
            ) from None
        if size == 0:
            raise ImportFileError(_("ファイルが空です（0バイト）。"))
        self.encoding = detect_encoding(self.path) if self.format == "csv" else ""

    def rows(self) -> Iterator[RawRow]:
        return self._csv_rows() if self.format == "csv" else self._xlsx_rows()

    def _csv_rows(self) -> Iterator[RawRow]:
        with self.path.open(encoding=self.encoding, newline="") as stream:
            reader = csv.reader(stream)
            line = 1
            try:
                for cells in reader:
                    start, line = line, reader.line_num + 1
                    if any(cell.strip() for cell in cells):
                        yield RawRow(start, cells)
            except csv.Error as error:
                raise ImportFileError(
                    _("%(line)d行目で CSV の形式が崩れています（%(reason)s）。")
                    % {"line": reader.line_num, "reason": error}
                ) from None

    def _xlsx_rows(self) -> Iterator[RawRow]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
                book = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
            raise ImportFileError(
                _("Excel ファイル（.xlsx）として読めません。壊れていないか確かめてください。")
            ) from None
        try:
            for row in book.worksheets[0].iter_rows():
                cells = [_cell_text(cell.value) for cell in row]
                if not any(cell.strip() for cell in cells):
                    continue
                line = next(cell.row for cell in row if getattr(cell, "row", None))
                formulas = frozenset(i for i, cell in enumerate(row) if cell.data_type == "f")
                yield RawRow(line, cells, formulas)
        finally:
            book.close()
