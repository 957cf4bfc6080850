"""Apply a document read: its recommendations written in one transaction, idempotent.

New recommendations go through the importers' own path (import_run: upsert, search index,
import run with the file's hash, audit); those the record holds already, by any route, are
filled in instead of duplicated; treaty-body follow-up and important paragraphs are
flagged, and the follow-up deadline and next report's due date go in the calendar.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nmrf_desktop.domain.records import ImportReport
from nmrf_desktop.domain.upr import BODIES
from nmrf_desktop.importers.documents.model import DocumentPreview, DocumentRecommendation
from nmrf_desktop.services import calendar
from nmrf_desktop.services.documents import filling
from nmrf_desktop.services.documents.plan import (
    Outcome,
    Reading,
    candidates,
    match,
    plan_one,
    readings,
)
from nmrf_desktop.services.import_run import ImportWrite, import_transaction
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import recommendations as recs_store
from nmrf_desktop.store.models import Recommendation

log = logging.getLogger(__name__)

SOURCE = "document"
_FIRST_DAY, _LAST_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


@dataclass(slots=True)
class ApplyResult:
    """What an apply did (or, `nothing_changed`, that it had nothing to do)."""

    file: str
    symbol: str
    created: list[str] = field(default_factory=list)  # references
    filled: dict[str, list[str]] = field(default_factory=dict)  # reference -> what
    unchanged: int = 0
    not_found: list[str] = field(default_factory=list)  # paragraphs with nothing to fill
    flagged: int = 0  # recommendations newly marked for follow-up or importance
    calendar: list[str] = field(default_factory=list)  # "added follow-up due 2027-03-01"
    warnings: list[str] = field(default_factory=list)

    @property
    def nothing_changed(self) -> bool:
        return not (self.created or self.filled or self.calendar)

    def summary(self) -> str:
        """One line in English (the command line's)."""
        if self.nothing_changed:
            return (f"{Path(self.file).name}: already applied, nothing changed "
                    f"({self.unchanged} recommendation(s) held)")
        return (f"created {len(self.created)}, filled in {len(self.filled)}, "
                f"unchanged {self.unchanged}, not found {len(self.not_found)}, "
                f"calendar entries {len(self.calendar)}")

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "symbol": self.symbol, "created": self.created,
                "filled": self.filled, "unchanged": self.unchanged,
                "not_found": self.not_found, "flagged": self.flagged,
                "calendar": self.calendar, "warnings": self.warnings,
                "nothing_changed": self.nothing_changed}


class _NothingToDo(Exception):
    """Raised inside the transaction so that an apply with nothing to do writes nothing."""


def apply(record: Record, preview: DocumentPreview, *, excluded: Collection[int] = (),
          edits: Mapping[int, DocumentRecommendation] | None = None,
          progress: Progress = NO_PROGRESS) -> ApplyResult:
    """Write the document's recommendations (all but `excluded`, with `edits`) at once.

    DocumentRefused when it cannot be applied as read; RecordNotWritten when the database
    cannot take the write. Either way nothing is written. A second apply of the same
    document finds everything held and writes nothing (`nothing_changed`).
    """
    items = readings(preview, excluded=excluded, edits=edits)
    result = ApplyResult(preview.file, preview.document.symbol,
                         warnings=list(preview.warnings))
    report = ImportReport(source=SOURCE, files=[preview.file])
    progress.start(len(items) + 2, "Applying the document")
    try:
        with import_transaction(record, report, [], [Path(preview.file)],
                                skip_bad_rows=False) as write:
            ids = _write(write, items, result, progress)
            _calendar(write, preview, items, ids, result)
            if result.nothing_changed:
                raise _NothingToDo
            report.created, report.updated = len(result.created), len(result.filled)
            report.unchanged = result.unchanged
            d = preview.document
            write.details.update({
                "document": {"symbol": d.symbol, "kind": d.kind.value, "body": d.body,
                             "country": d.country},
                "created_references": result.created[:200],
                "filled": dict(list(result.filled.items())[:200]),
                "not_found": result.not_found[:200], "flagged": result.flagged,
                "calendar": result.calendar, "excluded": len(excluded)})
    except _NothingToDo:
        pass
    progress.finish()
    log.info("document %s applied: %s", Path(preview.file).name, result.summary())
    return result


