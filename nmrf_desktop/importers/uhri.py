"""OHCHR Universal Human Rights Index (uhri.ohchr.org) 'Export to Excel' reader.

The export's columns are `Text, Countries Concerned, Reccomending Body` (sic, or spelt
correctly), `Document Symbol, Themes, Affected Persons, Sdgs, Document Publication Date,
UPR Reccomending States` (sic, or correct), `UPR Position, Type, OHCHR Annotation Id,
UPR Session, Regions Concerned, Recommending Regions, Date of publication on UHRI`.
Values begin with "- ", lists are one "- " item per line, dates may be Excel serial
numbers, and the paragraph number starts the text ("26.1 Ensure ..."). A row's identity
is its OHCHR annotation id, else a hash of document symbol, paragraph and text.

Formula cells are read as formulas (not their cached values) so that they are reported
as spreadsheet-formula injection instead of being silently replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from ..domain.enums import Position, Source
from ..domain.records import RecommendationIn, RowProblem, StateRef
from ..domain.text import identity_text, squash
from ..domain.upr import BODIES, body_code, cycle_of_session, mechanism_of_body, year_of_session
from .base import ImportFailed, Parsed, check_text_cell, merge_repeats, read_file

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

_POSITIONS = {
    "supported": Position.SUPPORTED, "accepted": Position.SUPPORTED,
    "noted": Position.NOTED, "rejected": Position.NOTED,
    "supported/noted": Position.SUPPORTED_IN_PART,
    "partially supported": Position.SUPPORTED_IN_PART,
    "supported in part": Position.SUPPORTED_IN_PART,
    "partially accepted": Position.SUPPORTED_IN_PART,
}
# Short names real exports use for special procedures: "SR ...", "IE ...", "WG ...".
_PARAGRAPH = re.compile(r"(\d{1,4}(?:\.\d{1,4})*)(\.?)\s*")
_SUB_PARAGRAPH = re.compile(r"\(([a-z]{1,4}|\d{1,2})\)\s*", re.IGNORECASE)
_SDG = re.compile(r"(\d{1,2}(?:\.[0-9a-z]{1,2})?)\s*[-–—:]\s*(\S.*)", re.IGNORECASE)
_MAORI = re.compile(r"\bm(a|ā)ori\b", re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_EARLIEST, _LATEST = dt.date(1945, 1, 1), dt.date(2100, 12, 31)
# Three sessions a year from 2008: session 150 is some 2050; anything above is not a session.
_LAST_SESSION = 150

# What openpyxl raises on a damaged, truncated or foreign archive.
_DAMAGED = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError,
            TypeError, IndexError, EOFError, OSError, SyntaxError)


def parse(path: Path) -> Parsed:
    """Read one UHRI export; every bad row is a RowProblem, a bad file is ImportFailed."""
    name = path.name
    data = read_file(path)
    _check_signature(data, name)
    workbook = _open(data, name)
    try:
        out = _read(workbook, name)
    finally:
        workbook.close()
    log.info("uhri %s: %d rows read, %d rejected, %d repeats merged", name, len(out.records),
             len(out.rejected), len(out.repeats))
    return out


def _fail(name: str, message: str, row: int = 0, column: str = "") -> ImportFailed:
    return ImportFailed([RowProblem(name, row, column, message)])


def _check_signature(data: bytes, name: str) -> None:
    """Reject what is plainly not an .xlsx before openpyxl sees it."""
    if data.startswith(b"PK"):
        return
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(name, "is an Excel 97-2003 (.xls) workbook, not .xlsx: open it in Excel "
                          "and save it as .xlsx")
    head = data[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise _fail(name, "is a text (CSV?) file, not an Excel .xlsx workbook: UHRI "
                              "imports read the 'Export to Excel' file")
    raise _fail(name, "is not an Excel .xlsx workbook (unrecognised binary content)")


def _open(data: bytes, name: str) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                             keep_links=False)
    except _DAMAGED as exc:
        log.debug("cannot open %s", name, exc_info=True)
        raise _fail(name, f"cannot be read as an .xlsx workbook: it is damaged, truncated "
                          f"or not an Excel file ({type(exc).__name__}: {exc})") from None


def _rows(workbook: Workbook, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of the first worksheet; a damaged sheet is ImportFailed."""
    if not workbook.worksheets:
        raise _fail(name, "has no worksheet")
    rows = workbook.worksheets[0].iter_rows(min_row=1)
    line = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except _DAMAGED as exc:
            log.debug("cannot read %s", name, exc_info=True)
            raise _fail(name, f"is damaged or truncated ({type(exc).__name__}: {exc})",
                        line + 1) from None
        line += 1
        yield line, cells


@dataclass(slots=True)
class _Header:
    row: int
    index: dict[str, int]   # canonical column -> position in the row
    labels: dict[str, str]  # canonical column -> its spelling in the file


def _header_of(line: int, cells: tuple[Any, ...]) -> _Header:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for i, cell in enumerate(cells):
        label = squash(str(cell.value)) if cell.value is not None else ""
        column = _HEADERS.get(label.casefold())
        if column and column not in index:
            index[column], labels[column] = i, label
    return _Header(line, index, labels)


