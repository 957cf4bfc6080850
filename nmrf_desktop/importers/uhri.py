"""OHCHR Universal Human Rights Index (uhri.ohchr.org) 'Export to Excel' reader.

The export's columns are `Text, Countries Concerned, Reccomending Body` (sic, or spelt
correctly), `Document Symbol, Themes, Affected Persons, Sdgs, Document Publication Date,
UPR Reccomending States` (sic, or correct), `UPR Position, Type, OHCHR Annotation Id,
UPR Session, Regions Concerned, Recommending Regions, Date of publication on UHRI`.
Values begin with "- ", lists are one "- " item per line, dates may be Excel serial
numbers, and the paragraph number starts the text ("26.1 Ensure ..."). A row's identity
is its OHCHR annotation id, else a hash of document symbol, paragraph and text. A row whose
`Type` is not a recommendation (a concern, an observation) is skipped and counted by type.

Formula cells are read as formulas (not their cached values) so that they are reported
as spreadsheet-formula injection instead of being silently replaced.
"""

from __future__ import annotations

import logging
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from nmrf_desktop.domain.records import RecommendationIn
from nmrf_desktop.importers.base import Parsed, merge_repeats, read_file
from nmrf_desktop.importers.uhri_cells import sdg_label, split_paragraph, to_date
from nmrf_desktop.importers.uhri_row import Row
from nmrf_desktop.importers.uhri_sheet import (
    COLUMNS,
    REQUIRED,
    check_signature,
    fail,
    find_header,
    is_blank,
    open_workbook,
    rows_of,
)

log = logging.getLogger(__name__)

__all__ = ["COLUMNS", "REQUIRED", "parse", "sdg_label", "split_paragraph", "to_date"]


def parse(path: Path) -> Parsed:
    """Read one UHRI export; every bad row is a RowProblem, a bad file is ImportFailed."""
    name = path.name
    data = read_file(path)
    check_signature(data, name)
    workbook = open_workbook(data, name)
    try:
        out = _read(workbook, name)
    finally:
        workbook.close()
    log.info("uhri %s: %d rows read, %d rejected, %d repeats merged, skipped %s", name,
             len(out.records), len(out.rejected), len(out.repeats), out.skipped)
    return out


def _read(workbook: Workbook, name: str) -> Parsed:
    rows = rows_of(workbook, name)
    header = find_header(rows, name)
    out = Parsed(layout="UHRI 'Export to Excel'")
    data_rows = 0
    for line, cells in rows:
        if is_blank(cells):
            continue
        data_rows += 1
        row = Row(cells, header, name, line, workbook.epoch, out.rejected)
        other = row.other_kind()
        if other:  # a concern or an observation: not tracked as a recommendation
            out.skipped[other] = out.skipped.get(other, 0) + 1
            continue
        rec = row.record()
        if rec is not None:
            out.records.append(rec)
    if not data_rows:
        raise fail(name, "has a header row but no data rows", header.row)
    out.records, out.repeats = merge_repeats(out.records, _describe_repeat)
    return out


def _describe_repeat(rec: RecommendationIn, first: RecommendationIn) -> str:
    what = f"{rec.document_symbol} para {rec.paragraph}" if rec.paragraph else rec.source_id
    return (f"{rec.origin[0]} row {rec.origin[1]} repeats row {first.origin[1]} "
            f"({what}): merged into one")
