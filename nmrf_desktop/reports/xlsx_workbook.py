"""Writes the progress workbook: the template's Recommendations sheet and one sheet each for
assignments, actions, progress and evidence, every one safe to open, edit and import back;
then, when the scope has indicator values, the Indicators sheet (one row per value) and the
Indicator charts sheet, both for reading: an import passes them by."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from nmrf_desktop.importers.template_layout import COLUMNS, SHEET, Column, TemplateRow
from nmrf_desktop.importers.template_sheets import LISTS, SHEETS
from nmrf_desktop.reports.chart_spec import ChartSpec
from nmrf_desktop.reports.xlsx_indicator_charts import CHARTS, write_chart_sheet
from nmrf_desktop.reports.xlsx_template import (
    new_workbook,
    save_atomically,
    template_values,
    write_sheet,
)

log = logging.getLogger(__name__)

INDICATORS = "Indicators"
INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("Code", 16), Column("Indicator", 40, "long"),
    Column("Indicator (te reo Māori)", 30, "long"), Column("Kind", 11), Column("Period", 10),
    Column("Disaggregation", 30, "long"), Column("Value", 12), Column("Units", 18),
    Column("Status", 11), Column("Observation status", 16), Column("Māori data", 10),
    Column("Governance", 30, "long"), Column("Trend", 60, "long"), Column("SDG", 8),
    Column("Steward", 12), Column("Recommendations", 30, "list"),
)


def write_workbook(recommendations: Iterable[TemplateRow],
                   sheets: Mapping[str, Iterable[list[object]]], out: Path,
                   indicators: Iterable[list[object]] = (),
                   charts: Sequence[ChartSpec] = ()) -> dict[str, int]:
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
    values = iter(indicators)
    first = next(values, None)
    if first is not None:  # no indicator value in scope: no Indicators sheet
        counts[INDICATORS] = write_sheet(wb, INDICATORS, INDICATOR_COLUMNS,
                                         itertools.chain([first], values))
        counts[CHARTS] = write_chart_sheet(wb, charts)
    save_atomically(wb, out)
    log.info("wrote %s to %s", ", ".join(f"{n} {name.lower()}" for name, n in counts.items()),
             out)
    return counts
