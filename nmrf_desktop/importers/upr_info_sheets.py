"""The rows of a UPR Info export in whichever shape it came: Excel 97 `.xls`, `.xlsx` or CSV.

The content decides, not the name: an OLE2 compound file is read as BIFF with xlrd (the
database writes it with PHPExcel, whose files xlrd calls corrupt unless told to read past
it), a zip as `.xlsx` with openpyxl (read-only), anything else as CSV text. Every cell is
text as a CSV would hold it: a whole number written as a number is its digits ("5", not
"5.0").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlrd
from xlrd.compdoc import CompDocError

from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.importers.base import ImportFailed, read_file
from nmrf_desktop.importers.text_encoding import decode
from nmrf_desktop.importers.uhri_sheet import open_workbook, rows_of

log = logging.getLogger(__name__)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# What xlrd raises on a damaged or foreign compound file, besides its own errors.
_BIFF_DAMAGED = (xlrd.XLRDError, CompDocError, struct.error, AssertionError, IndexError,
                 KeyError, ValueError, UnicodeDecodeError, EOFError, TypeError)
# Header rows may sit below a title row or two in a hand-saved workbook.
_HEADER_SCAN_ROWS = 20


@dataclass(slots=True)
class Sheet:
    """A file's header row and an iterator over its data rows: (row number, cells)."""

    shape: str                               # "xls" | "xlsx" | "csv"
    header_row: int
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]

    @property
    def shape_title(self) -> str:
        return {"xls": "Excel 97-2003 .xls", "xlsx": "Excel .xlsx", "csv": "CSV"}[self.shape]


def _fail(name: str, message: str, row: int = 0) -> ImportFailed:
    return ImportFailed([RowProblem(name, row, "", message)])


def read_sheet(path: Path, encoding: str | None = None) -> Sheet:
    """The rows of `path`; ImportFailed naming the file when it cannot be read as any shape.

    `encoding` is for CSV text only: a workbook says its own.
    """
    name = path.name
    data = read_file(path)
    if data.startswith(_OLE2):
        return _xls(data, name)
    if data.startswith(_ZIP):
        return _xlsx(data, name)
    if path.suffix.casefold() in (".xls", ".xlsx") and data.lstrip()[:1] == b"<":
        raise _fail(name, f"is named {path.suffix} but is a web page (HTML or XML), not an "
                          f"Excel workbook: open it in Excel and save it as .xlsx or CSV")
    text = decode(data, name, encoding)
    return _csv(text, name)


# -- CSV ------------------------------------------------------------------------------


def _csv(text: str, name: str) -> Sheet:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise _fail(name, f"no header row ({exc})", 1) from None
    return Sheet("csv", 1, header, _csv_rows(reader, name))


def _csv_rows(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            yield line, row
    except csv.Error as exc:
        raise _fail(name, f"the file is damaged or truncated ({exc})", line + 1) from None


# -- Excel 97-2003 (BIFF8) --------------------------------------------------------------


def _xls(data: bytes, name: str) -> Sheet:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _fail(name, "is a password-protected (encrypted) Excel workbook: open it in "
                          "Excel, remove the password and save it again")
    messages = io.StringIO()  # xlrd's warnings, for the log rather than the terminal
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=messages,
                                  ignore_workbook_corruption=True)
    except _BIFF_DAMAGED as exc:
        log.debug("cannot open %s: %s", name, messages.getvalue(), exc_info=True)
        if "encrypted" in str(exc).casefold():
            raise _fail(name, "is a password-protected (encrypted) Excel workbook: open it "
                              "in Excel, remove the password and save it again") from None
        raise _fail(name, f"cannot be read as an Excel 97-2003 (.xls) workbook: it is "
                          f"damaged, truncated or another kind of Office file "
                          f"({type(exc).__name__}: {exc})") from None
    try:
        if not book.nsheets:
            raise _fail(name, "has no worksheet")
        try:
            sheet = book.sheet_by_index(0)
        except _BIFF_DAMAGED as exc:
            raise _fail(name, f"is damaged or truncated: its first worksheet cannot be read "
                              f"({type(exc).__name__}: {exc})") from None
        datemode = book.datemode
        rows = [[_xls_text(c, datemode) for c in sheet.row(r)] for r in range(sheet.nrows)]
    finally:
        book.release_resources()
    if messages.getvalue():
        log.debug("xlrd on %s: %s", name, messages.getvalue())
    return _from_rows(rows, name, "xls")


def _xls_text(cell: Any, datemode: int) -> str:
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return _number(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return str(xlrd.xldate_as_datetime(value, datemode).date().isoformat())
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _number(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR!"))
    return ""


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# -- Excel 2007+ (.xlsx) --------------------------------------------------------------


def _xlsx(data: bytes, name: str) -> Sheet:
    workbook = open_workbook(data, name)
    try:
        rows = [[_xlsx_text(c.value) for c in cells] for _line, cells in rows_of(workbook,
                                                                                  name)]
    finally:
        workbook.close()
    return _from_rows(rows, name, "xlsx")


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def _from_rows(rows: list[list[str]], name: str, shape: str) -> Sheet:
    """The first non-blank row (within the first few) is the header; row numbers as Excel's."""
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        if any(cell.strip() for cell in row):
            width = len(row)  # a workbook leaves out a row's empty trailing cells
            data = ((n + 1, r + [""] * (width - len(r))) for n, r in enumerate(rows) if n > i)
            return Sheet(shape, i + 1, row, data)
    raise _fail(name, f"has no header row: the first {_HEADER_SCAN_ROWS} rows of the first "
                      f"worksheet are empty")
