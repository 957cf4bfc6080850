"""Which importer reads a file, told from its content: its signature, sheets and header row.

An Excel 97 `.xls` is UPR Info's (no other source comes as one). A text file is a CSV,
UPR Info's too, unless its header row is the Human Rights Index's (whose importer reads only
its "Export to Excel" and says so). An `.xlsx` is the product's template when it has its
Recommendations sheet or header row, the Index's when a row of the first 50 names Text and
Countries Concerned, UPR Info's when a row of the first 20 is one of its header layouts.
Anything else is not known: the person importing chooses, and the importer then says what is
wrong with it. Nothing here refuses a file.
"""

from __future__ import annotations

import csv
import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from nmrf_desktop.domain.text import squash
from nmrf_desktop.files import open_regular
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.template_layout import BY_LABEL, REQUIRED as TEMPLATE_REQUIRED, SHEET
from nmrf_desktop.importers.upr_info_layouts import detect

log = logging.getLogger(__name__)

UPR_INFO, UHRI, TEMPLATE = "upr-info", "uhri", "xlsx"
KINDS = (UPR_INFO, UHRI, TEMPLATE)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_HEAD = 64 * 1024  # enough of a text file for its header row
_SCAN_ROWS = 50
_UPR_SCAN_ROWS = 20
_UHRI_MARKS = {"text", "countries concerned"}
_UHRI_BODY = {"recommending body", "reccomending body", "document symbol"}


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What a file looks like: its kind (one of KINDS, "" when not known) and its shape."""

    kind: str
    shape: str  # "xls" | "xlsx" | "csv" | "" (unreadable or something else)


def sniff(path: Path) -> Sniffed:
    """The kind of import `path` holds, as far as its first bytes and rows tell."""
    try:
        with open_regular(Path(path)) as fh:
            head = fh.read(_HEAD)
    except OSError:
        return Sniffed("", "")  # the import names why it cannot be read
    if head.startswith(_OLE2):
        return Sniffed(UPR_INFO, "xls")
    if head.startswith(_ZIP):
        return Sniffed(_workbook_kind(Path(path)), "xlsx")
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in head[:1024]:
        return Sniffed("", "")  # binary, and no workbook: a PDF, a picture, …
    return Sniffed(_text_kind(head), "csv")


def _folded(cells: list[Any] | tuple[Any, ...]) -> list[str]:
    return [squash(str(c)).casefold() if c is not None else "" for c in cells]


def _is_uhri(folded: list[str]) -> bool:
    labels = set(folded)
    return labels >= _UHRI_MARKS and bool(_UHRI_BODY & labels)


def _is_upr_info(cells: list[str]) -> bool:
    try:
        detect(cells, "")
    except ImportFailed:
        return False
    return True


def _text_kind(head: bytes) -> str:
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = head.decode("utf-16" if utf16 else "utf-8-sig", "replace")  # its first line only
    first = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    return UHRI if _is_uhri(_folded(first)) else UPR_INFO


def _workbook_kind(path: Path) -> str:
    try:
        with open_regular(path) as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl on styles and extensions it ignores
            book = load_workbook(fh, read_only=True, data_only=True)  # whatever its name
            try:
                return _kind_of_book(book)
            finally:
                book.close()
    except Exception:  # a damaged workbook: the import says so, naming the file
        log.debug("cannot read %s to tell its kind", path, exc_info=True)
        return ""


def _kind_of_book(book: Any) -> str:
    if SHEET in book.sheetnames:
        return TEMPLATE
    if not book.worksheets:
        return ""
    rows = book.worksheets[0].iter_rows(max_row=_SCAN_ROWS, values_only=True)
    for line, cells in enumerate(rows, 1):
        folded = _folded(cells)
        if not any(folded):
            continue
        if _is_uhri(folded):
            return UHRI
        if line == 1 and all(f in BY_LABEL for f in folded if f) and all(
                r.casefold() in folded for r in TEMPLATE_REQUIRED):
            return TEMPLATE
        if line <= _UPR_SCAN_ROWS and _is_upr_info(["" if c is None else str(c) for c in cells]):
            return UPR_INFO
    return ""