def _is_blank(cells: tuple[Any, ...]) -> bool:
    return all(c.value is None or (isinstance(c.value, str) and not c.value.strip())
               for c in cells)


def _find_header(rows: Iterator[tuple[int, tuple[Any, ...]]], name: str) -> _Header:
    """The first row naming Text and Recommending Body or Document Symbol."""
    first: _Header | None = None
    for line, cells in rows:
        if line > _HEADER_SCAN_ROWS:
            break
        if _is_blank(cells):
            continue
        header = _header_of(line, cells)
        first = first or header
        if "Text" in header.index and ({"Recommending Body", "Document Symbol"}
                                       & header.index.keys()):
            missing = [c for c in REQUIRED if c not in header.index]
            if missing:
                raise _fail(name, f"is not a complete UHRI export: missing column(s) "
                                  f"{', '.join(missing)}", line, ", ".join(missing))
            return header
    if first is None:
        raise _fail(name, f"has no header row: the first {_HEADER_SCAN_ROWS} rows of the "
                          f"first worksheet are empty")
    missing = [c for c in REQUIRED if c not in first.index]
    raise _fail(name, f"is not a UHRI 'Export to Excel' workbook: missing column(s) "
                      f"{', '.join(missing)} (expected {', '.join(COLUMNS)})",
                first.row, ", ".join(missing))


def _read(workbook: Workbook, name: str) -> Parsed:
    rows = _rows(workbook, name)
    header = _find_header(rows, name)
    out = Parsed()
    data_rows = 0
    for line, cells in rows:
        if _is_blank(cells):
            continue
        data_rows += 1
        rec = _Row(cells, header, name, line, workbook.epoch, out.rejected).record()
        if rec is not None:
            out.records.append(rec)
    if not data_rows:
        raise _fail(name, "has a header row but no data rows", header.row)
    out.records, out.repeats = merge_repeats(out.records, _describe_repeat)
    return out


def _describe_repeat(rec: RecommendationIn, first: RecommendationIn) -> str:
    what = f"{rec.document_symbol} para {rec.paragraph}" if rec.paragraph else rec.source_id
    return (f"{rec.origin[0]} row {rec.origin[1]} repeats row {first.origin[1]} "
            f"({what}): merged into one")


def _strip_dash(value: str) -> str:
    """'New Zealand' from '- New Zealand'; a lone '-' is an empty value."""
    value = value.strip()
    if value == "-":
        return ""
    return value[2:] if value.startswith("- ") else value


def split_paragraph(text: str) -> tuple[str, str]:
    """('26.1', 'Ensure ...') from '26.1 Ensure ...'; ('26(a)', ...) from '26. (a) ...'.

    A bare number without a dot ('2030 Agenda ...') is text, not a paragraph number.
    """
    match = _PARAGRAPH.match(text)
    if not match or ("." not in match.group(1) and not match.group(2)):
        return "", text
    paragraph, rest = match.group(1), text[match.end():]
    sub = _SUB_PARAGRAPH.match(rest)
    if sub:
        paragraph, rest = f"{paragraph}({sub.group(1)})", rest[sub.end():]
    if not rest[:1].isalpha() and rest[:1] not in "(\"'“‘«":
        return "", text
    return paragraph, rest


def sdg_label(value: str) -> str:
    """'16.3 - Promote the rule of law' from '16.3 -  Promote the rule  of law'."""
    match = _SDG.fullmatch(value)
    return f"{match.group(1)} - {match.group(2)}" if match else value


def to_date(value: object, epoch: dt.datetime) -> dt.date | None:
    """A date from an Excel serial number, a date cell, or ISO / dd/mm/yyyy text.

    Raises ValueError for anything else, or for a date outside 1945-2100.
    """
    if value is None:
        return None
    day = _date_of(value, epoch)
    if day is not None and not _EARLIEST <= day <= _LATEST:
        raise ValueError(f"{day.isoformat()} is not a plausible publication date")
    return day


def _date_of(value: object, epoch: dt.datetime) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), epoch)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = squash(_strip_dash(value))
    if not text:
        return None
    try:
        day = _text_date(text, epoch)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None
    if day is None:
        raise ValueError(f"{text!r} is not a date (expected an Excel date, yyyy-mm-dd or "
                         f"dd/mm/yyyy)")
    return day


def _text_date(text: str, epoch: dt.datetime) -> dt.date | None:
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial(float(text), epoch)
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text[:10])
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _serial(value: float, epoch: dt.datetime) -> dt.date:
    if not 1 <= value < 2958466:
        raise ValueError(f"{value:g} is not an Excel date serial number")
    return from_excel(value, epoch).date()


def _body(names: tuple[str, ...]) -> str:
    """One canonical body code from the cell's names, preferring a known code."""
    codes = [body_code(n) for n in names]
    return next((c for c in codes if c in BODIES), codes[0])