def _write(write: ImportWrite, items: list[Reading], result: ApplyResult,
           progress: Progress) -> dict[int, list[str]]:
    """Create or fill in each reading; return reading index -> ids of its recommendations."""
    session = write.session
    found = candidates(session, items)
    ids: dict[int, list[str]] = {}
    new: list[Reading] = []
    for item in items:
        planned = plan_one(session, found, item)
        if planned.outcome is Outcome.NEW:
            new.append(item)
        elif planned.outcome is Outcome.NOT_FOUND:
            result.not_found.append(item.rec.paragraph)
        else:
            held = match(found, item)
            ids[item.index] = [h.id for h in held]
            for h in held:
                what = filling.fill(session, h.id, item.rec, follow_up=item.follow_up,
                                    important=item.important)
                if what:
                    result.filled.setdefault(h.reference, []).extend(
                        w for w in what if w not in result.filled.get(h.reference, []))
                    result.flagged += bool({"follow-up", "particular importance"} & set(what))
                else:
                    result.unchanged += 1
        progress.advance(1)
    if new:
        recs_store.upsert(session, [i.rec for i in new])
        for item in new:
            rid = recs_store.stable_id(SOURCE, item.rec.source_id)
            ids[item.index] = [rid]
            row = session.get(Recommendation, rid)
            if row is None:  # merged into an earlier reading of the same paragraph
                continue
            result.created.append(row.reference)
            if item.follow_up or item.important:
                row.follow_up = row.follow_up or item.follow_up
                row.important = row.important or item.important
                result.flagged += 1
        session.flush()
    progress.advance(1)
    return ids


def _calendar(write: ImportWrite, preview: DocumentPreview, items: list[Reading],
              ids: dict[int, list[str]], result: ApplyResult) -> None:
    """The follow-up deadline and the next report's due date, covering their
    recommendations; a date that cannot be a reporting date is a warning, not an entry."""
    if not items:
        return
    body = items[0].rec.body
    symbol = preview.document.symbol or Path(preview.file).name
    if body not in BODIES:
        if preview.follow_up_due or preview.next_report_due:
            result.warnings.append(f"{body} is not a UN body the calendar knows: its dates "
                                   "were not put in the reporting calendar")
        return
    wanted = []
    if preview.follow_up_due:
        paras = ", ".join(preview.follow_up_paragraphs)
        follow = [i for item in items if item.follow_up for i in ids.get(item.index, [])]
        wanted.append((calendar.CalendarKind.FOLLOW_UP, preview.follow_up_due,
                       f"Follow-up to {symbol}" + (f" (paragraphs {paras})" if paras else ""),
                       follow))
    if preview.next_report_due:
        every = [i for item in items for i in ids.get(item.index, [])]
        kind = (calendar.CalendarKind.UPR_MID_TERM if body == "UPR"
                else calendar.CalendarKind.PERIODIC_REPORT)
        wanted.append((kind, preview.next_report_due, f"Next report after {symbol}", every))
    for kind, due, title, covered in wanted:
        if not _FIRST_DAY <= due <= _LAST_DAY:
            result.warnings.append(f"{due.isoformat()} is not a plausible reporting date: "
                                   f"'{title}' was not put in the calendar")
            continue
        done = calendar.ensure_entry(write.session, write.actor, body=body, kind=kind,
                                     due_on=due, title=title, ids=covered)
        if done:
            result.calendar.append(f"{done} {calendar.KIND_LABELS[kind].lower()} due "
                                   f"{due.isoformat()}")
