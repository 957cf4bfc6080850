"""Writes the XLSX template, and the styled, formula-safe sheets every workbook uses."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from nmrf_desktop.domain.text import looks_like_formula
from nmrf_desktop.files import REPORT_MODE, atomic_path
from nmrf_desktop.importers.template_layout import (
    COLUMNS,
    MECHANISM_LABELS,
    NO,
    POSITION_LABELS,
    SHEET,
    YES,
    Column,
    TemplateRow,
)

log = logging.getLogger(__name__)

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_LAST_ROW = 1_048_576
_WRAPPED = ("text", "long", "list")
LISTS = {
    "mechanism": ",".join(MECHANISM_LABELS.values()),
    "position": ",".join(POSITION_LABELS.values()),
    "yes_no": f"{YES},{NO}",
}
# What Excel (or LibreOffice) would run as a formula if typed; "- " is UHRI's list style.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def template_values(row: TemplateRow) -> list[object]:
    """The row's cells in COLUMNS order, as plain values."""
    rec = row.rec
    groups = [s.regional_group for s in rec.states]
    return [
        rec.reference, row.id, rec.source.value, rec.source_id, rec.country,
        MECHANISM_LABELS[rec.mechanism], rec.body, rec.upr_session, rec.cycle, rec.year,
        rec.published_on, rec.document_symbol, rec.paragraph, rec.text,
        POSITION_LABELS[rec.position] if rec.position else None,
        "\n".join(s.name for s in rec.states),
        "\n".join(groups) if any(groups) else None,
        "\n".join(rec.themes), "\n".join(rec.groups), "\n".join(rec.sdgs),
        rec.action_category, YES if rec.te_tiriti else NO, YES if rec.withdrawn else NO,
    ]


class CellMaker:
    """Turns values into write-only cells; text is never left for Excel to run.

    Styling a cell is the slow part of openpyxl, so each column has one styled cell that
    every row reuses: a write-only sheet serializes a row before the next is appended.
    """

    def __init__(self, ws: Worksheet, columns: Sequence[Column]) -> None:
        self.ws = ws
        self.kinds = [c.kind for c in columns]
        self.cleaned = 0
        self.columns: list[WriteOnlyCell] = []
        for column in columns:
            cell = WriteOnlyCell(ws)
            cell.alignment = _WRAP if column.kind in _WRAPPED else _TOP
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            self.columns.append(cell)

    def row(self, values: list[object]) -> list[object]:
        return [self.value(v, i) for i, v in enumerate(values)]

    def value(self, value: object, index: int) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            text = value
            if ILLEGAL_CHARACTERS_RE.search(text):
                text = value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
                self.cleaned += 1
            if (text.startswith(_FORMULA_START) and not text.startswith("- ")) or any(
                    looks_like_formula(line) for line in text.split("\n")[1:]):
                # Any line of a list cell could become a cell of its own when edited.
                return self._guarded(text, index)
        cell = self.columns[index]
        cell.value = value
        return cell

    def _guarded(self, value: str, index: int) -> WriteOnlyCell:
        # openpyxl makes any '=...' string a formula: force a plain string cell, and mark
        # it as text so that editing the cell in Excel does not turn it into one either.
        cell = WriteOnlyCell(self.ws, value)
        cell.data_type = "s"
        cell.alignment = _WRAP if self.kinds[index] in _WRAPPED else _TOP
        cell.quotePrefix = True
        return cell


def _validations(ws: Worksheet, columns: Sequence[Column], lists: dict[str, str]) -> None:
    """Drop-down lists on the closed vocabularies; whole numbers where numbers belong."""
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind in lists:
            dv = DataValidation(type="list", formula1=f'"{lists[column.kind]}"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle=column.label,
                                error=f"Choose one of: {lists[column.kind].replace(',', ', ')}")
        elif column.label == "UPR Info action category":
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5",
                                allow_blank=True, showErrorMessage=True,
                                error="A whole number from 1 (minimal) to 5 (specific action)")
        elif column.kind == "int":
            dv = DataValidation(type="whole", operator="greaterThan", formula1="0",
                                allow_blank=True, showErrorMessage=True,
                                error="A whole number")
        else:
            continue
        dv.add(f"{letter}2:{letter}{_LAST_ROW}")
        ws.data_validations.append(dv)


def write_sheet(wb: Workbook, title: str, columns: Sequence[Column],
                rows: Iterable[list[object]], lists: dict[str, str] | None = None) -> int:
    """Append one styled sheet to a write-only workbook: header frozen, auto-filter, widths,
    wrapped text, drop-downs; returns the data rows written."""
    ws = wb.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = column.width
        dim.hidden = column.hidden
    ws.freeze_panes = "A2"
    _validations(ws, columns, LISTS | (lists or {}))
    cells = CellMaker(ws, columns)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, column.label)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        header.append(cell)
    ws.append(header)
    count = 0
    try:
        for row in rows:
            ws.append(cells.row(row))
            count += 1
    except BaseException:
        ws.close()  # cancelled or failed: end the half-written sheet, leave nothing open
        raise
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    if cells.cleaned:
        log.warning("%d cells of sheet %s held control characters Excel cannot store; "
                    "replaced by U+FFFD", cells.cleaned, title)
    return count


def new_workbook(title: str) -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.creator = "NMRF Desktop"
    wb.properties.title = title
    return wb


def save_atomically(wb: Workbook, out: Path) -> None:
    """Save to `out`, replaced whole, never left half-written, with the mode of every report
    file (REPORT_MODE)."""
    with atomic_path(Path(out), REPORT_MODE) as partial:
        wb.save(partial)


def write_template(rows: Iterable[TemplateRow], out: Path) -> int:
    """Write the rows to `out` (replaced whole, never left half-written); returns the count."""
    wb = new_workbook("UN human-rights recommendations")
    count = write_sheet(wb, SHEET, COLUMNS, (template_values(row) for row in rows))
    save_atomically(wb, out)
    log.info("wrote %d recommendations to %s", count, out)
    return count
