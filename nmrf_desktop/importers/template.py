"""The product's own XLSX template: read a workbook exported by NMRF Desktop, or typed by hand.

Columns are found by their header label (row 1 of the "Recommendations" sheet, else the
first sheet); only Country, Body and Text are required. A row carrying Source and Source
ID updates that recommendation; a row without them is the agency's own, identified by its
country, body, document symbol, paragraph and text. Formulas are refused, never run.

A progress workbook (`nmrf report xlsx`) also has Assignments, Actions, Progress and
Evidence sheets: they are read here into typed rows, and compared with the record by
`services.workbook.importing`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from nmrf_desktop.domain.enums import Source
from nmrf_desktop.domain.records import RecommendationIn, RowProblem, StateRef
from nmrf_desktop.domain.text import identity_text, squash
from nmrf_desktop.domain.upr import (
    BODIES,
    body_code,
    cycle_of_session,
    mechanism_of_body,
    year_of_session,
)
from nmrf_desktop.importers.base import ImportFailed, Parsed, merge_repeats, read_file
from nmrf_desktop.importers.template_cells import RowCells, unsafe_cell
from nmrf_desktop.importers.template_layout import BY_LABEL, COLUMNS, REQUIRED, SHEET, Column
from nmrf_desktop.importers.template_sheets import BY_NAME, Sheet, SheetRow, typed

log = logging.getLogger(__name__)

# Caps against zip bombs: an honest template of 50,000 rows stays far below them.
MAX_ENTRIES = 10_000
MAX_UNPACKED = 1 << 30
_SOURCES = {s.value: s for s in Source}
# One worksheet row of openpyxl cells (openpyxl has no type information).
_Cells = tuple[Any, ...]


def identity(country: str, body: str, symbol: str, paragraph: str, text: str) -> str:
    """The stable id of a hand-typed row: same country, body, symbol, paragraph and text."""
    key = "\x1f".join([squash(country).casefold(), body, squash(symbol).casefold(),
                       squash(paragraph).casefold(), identity_text(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _check_archive(data: bytes, name: str) -> None:
    def fail(message: str) -> ImportFailed:
        return ImportFailed([RowProblem(name, 0, "", message)])

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise fail("is an Excel 97-2003 (.xls) or password-protected workbook; "
                   "save it as an unprotected .xlsx workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise fail(f"is not an XLSX workbook, or it is damaged or truncated ({exc})") from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise fail("is too large to be a recommendations workbook (over "
                   f"{MAX_ENTRIES} parts or {MAX_UNPACKED >> 20} MB unpacked)")
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise fail("is a zip archive but not an XLSX workbook (no xl/workbook.xml)")


@dataclass(slots=True)
class WorkbookParsed(Parsed):
    """A template's recommendations, and the rows of the workbook's extra sheets."""

    sheets: dict[str, list[SheetRow]] = field(default_factory=dict)


def parse_recommendations(path: Path) -> WorkbookParsed:
    """Read one template workbook; every bad row or cell is a RowProblem, nothing is guessed."""
    path = Path(path)
    name = path.name
    data = read_file(path)
    _check_archive(data, name)
    line = 0
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (extensions, styles).
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                out = WorkbookParsed()
                first = wb.sheetnames[0] if wb.sheetnames else ""
                if SHEET in wb.sheetnames or first not in BY_NAME:
                    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
                    rows = ws.iter_rows()
                    header = _header(next(rows, ()), name, BY_LABEL, COLUMNS, REQUIRED)
                    for line, cells in enumerate(rows, start=2):
                        rec = _record(cells, header, name, line, out.rejected)
                        if rec is not None:
                            out.records.append(rec)
                for sheet in (BY_NAME[n] for n in wb.sheetnames if n in BY_NAME):
                    line = 0
                    out.sheets[sheet.name] = _sheet_rows(wb[sheet.name], sheet, name,
                                                         out.rejected)
            finally:
                wb.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        log.debug("cannot read %s", name, exc_info=True)
        raise ImportFailed([RowProblem(name, line, "", "the workbook is damaged or truncated "
                                       f"({type(exc).__name__}: {exc})")]) from None
    out.records, out.repeats = merge_repeats(out.records, _describe_repeat)
    return out


def _header(cells: _Cells, name: str, by_label: dict[str, Column],
            columns: tuple[Column, ...], required: tuple[str, ...]) -> list[Column | None]:
    """The column of each position in the header row; ImportFailed naming every bad header."""
    problems: list[RowProblem] = []
    header: list[Column | None] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        text = squash(str(cell.value)) if cell.value is not None else ""
        column = by_label.get(text.casefold()) if text else None
        if text and column is None:
            known = ", ".join(c.label for c in columns if not c.hidden)
            problems.append(RowProblem(name, 1, text, f"unknown column in cell "
                                       f"{get_column_letter(index)}1 (the template's columns "
                                       f"are: {known})"))
        elif column is not None and column.label in seen:
            problems.append(RowProblem(name, 1, column.label, "appears twice in the header row"))
            column = None
        if column is not None:
            seen.add(column.label)
        header.append(column)
    missing = [c for c in required if c not in seen]
    if missing:
        problems.append(RowProblem(name, 1, ", ".join(missing),
                                   f"missing column(s) {', '.join(missing)}: row 1 must hold the "
                                   f"template's header labels ({', '.join(required)} at least)"))
    if problems:
        raise ImportFailed(problems)
    return header


def _sheet_rows(ws, sheet: Sheet, file: str,  # type: ignore[no-untyped-def]
                problems: list[RowProblem]) -> list[SheetRow]:
    """The typed rows of one extra sheet; bad cells are RowProblems naming the sheet."""
    name = f"{file}, sheet {sheet.name}"
    rows = ws.iter_rows()
    header = _header(next(rows, ()), name, sheet.by_label, sheet.columns, (sheet.key,))
    present = frozenset(c.label for c in header if c is not None)
    out: list[SheetRow] = []
    for line, cells in enumerate(rows, start=2):
        before = len(problems)
        row = _cells(cells, header, name, line, problems)
        if row is None:
            continue
        values = {c.label: typed(row, c) for c in sheet.columns if c.label in present}
        if len(problems) == before:
            out.append(SheetRow(sheet.name, name, line, values, present))
    return out


def _cells(cells: _Cells, header: list[Column | None], name: str, line: int,
           problems: list[RowProblem]) -> RowCells | None:
    """The non-empty, safe cells of one row; None for an empty row."""
    values: dict[str, object] = {}
    reported: set[str] = set()
    for index, cell in enumerate(cells):
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        column = header[index] if index < len(header) else None
        label = column.label if column else get_column_letter(index + 1)
        if column is None:
            problems.append(RowProblem(name, line, label,
                                       "holds a value but its column has no header label"))
            continue
        problem = unsafe_cell(value, cell.data_type, column, label, name, line)
        if problem:
            problems.append(problem)
            reported.add(column.label)
            continue
        values[column.label] = value
    if not values:
        return None  # an empty row, or one whose every value is already reported
    return RowCells(name, line, values, problems, reported)


def _record(cells: _Cells, header: list[Column | None], name: str, line: int,
            problems: list[RowProblem]) -> RecommendationIn | None:
    before = len(problems)
    row = _cells(cells, header, name, line, problems)
    if row is None:
        return None
    rec = _build(row)
    return rec if len(problems) == before else None


def _build(row: RowCells) -> RecommendationIn | None:
    country, body_text = row.text("Country"), row.text("Body")
    body = body_code(body_text) if body_text else ""
    source_text, source_id = row.text("Source"), row.text("Source ID")
    text = row.long_text("Text") if source_id else squash(row.long_text("Text"))
    for column, value in (("Country", country), ("Body", body), ("Text", text)):
        if not value:
            row.problem(column, "is empty")
    mechanism = row.mechanism("Mechanism") or (mechanism_of_body(body) if body else None)
    if mechanism and body in BODIES and BODIES[body] != mechanism:
        row.problem("Mechanism", f"{mechanism.value!r} does not match body {body} "
                                 f"({BODIES[body].value})")
    session = row.whole("UPR session", 1, 999)
    cycle = row.whole("Cycle", 1, 99)
    year = row.whole("Year", 1945, 2199)
    symbol, paragraph = row.text("Document symbol"), row.text("Paragraph")
    source = _SOURCES.get(source_text.casefold()) if source_text else Source.TEMPLATE
    if source is None:
        row.problem("Source", f"{source_text!r} is not a source ({', '.join(_SOURCES)}); "
                              "leave Source and Source ID empty for a new row")
    elif source_id and not source_text:
        row.problem("Source", "is empty but Source ID is not: fill in both or neither")
    elif not source_id and source is not Source.TEMPLATE:
        row.problem("Source ID", f"is empty for a row from {source.value}: fill in both or "
                                 "neither")
    elif len(source_id) > 80:
        row.problem("Source ID", "is longer than 80 characters")
    for column, value, limit in (("Country", country, 120), ("Body", body, 80),
                                 ("Document symbol", symbol, 80), ("Paragraph", paragraph, 40),
                                 ("Reference", row.text("Reference"), 120)):
        if len(value) > limit:
            row.problem(column, f"is longer than {limit} characters")
    states = _states(row)
    return RecommendationIn(
        source=source or Source.TEMPLATE,
        source_id=source_id or identity(country, body, symbol, paragraph, text),
        text=text, country=country, mechanism=mechanism or mechanism_of_body(body), body=body,
        states=states, position=row.position("Position"), upr_session=session,
        cycle=cycle if cycle is not None or session is None else cycle_of_session(session),
        year=year if year is not None or session is None else year_of_session(session),
        published_on=row.date("Date"), document_symbol=symbol, paragraph=paragraph,
        action_category=row.whole("UPR Info action category", 1, 5),
        themes=_unique(row.lines("Themes")), groups=_unique(row.lines("Affected groups")),
        sdgs=_unique(row.lines("SDGs")), te_tiriti=row.yes_no("Te Tiriti"),
        withdrawn=row.yes_no("Withdrawn"),
        reference=row.text("Reference"),
        origin=(row.file, row.row),
    )


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _states(row: RowCells) -> tuple[StateRef, ...]:
    """Recommending states, each with the regional group on the same line of its column."""
    names = row.lines("Recommending states", keep_blank=True)
    groups = row.lines("Regional groups", keep_blank=True)
    if any(groups[len(names):]):
        row.problem("Regional groups", f"lists {len([g for g in groups if g])} groups for "
                                       f"{len([n for n in names if n])} recommending states: "
                                       "put each state's group on the same line")
    out: dict[str, StateRef] = {}
    for index, state in enumerate(names):
        if state and state not in out:
            out[state] = StateRef(state, groups[index] if index < len(groups) else "")
    return tuple(out.values())


def _describe_repeat(rec: RecommendationIn, first: RecommendationIn) -> str:
    return (f"{rec.origin[0]} row {rec.origin[1]} repeats row {first.origin[1]} "
            f"({rec.source.value} {rec.source_id[:12]}): merged into one")

