"""Undo and redo of recorded work: what never left is taken back, what left is corrected.

A record whose changes are all still in the unsent change log (`store.changes`) is truly
removed by undo: its row and those changes go in one transaction, so nothing of it is ever
sent or printed; redo puts it back as new (same id and values, a new unsent change). Once
a change has left (in a bundle; at the centre, in a pack) the other side holds it, so undo
appends instead: a correcting progress entry, a cancelled action, the old values as a new
change. Either way the audit log gains an event and loses none.

Evidence files are stored once by content and may be shared: a file is deleted with the
last evidence row naming it (redo stores it again from the file first attached). Evidence
that left cannot be withdrawn from here (a bundle carries no removals), so undo keeps it
and says so.

Actions (new, edited, cancelled) are in `services.undo_actions`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.entry import (
    EvidenceRecord,
    InvalidEntry,
    ProgressDraft,
    ProgressRecord,
)
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services.entry import (
    evidence_record,
    insert_evidence,
    insert_progress,
    progress_record,
)
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.changes import drop_unsent, has_left
from nmrf_desktop.store.models import Evidence, ProgressUpdate, Recommendation
from nmrf_desktop.store.progress import refresh_status, status_without

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What an undo did."""

    REMOVED = "removed"  # it had not left: gone from the record and from the unsent log
    CORRECTED = "corrected"  # it had left: a correcting change was appended
    KEPT = "kept"  # it had left and cannot be withdrawn from here (evidence)


@dataclass(frozen=True, slots=True)
class RemovedEvidence:
    """An evidence row undo took out, with what redo needs to put it back."""

    evidence: EvidenceRecord
    agency: str


@dataclass(frozen=True, slots=True)
class ProgressUndo:
    outcome: Outcome
    update: ProgressRecord  # the update undone (removed, or the one corrected)
    correction: ProgressRecord | None = None  # the correcting entry appended


@dataclass(frozen=True, slots=True)
class EvidenceUndo:
    outcome: Outcome
    evidence: tuple[RemovedEvidence, ...]  # removed
    kept: int = 0  # evidence that had left and stays


# -- whether an undo would remove or correct (for the Undo command's text) -----------------

def progress_has_left(record: Record, update_id: str) -> bool:
    with record.reading() as session:
        return has_left(session, "progress", [update_id])


def evidence_has_left(record: Record, evidence_ids: Sequence[str]) -> bool:
    with record.reading() as session:
        return has_left(session, "evidence", evidence_ids)


# -- progress updates ----------------------------------------------------------------------

def correction_note(update: ProgressRecord) -> str:
    """The narrative of the entry correcting `update` (the desktop passes it translated)."""
    return (f"Correction: the progress update of {update.as_of.isoformat()} "
            f"(“{_short(update.narrative)}”) was entered in error and is withdrawn.")


def undo_progress(record: Record, update_id: str, note: str | None = None) -> ProgressUndo:
    """Take back one progress update, in one transaction.

    Not yet sent: the update and its unsent change are deleted and the recommendation's
    status follows the history without it. Sent: a correcting entry is appended (same as-of
    date, the status the history shows without the update, `note` as its narrative).
    """
    actor = record.actor()
    with record.unit_of_work() as session:
        row = session.get(ProgressUpdate, update_id)
        if row is None:
            raise InvalidEntry("progress", "That progress update is no longer in the record.")
        update = progress_record(row)
        details: dict[str, Any] = {"update": update.id, "status": update.status,
                                   "as_of": update.as_of.isoformat()}
        if not has_left(session, "progress", [row.id]):
            _remove_progress(session, row)
            audit.append(session, "progress.undo", actor=actor, entity="recommendation",
                         entity_id=update.recommendation_id,
                         details=details | {"outcome": Outcome.REMOVED.value})
            return ProgressUndo(Outcome.REMOVED, update)
        status = status_without(session, row.recommendation_id, row.id)
        fix = insert_progress(session, ProgressDraft(
            recommendation_id=row.recommendation_id, agency=row.agency_code,
            status=ImplementationStatus(status), narrative=note or correction_note(update),
            as_of=row.as_of, is_public=row.is_public))
        audit.append(session, "progress.undo", actor=actor, entity="recommendation",
                     entity_id=update.recommendation_id,
                     details=details | {"outcome": Outcome.CORRECTED.value,
                                        "correction": fix.id})
        return ProgressUndo(Outcome.CORRECTED, update, progress_record(fix, actor))


def redo_progress(record: Record, undone: ProgressUndo) -> ProgressRecord:
    """Put back what `undo_progress` took back; the update that now stands.

    Removed: the update again, same id and values, as a new unsent change. Corrected: the
    correcting entry is removed while it is unsent; once sent, the update is appended
    again as a new entry.
    """
    actor = record.actor()
    update = undone.update
    with record.unit_of_work() as session:
        original = session.get(ProgressUpdate, update.id)
        if undone.outcome is Outcome.REMOVED and original is not None:
            raise InvalidEntry("progress", "That progress update is already in the record.")
        fix = session.get(ProgressUpdate, undone.correction.id) if undone.correction else None
        if original is not None and fix is not None and not has_left(session, "progress",
                                                                     [fix.id]):
            _remove_progress(session, fix)
            audit.append(session, "progress.redo", actor=actor, entity="recommendation",
                         entity_id=update.recommendation_id,
                         details={"outcome": "correction removed", "update": update.id,
                                  "correction": fix.id})
            return progress_record(original)
        again = insert_progress(session, ProgressDraft(
            recommendation_id=update.recommendation_id, agency=update.agency,
            status=ImplementationStatus(update.status), narrative=update.narrative,
            as_of=update.as_of, is_public=update.is_public),
            None if original is not None else update.id)
        audit.append(session, "progress.redo", actor=actor, entity="recommendation",
                     entity_id=update.recommendation_id,
                     details={"outcome": "added", "update": again.id, "status": again.status,
                              "as_of": again.as_of.isoformat()})
        return progress_record(again, actor)


