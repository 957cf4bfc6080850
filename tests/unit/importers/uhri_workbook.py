"""Builds UHRI 'Export to Excel' workbooks for tests, quirks and all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

# The export's header row exactly as uhri.ohchr.org writes it, misspellings included.
MISSPELT = ("Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "Themes",
            "Affected Persons", "Sdgs", "Document Publication Date", "UPR Reccomending States",
            "UPR Position", "Type", "OHCHR Annotation Id", "UPR Session", "Regions Concerned",
            "Recommending Regions", "Date of publication on UHRI")
CORRECT = tuple(h.replace("Reccomending", "Recommending") for h in MISSPELT)


class AsText(str):
    """A value written as a text cell even if it starts with '=' (openpyxl would make it a
    formula), as a hand-edited or hostile workbook can hold."""

    __slots__ = ()


def row(**values: object) -> dict[str, object]:
    """One data row by column name; underscores stand for spaces ('Document_Symbol')."""
    return {k.replace("_", " "): v for k, v in values.items()}


def write_uhri(path: Path, rows: Sequence[Mapping[str, object]], *,
               header: Sequence[str] = MISSPELT, lead_rows: Sequence[Sequence[object]] = (),
               ) -> Path:
    """Save a workbook: optional title/blank rows, the header, then `rows`.

    Row keys may use either spelling of the misspelt columns; they are matched to
    `header` so one row dict serves both header variants.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "UHRI"
    for lead in lead_rows:
        ws.append(list(lead))
    ws.append(list(header))
    positions = {_key(h): i for i, h in enumerate(header)}
    for values in rows:
        out: list[object] = [None] * len(header)
        for column, value in values.items():
            out[positions[_key(column)]] = value
        ws.append(out)
        for column, value in values.items():
            if isinstance(value, AsText):
                cell = ws.cell(row=ws.max_row, column=positions[_key(column)] + 1)
                cell.value, cell.data_type = str(value), "s"
    wb.save(path)
    return path


def _key(column: str) -> str:
    return column.replace("Reccomending", "Recommending").casefold()
