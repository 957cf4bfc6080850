"""The UHRI workbook itself: file signature, opening, rows and the header row."""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.domain.text import squash
from nmrf_desktop.importers.base import ImportFailed

log = logging.getLogger(__name__)

COLUMNS = ("Text", "Countries Concerned", "Recommending Body", "Document Symbol", "Themes",
           "Affected Persons", "Sdgs", "Document Publication Date", "UPR Recommending States",
           "UPR Position", "Type", "OHCHR Annotation Id", "UPR Session", "Regions Concerned",
           "Recommending Regions", "Date of publication on UHRI")
REQUIRED = ("Text", "Countries Concerned", "Recommending Body", "Document Symbol")
# Header spellings (folded) -> canonical column; UHRI's own misspellings included.
_HEADERS = {c.casefold(): c for c in COLUMNS} | {
    "reccomending body": "Recommending Body",
    "upr reccomending states": "UPR Recommending States",
}
_HEADER_SCAN_ROWS = 50

# What openpyxl raises on a damaged, truncated or foreign archive.
_DAMAGED = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError,
            TypeError, IndexError, EOFError, OSError, SyntaxError)


def fail(name: str, message: str, row: int = 0, column: str = "") -> ImportFailed:
    return ImportFailed([RowProblem(name, row, column, message)])


def check_signature(data: bytes, name: str) -> None:
    """Reject what is plainly not an .xlsx before openpyxl sees it."""
    if data.startswith(b"PK"):
        return
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(name, "is an Excel 97-2003 (.xls) workbook, not .xlsx: open it in Excel "
                         "and save it as .xlsx")
    head = data[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise fail(name, "is a text (CSV?) file, not an Excel .xlsx workbook: UHRI "
                             "imports read the 'Export to Excel' file")
    raise fail(name, "is not an Excel .xlsx workbook (unrecognised binary content)")


def open_workbook(data: bytes, name: str) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                             keep_links=False)
    except _DAMAGED as exc:
        log.debug("cannot open %s", name, exc_info=True)
        raise fail(name, f"cannot be read as an .xlsx workbook: it is damaged, truncated "
                         f"or not an Excel file ({type(exc).__name__}: {exc})") from None


def rows_of(workbook: Workbook, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of the first worksheet; a damaged sheet is ImportFailed."""
    if not workbook.worksheets:
        raise fail(name, "has no worksheet")
    rows = workbook.worksheets[0].iter_rows(min_row=1)
    line = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except _DAMAGED as exc:
            log.debug("cannot read %s", name, exc_info=True)
            raise fail(name, f"is damaged or truncated ({type(exc).__name__}: {exc})",
                       line + 1) from None
        line += 1
        yield line, cells


@dataclass(slots=True)
class Header:
    row: int
    index: dict[str, int]   # canonical column -> position in the row
    labels: dict[str, str]  # canonical column -> its spelling in the file


def _header_of(line: int, cells: tuple[Any, ...]) -> Header:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for i, cell in enumerate(cells):
        label = squash(str(cell.value)) if cell.value is not None else ""
        column = _HEADERS.get(label.casefold())
        if column and column not in index:
            index[column], labels[column] = i, label
    return Header(line, index, labels)


def is_blank(cells: tuple[Any, ...]) -> bool:
    return all(c.value is None or (isinstance(c.value, str) and not c.value.strip())
               for c in cells)


def find_header(rows: Iterator[tuple[int, tuple[Any, ...]]], name: str) -> Header:
    """The first row naming Text and Recommending Body or Document Symbol."""
    first: Header | None = None
    for line, cells in rows:
        if line > _HEADER_SCAN_ROWS:
            break
        if is_blank(cells):
            continue
        header = _header_of(line, cells)
        first = first or header
        if "Text" in header.index and ({"Recommending Body", "Document Symbol"}
                                       & header.index.keys()):
            missing = [c for c in REQUIRED if c not in header.index]
            if missing:
                raise fail(name, f"is not a complete UHRI export: missing column(s) "
                                 f"{', '.join(missing)}", line, ", ".join(missing))
            return header
    if first is None:
        raise fail(name, f"has no header row: the first {_HEADER_SCAN_ROWS} rows of the "
                         f"first worksheet are empty")
    missing = [c for c in REQUIRED if c not in first.index]
    raise fail(name, f"is not a UHRI 'Export to Excel' workbook: missing column(s) "
                     f"{', '.join(missing)} (expected {', '.join(COLUMNS)})",
               first.row, ", ".join(missing))
