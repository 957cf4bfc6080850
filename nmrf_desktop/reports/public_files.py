"""The public transparency dataset's tables as CSV (UTF-8 with BOM) and one XLSX workbook."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nmrf_desktop.files import REPORT_MODE, atomic_path

# What a spreadsheet would run as a formula when the cell is opened or edited.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the dataset: a CSV file and a sheet of the workbook."""

    name: str  # file stem and sheet title
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]
    widths: tuple[int, ...] = ()


def neutralise(value: object) -> object:
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)


def write_csv(path: Path, table: Table) -> None:
    """UTF-8 with a byte-order mark, so Excel shows macrons (ā, ē, ī, ō, ū) right; the mode
    of every report file (REPORT_MODE), like the PDF and workbook beside it."""
    with (atomic_path(path, REPORT_MODE) as tmp,
          tmp.open("w", encoding="utf-8-sig", newline="") as handle):
        writer = csv.writer(handle)
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])


def _cell(sheet, value: object, wrap: bool) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # stored as text: never a formula
    if wrap:
        cell.alignment = _WRAP
    return cell


def write_xlsx(path: Path, tables: Sequence[Table]) -> None:
    """One sheet per table: bold header row, frozen, auto-filter, wrapped long text."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        widths = table.widths or tuple(18 for _ in table.headers)
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header.append(cell)
        sheet.append(header)
        wrap = [w >= 40 for w in widths]
        for row in table.rows:
            sheet.append([_cell(sheet, v, wrap[i]) for i, v in enumerate(row)])
        last = get_column_letter(len(table.headers))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    with atomic_path(path, REPORT_MODE) as tmp:
        book.save(tmp)
