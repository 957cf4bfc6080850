"""Import use case: read files with an importer, then write them in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from nmrf_desktop.domain.records import ImportReport, RecommendationIn
from nmrf_desktop.importers import template, uhri, upr_info
from nmrf_desktop.importers.base import Parsed
from nmrf_desktop.services.import_run import import_transaction
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workbook.importing import import_workbooks

log = logging.getLogger(__name__)

KINDS = ("upr-info", "uhri", "xlsx")


def _parser(kind: str, encoding: str | None) -> Callable[[Path], Parsed]:
    if kind == "upr-info":
        return lambda p: upr_info.parse(p, encoding)
    if kind == "uhri":
        return uhri.parse
    if kind == "xlsx":
        return template.parse_recommendations
    raise ValueError(f"unknown import kind {kind!r} (expected one of {', '.join(KINDS)})")


def import_files(record: Record, kind: str, paths: Sequence[Path], *,
                 skip_bad_rows: bool = False, encoding: str | None = None,
                 progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import every file, or nothing: bad rows reject the whole import unless skipped.

    All files are parsed and checked before the database is touched; the writes then
    happen in one transaction, so a killed process leaves the record as it was.
    """
    if kind == "xlsx":  # the product's workbook: its Progress sheet may add updates
        return import_workbooks(record, paths, skip_bad_rows=skip_bad_rows, progress=progress)
    parse = _parser(kind, encoding)
    report = ImportReport(source=kind, files=[str(p) for p in paths])
    records: list[RecommendationIn] = []
    progress.start(len(paths) + 1, "Reading files")
    for path in paths:
        parsed = parse(Path(path))
        records += parsed.records
        report.rejected += parsed.rejected
        report.repeats += parsed.repeats
        if parsed.layout:
            report.layouts[Path(path).name] = parsed.layout
        for kind_of_row, count in parsed.skipped.items():
            report.skipped[kind_of_row] = report.skipped.get(kind_of_row, 0) + count
        progress.advance(1)
    with import_transaction(record, report, records, paths, skip_bad_rows=skip_bad_rows):
        pass  # the recommendations are all this import writes
    progress.advance(1)
    progress.finish()
    log.info("import %s: %s", kind, report.as_dict() | {"rejected": len(report.rejected)})
    return report
