"""Import use case: read files with an importer, then write them in one transaction."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from ..domain.records import ImportReport, RecommendationIn
from ..hashing import file_sha256
from ..importers import template, uhri, upr_info
from ..importers.base import ImportFailed, Parsed
from ..store import audit
from ..store import recommendations as recs_store
from ..store.models import ImportRun
from .progress import NO_PROGRESS, Progress
from .record import Record

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
        from .workbook_import import import_workbooks

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
        progress.advance(1)
    with import_transaction(record, report, records, paths, skip_bad_rows=skip_bad_rows):
        pass  # the recommendations are all this import writes
    progress.advance(1)
    progress.finish()
    log.info("import %s: %s", kind, report.as_dict() | {"rejected": len(report.rejected)})
    return report


@dataclass(slots=True)
class ImportWrite:
    """An import's open transaction: its session, who imports, and audit details to add."""

    session: Session
    actor: str
    details: dict[str, object] = field(default_factory=dict)


@contextmanager
def import_transaction(record: Record, report: ImportReport,
                       records: list[RecommendationIn], paths: Sequence[Path], *,
                       skip_bad_rows: bool) -> Iterator[ImportWrite]:
    """Write an import read from `paths` in one transaction, the caller's writes inside.

    Bad rows refuse it (unless skipped); repeats across files are merged into one; then
    the recommendations are upserted (counts into `report`), the caller writes what else
    it imports, and the run is recorded with the files' hashes and an audit event.
    """
    if report.rejected and not skip_bad_rows:
        raise ImportFailed(report.rejected)
    records, cross_repeats = _merge_across_files(records)
    report.repeats += cross_repeats
    file_hashes = [{"file": Path(p).name, "sha256": file_sha256(Path(p))} for p in paths]
    actor = record.actor()
    with record.unit_of_work() as session:
        counts = recs_store.upsert(session, records)
        report.created, report.updated, report.unchanged = (
            counts.created, counts.updated, counts.unchanged)
        write = ImportWrite(session, actor)
        yield write
        session.add(ImportRun(source=report.source, files=json.dumps(file_hashes),
                              report=json.dumps(report.as_dict(), ensure_ascii=False)))
        audit.append(session, "import", actor=actor, entity="import",
                     details={"source": report.source, "files": file_hashes,
                              "created": report.created, "updated": report.updated,
                              "unchanged": report.unchanged}
                     | write.details
                     | {"rejected": len(report.rejected),
                        "repeats_merged": len(report.repeats)})


def _merge_across_files(records: list[RecommendationIn]
                        ) -> tuple[list[RecommendationIn], list[str]]:
    seen: dict[tuple[str, str], RecommendationIn] = {}
    repeats: list[str] = []
    out: list[RecommendationIn] = []
    for rec in records:
        key = (rec.source.value, rec.source_id)
        if key in seen:
            first = seen[key]
            repeats.append(f"{rec.origin[0]} row {rec.origin[1]} repeats {first.origin[0]} "
                           f"row {first.origin[1]}: merged into one")
            continue
        seen[key] = rec
        out.append(rec)
    return out, repeats