def _identity(symbol: str, paragraph: str, text: str) -> str:
    key = "\x1f".join([squash(symbol).casefold(), paragraph, identity_text(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


class _Row:
    """One data row, read by canonical column name; its problems are collected as read."""

    def __init__(self, cells: tuple[Any, ...], header: _Header, file: str, line: int,
                 epoch: dt.datetime, problems: list[RowProblem]) -> None:
        self.cells, self.header, self.file, self.line = cells, header, file, line
        self.epoch = epoch
        self.problems = problems
        self.bad_columns: set[str] = set()

    def problem(self, column: str, message: str) -> None:
        label = self.header.labels.get(column, column)
        self.problems.append(RowProblem(self.file, self.line, label, message))
        self.bad_columns.add(column)

    def raw(self, column: str) -> Any:
        i = self.header.index.get(column)
        if i is None or i >= len(self.cells):
            return None
        cell = self.cells[i]
        if cell.data_type == "f":
            self.problem(column, f"is a spreadsheet formula ({str(cell.value)[:30]!r}); "
                                 f"UHRI exports hold values only")
            return None
        return cell.value

    def _checked(self, column: str, value: str) -> bool:
        problem = check_text_cell(value, self.file, self.line,
                                  self.header.labels.get(column, column))
        if problem:
            self.problems.append(problem)
            self.bad_columns.add(column)
        return problem is None

    def items(self, column: str) -> tuple[str, ...]:
        """The "- " items of a list cell (one per line), squashed, repeats dropped."""
        value = self.raw(column)
        if value is None:
            return ()
        text = str(value)
        if not self._checked(column, text):
            return ()
        out: list[str] = []
        for line in text.splitlines():
            item = squash(_strip_dash(line))
            if item and self._checked(column, item):
                out.append(item)
        return tuple(dict.fromkeys(out))

    def text(self, column: str) -> str:
        """A single value: the first item of the cell."""
        items = self.items(column)
        return items[0] if items else ""

    def date(self, column: str) -> dt.date | None:
        try:
            return to_date(self.raw(column), self.epoch)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None

    def session(self) -> int | None:
        text = self.text("UPR Session")
        if not text:
            return None
        match = re.search(r"[0-9]+", text)
        if not match or not 1 <= int(match.group()) <= _LAST_SESSION:
            self.problem("UPR Session", f"{text!r} is not a UPR session number "
                                        f"(1-{_LAST_SESSION})")
            return None
        return int(match.group())

    def position(self, upr: bool) -> Position | None:
        values = self.items("UPR Position")
        if not values:
            return None if upr else Position.NOT_APPLICABLE
        found: set[Position] = set()
        for value in values:
            position = _POSITIONS.get(re.sub(r"\s*/\s*", "/", value.casefold()))
            if position is None:
                self.problem("UPR Position", f"{value!r} is not Supported, Noted, "
                                             f"Supported/Noted or Partially supported")
                return None
            found.add(position)
        if len(found) > 1:
            return Position.SUPPORTED_IN_PART
        return found.pop()

    def full_text(self) -> str:
        """The Text cell: one value that may hold line breaks, so not split as a list."""
        value = self.raw("Text")
        raw = str(value) if value is not None else ""
        text = squash(_strip_dash(raw))
        if not (self._checked("Text", raw) and self._checked("Text", text)):
            return ""
        return self.required("Text", text)

    def required(self, column: str, value: str) -> str:
        """`value`, noting the column as empty unless it already has a problem."""
        if not value and column not in self.bad_columns:
            self.problem(column, "is empty")
        return value

    def states(self) -> tuple[StateRef, ...]:
        regions = self.items("Recommending Regions")
        group = regions[0] if len(regions) == 1 else ""
        return tuple(StateRef(name, group) for name in self.items("UPR Recommending States"))

    def record(self) -> RecommendationIn | None:
        full_text = self.full_text()
        country = self.required("Countries Concerned", self.text("Countries Concerned"))
        bodies = self.items("Recommending Body")
        self.required("Recommending Body", ", ".join(bodies))
        symbol = self.text("Document Symbol")
        published = self.date("Document Publication Date")
        session = self.session()
        annotation = self.text("OHCHR Annotation Id")
        themes, groups = self.items("Themes"), self.items("Affected Persons")
        sdgs = tuple(dict.fromkeys(sdg_label(s) for s in self.items("Sdgs")))
        states = self.states()
        body = _body(bodies) if bodies else ""
        position = self.position(body == "UPR")
        if self.bad_columns:
            return None
        paragraph, text = split_paragraph(full_text)
        if _MAORI.search(text):
            groups = tuple(dict.fromkeys((*groups, "Māori")))
        year = published.year if published else (year_of_session(session) if session else None)
        return RecommendationIn(
            source=Source.UHRI,
            source_id=annotation or _identity(symbol, paragraph, text),
            text=text,
            country=country,
            mechanism=mechanism_of_body(body),
            body=body,
            states=states,
            position=position,
            upr_session=session,
            cycle=cycle_of_session(session) if session else None,
            year=year,
            published_on=published,
            document_symbol=symbol,
            paragraph=paragraph,
            themes=themes,
            groups=groups,
            sdgs=sdgs,
            reference=f"{symbol} para {paragraph}" if symbol and paragraph else "",
            origin=(self.file, self.line),
        )
