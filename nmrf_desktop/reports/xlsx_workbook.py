"""Writes the progress workbook: the template's Recommendations sheet and one sheet each for
assignments, actions, progress and evidence, every one safe to open, edit and import back."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from nmrf_desktop.importers.template_layout import COLUMNS, SHEET, TemplateRow
from nmrf_desktop.importers.template_sheets import LISTS, SHEETS
from nmrf_desktop.reports.xlsx_template import (
    new_workbook,
    save_atomically,
    template_values,
    write_sheet,
)

log = logging.getLogger(__name__)


def write_workbook(recommendations: Iterable[TemplateRow],
                   sheets: Mapping[str, Iterable[list[object]]], out: Path) -> dict[str, int]:
    """Write every sheet to `out` (replaced whole, never half-written); rows per sheet.

    The iterables are consumed in sheet order, so each may read lazily from one open
    transaction; an exception from any of them (Cancelled) leaves no file behind.
    """
    wb = new_workbook("Progress on UN human-rights recommendations")
    counts = {SHEET: write_sheet(wb, SHEET, COLUMNS, (template_values(r) for r in recommendations),
                                 LISTS)}
    for sheet in SHEETS:
        counts[sheet.name] = write_sheet(wb, sheet.name, sheet.columns,
                                         sheets.get(sheet.name, ()), LISTS)
    save_atomically(wb, out)
    log.info("wrote %s to %s", ", ".join(f"{n} {name.lower()}" for name, n in counts.items()),
             out)
    return counts