def _remove_progress(session: Session, row: ProgressUpdate) -> None:
    drop_unsent(session, "progress", [row.id])
    rec = session.get(Recommendation, row.recommendation_id)
    session.delete(row)
    session.flush()
    if rec is not None:
        refresh_status(session, rec)


# -- evidence ------------------------------------------------------------------------------

def undo_evidence(record: Record, evidence_ids: Sequence[str]) -> EvidenceUndo:
    """Take back evidence attached to a recommendation, in one transaction.

    Not yet sent: the rows and their unsent changes are deleted (and each file no other row
    names). Sent: it stays (a bundle cannot carry a removal); the result says so.
    """
    actor = record.actor()
    with record.unit_of_work() as session:
        rows = [session.get(Evidence, i) for i in evidence_ids]
        found = [r for r in rows if r is not None]
        if len(found) != len(rows):
            raise InvalidEntry("evidence", "That evidence is no longer in the record.")
        removed, kept, orphans = take_back_evidence(session, found)
        for item in removed:
            audit.append(session, "evidence.undo", actor=actor, entity="evidence",
                         entity_id=item.evidence.id,
                         details={"outcome": Outcome.REMOVED.value,
                                  "sha256": item.evidence.sha256,
                                  "name": item.evidence.display_name})
    delete_unnamed_files(record, orphans)
    return EvidenceUndo(Outcome.REMOVED if removed else Outcome.KEPT, removed, kept)


def redo_evidence(record: Record, undone: EvidenceUndo, sources: Sequence[Path] = ()
                  ) -> list[EvidenceRecord]:
    """Put back the evidence `undo_evidence` removed: same ids and values, new changes."""
    restore_files(record, undone.evidence, sources)
    actor = record.actor()
    with record.unit_of_work() as session:
        restored = put_evidence_back(session, undone.evidence)
        for item in restored:
            audit.append(session, "evidence.redo", actor=actor, entity="evidence",
                         entity_id=item.id, details={"sha256": item.sha256,
                                                     "name": item.display_name})
        return restored


def take_back_evidence(session: Session, rows: Sequence[Evidence]
                        ) -> tuple[tuple[RemovedEvidence, ...], int, list[str]]:
    """Delete the rows that have not left, with their unsent changes.

    Returns what was removed, how many stay (they left), and the files no row names now.
    """
    gone = [r for r in rows if not has_left(session, "evidence", [r.id])]
    removed = tuple(RemovedEvidence(evidence_record(r), r.agency_code or "") for r in gone)
    drop_unsent(session, "evidence", [r.id for r in gone])
    for row in gone:
        session.delete(row)
    session.flush()
    files = sorted({r.evidence.sha256 for r in removed if r.evidence.sha256})
    unnamed = [sha for sha in files if session.execute(
        select(Evidence.id).where(Evidence.sha256 == sha).limit(1)).first() is None]
    return removed, len(rows) - len(gone), unnamed


def put_evidence_back(session: Session, items: Sequence[RemovedEvidence]
                       ) -> list[EvidenceRecord]:
    out = []
    for item in items:
        ev = item.evidence
        if session.get(Evidence, ev.id) is not None:
            raise InvalidEntry("evidence", f"{ev.display_name} is already in the record.")
        row = insert_evidence(session, item.agency, {
            "action_id": ev.action_id, "recommendation_id": ev.recommendation_id,
            "is_public": ev.is_public, "sha256": ev.sha256, "size": ev.size,
            "media_type": ev.media_type, "display_name": ev.display_name, "url": ev.url},
            ev.id)
        out.append(evidence_record(row))
    return out


def delete_unnamed_files(record: Record, shas: Sequence[str]) -> None:
    """Delete evidence files that no evidence row names (checked again, after the commit)."""
    if not shas:
        return
    store = BlobStore(record.evidence_root)
    with record.reading() as session:
        named = set(session.execute(select(Evidence.sha256).where(
            Evidence.sha256.in_(list(shas)))).scalars())
    for sha in shas:
        if sha in named:
            continue
        path = store.path_for(sha)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:  # the record is right; only a stray copy is left behind
            log.warning("could not delete the evidence file %s: %s", path, exc)


def restore_files(record: Record, items: Sequence[RemovedEvidence],
                   sources: Sequence[Path]) -> None:
    """Store again each file the evidence folder no longer has, from the file attached.

    Checked before anything is written: a file that was moved or changed since it was
    attached is named in the error, and nothing changes.
    """
    store = BlobStore(record.evidence_root)
    for item in items:
        sha, name = item.evidence.sha256, item.evidence.display_name
        if not sha or store.has(sha):
            continue
        for path in sorted(sources, key=lambda p: p.name != name):
            try:
                if path.is_file() and file_sha256(path) == sha:
                    store.put_file(path)
                    break
            except OSError as exc:
                log.warning("could not read %s again: %s", path, exc)
        else:
            raise InvalidEntry("file", f"{name} cannot be put back: the file attached was "
                                       "moved or changed since. Attach it again.")


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
