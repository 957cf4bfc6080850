"""One import run in one transaction: bad rows refuse it, repeats across files merge, the
recommendations are upserted, the caller adds its own writes, and the run is recorded and
audited with the files' hashes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import ImportReport, RecommendationIn
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.services.documents import routes
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, recommendations as recs_store
from nmrf_desktop.store.models import ImportRun


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
    # Read-only, locked or a full disk: RecordNotWritten saying which; nothing was written.
    with record.unit_of_work("nothing was imported") as session:
        # Rows another route brought already (a UN document) fill it in, not duplicate.
        records, folded = routes.fold(session, records)
        counts = recs_store.upsert(session, records)
        report.created, report.updated, report.unchanged = (
            counts.created, counts.updated + folded.updated,
            counts.unchanged + folded.unchanged)
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
