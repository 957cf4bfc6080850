"""`read_document`: what a UN document file is, and everything read from it.

The file's content decides (never its name): a PDF, or a Word .docx; then its tables and
first page decide the kind: a UPR matrix, a Working Group report or its addendum,
treaty-body concluding observations. Anything else is refused with NotADocument naming
the file and why.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from nmrf_desktop.files import NotAFile, open_regular
from nmrf_desktop.importers.documents.blocks import Extracted
from nmrf_desktop.importers.documents.concluding import (
    CO_SYMBOL,
    is_concluding_observations,
    read_concluding,
)
from nmrf_desktop.importers.documents.docx_text import read_docx
from nmrf_desktop.importers.documents.model import DocumentKind, DocumentPreview, NotADocument
from nmrf_desktop.importers.documents.pdf_text import read_pdf
from nmrf_desktop.importers.documents.upr_matrix import matrix_columns, read_matrix
from nmrf_desktop.importers.documents.upr_report import (
    REPORT_SYMBOL,
    is_upr_report,
    read_addendum,
    read_report,
)

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024  # no UN document comes near this; a bigger file is not one
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_document(path: Path, symbol: str | None = None, body: str | None = None
                  ) -> DocumentPreview:
    """Read a UN document. `symbol` and `body`, when given, stand for what the document
    says of itself (a copy whose first page was lost, a body the reader cannot tell).
    Raises NotADocument (naming the file) for anything that is not one we read."""
    path = Path(path)
    started = time.perf_counter()
    data = _read(path)
    extracted = _extract(data, path.name)
    preview = _dispatch(extracted, (symbol or "").strip(), (body or "").strip().upper())
    preview.file = str(path)
    log.info("%s: %s, %d recommendations in %.2f s", path.name, preview.document.kind.value,
             len(preview.recommendations), time.perf_counter() - started)
    return preview


def _read(path: Path) -> bytes:
    try:
        with open_regular(path) as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise NotADocument(f"{path.name}: file not found") from None
    except IsADirectoryError:
        raise NotADocument(f"{path.name} is a folder, not a document") from None
    except NotAFile as exc:
        raise NotADocument(exc.strerror or f"{path.name} is not a file") from None
    except OSError as exc:
        raise NotADocument(f"{path.name} cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise NotADocument(f"{path.name} is empty")
    if len(data) > MAX_BYTES:
        raise NotADocument(f"{path.name} is larger than {MAX_BYTES // 2**20} MB: not a UN "
                           "document")
    return data


def _extract(data: bytes, name: str) -> Extracted:
    """The text, by what the bytes are: '%PDF' or a zip (Word's .docx)."""
    if b"%PDF-" in data[:1024]:
        return read_pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data, name)
    if data.startswith(_OLE):
        what = ("an old Word document (.doc)" if b"W\x00o\x00r\x00d\x00D\x00o\x00c" in data
                else "an old Excel workbook (.xls)" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k"
                in data else "an old-format Office file")
        raise NotADocument(f"{name} is {what}, not a .docx or PDF: open it in Word and save "
                           "it as .docx (or PDF), then read that copy")
    if data.lstrip().startswith(b"{\\rtf"):
        raise NotADocument(f"{name} is an RTF file, not a .docx or PDF: save it as .docx")
    raise NotADocument(f"{name} is neither a Word document (.docx) nor a PDF")


def _dispatch(doc: Extracted, symbol: str, body: str) -> DocumentPreview:
    for table in doc.tables:
        if columns := matrix_columns(table):
            return read_matrix(doc, table, columns, symbol)
    found_report = REPORT_SYMBOL.search(doc.head)
    found_co = CO_SYMBOL.search(doc.head)
    given_report = REPORT_SYMBOL.fullmatch(symbol) if symbol else None
    given_co = CO_SYMBOL.fullmatch(symbol) if symbol else None
    if given_report or (not given_co and (is_upr_report(doc) or body == "UPR")
                        and (found_report or symbol)):
        sym = symbol or (found_report.group(0) if found_report else "")
        if "/Add." in sym or _says_addendum(doc):
            return read_addendum(doc, sym)
        return read_report(doc, sym)
    if not (given_report or given_co) and (pre := _pre_session(doc)):
        raise NotADocument(
            f"{doc.file} is {pre}, written for a UPR review before it takes place: it "
            "holds no recommendations to the State. Import the Working Group report "
            "(A/HRC/…), its addendum or the matrix instead")
    if given_co or found_co or is_concluding_observations(doc):
        preview = read_concluding(doc, symbol, body)
        if not (given_co or found_co) and not preview.recommendations:
            # Only the words "concluding observations" were seen (a compilation, a letter
            # quoting them), and nothing in it recommends: not a Committee's document.
            raise NotADocument(
                f"{doc.file} is none of the UN documents read here: it mentions concluding "
                "observations but names no …/CO/… symbol and no paragraph recommends "
                "anything to the State party; if it is concluding observations, give its "
                "symbol")
        if not preview.document.body:
            preview.warnings.append(f"{doc.file}: the treaty body was not found in the "
                                    "document; give it (CERD, CRC, …) before applying")
        return preview
    raise NotADocument(
        f"{doc.file} is none of the UN documents read here (a UPR matrix, a UPR Working "
        "Group report or its addendum, treaty-body concluding observations): its first "
        "page names no A/HRC/… or …/CO/… symbol and it has no matrix table")


_PRE_SESSION = (
    (re.compile(r"\bA/HRC/WG\.6/\d{1,2}/[A-Z]{3}/1\b|National report submitted", re.I),
     "the State's national report"),
    (re.compile(r"\bA/HRC/WG\.6/\d{1,2}/[A-Z]{3}/2\b|Compilation (?:prepared )?(?:by|of) "
                r"the Office|Compilation on\b", re.I), "OHCHR's compilation of UN information"),
    (re.compile(r"\bA/HRC/WG\.6/\d{1,2}/[A-Z]{3}/3\b|Summary (?:prepared by the Office|of "
                r"stakeholders)", re.I), "OHCHR's summary of stakeholders' submissions"),
)


def _pre_session(doc: Extracted) -> str:
    """What a UPR pre-session document is ("" when the first page is none of them)."""
    text = " ".join((doc.head + " " + " ".join(doc.blocks[:12])).split())
    for pattern, what in _PRE_SESSION:
        if pattern.search(text):
            return what
    return ""


def _says_addendum(doc: Extracted) -> bool:
    return "addendum" in doc.head.casefold() and "views on conclusions" in " ".join(
        doc.head.casefold().split())


__all__ = ["DocumentKind", "NotADocument", "read_document"]
