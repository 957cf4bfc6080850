"""Read functions for the coordinator's bundle inbox, and the all-agencies pack run."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from nmrf_desktop.bundles.keys import SigningKey, fingerprint
from nmrf_desktop.services.exchange.packs import export_pack
from nmrf_desktop.services.progress import NO_PROGRESS, Cancelled, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import Agency, AppliedChange, Assignment, InboxEntry, SigningKeyRow

log = logging.getLogger(__name__)

# The statuses an inbox row can have (bundle_import writes them).
STATUSES = ("merged", "held", "rejected", "already imported", "released")


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One bundle file the secretariat received, and what became of it."""

    id: str
    status: str
    reason: str
    file: str
    agency: str
    officer: str
    sequence: int | None
    changes: int
    received_at: dt.datetime
    bundle_id: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    display_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class InboxDetail:
    """The contents of one inbox entry, from the manifest stored when it arrived."""

    row: InboxRow
    file_sha256: str
    key_id: str
    key_fingerprint: str
    key_owner: str
    device: str
    created_at: str
    pack_version: int | None
    previous_hash: str
    evidence: tuple[EvidenceItem, ...] = ()
    outcomes: dict[str, int] = field(default_factory=dict)
    decided_at: dt.datetime | None = None


def _row(e: InboxEntry) -> InboxRow:
    return InboxRow(e.id, e.status, e.reason, e.file_name, e.agency_code, e.officer,
                    e.sequence, e.change_count, e.received_at, e.bundle_id)


def list_inbox(record: Record, status: str | None = None) -> list[InboxRow]:
    """Every bundle received, newest first (or only those with `status`)."""
    with record.reading() as session:
        stmt = select(InboxEntry).order_by(InboxEntry.received_at.desc(), InboxEntry.id)
        if status:
            stmt = stmt.where(InboxEntry.status == status)
        return [_row(e) for e in session.execute(stmt).scalars()]


def inbox_detail(record: Record, entry_id: str) -> InboxDetail | None:
    """What one bundle held: signer, device, sequence, evidence files, per-change outcomes."""
    with record.reading() as session:
        e = session.get(InboxEntry, entry_id)
        if e is None:
            return None
        try:
            manifest: dict[str, Any] = json.loads(e.manifest or "{}")
        except json.JSONDecodeError:
            log.warning("inbox entry %s has an unreadable manifest", entry_id)
            manifest = {}
        key = session.get(SigningKeyRow, e.key_id) if e.key_id else None
        outcomes: dict[str, int] = {}
        if e.bundle_id and e.status in ("merged", "released"):
            outcomes = dict(Counter(session.execute(select(AppliedChange.outcome).where(
                AppliedChange.bundle_id == e.bundle_id)).scalars()))
        evidence = tuple(
            EvidenceItem(str(x.get("display_name", "")), str(x.get("media_type", "")),
                         int(x.get("size", 0)), str(x.get("sha256", "")))
            for x in manifest.get("evidence", []) if isinstance(x, dict))
        pack_version = manifest.get("pack_version")
        return InboxDetail(
            row=_row(e), file_sha256=e.file_sha256, key_id=e.key_id,
            key_fingerprint=fingerprint(e.key_id) if e.key_id else "",
            key_owner=(f"{key.officer_name} ({key.agency_code or 'central'})" if key else ""),
            device=str(manifest.get("device", "")),
            created_at=str(manifest.get("created_at", "")),
            pack_version=pack_version if isinstance(pack_version, int) else None,
            previous_hash=str(manifest.get("previous_hash", "")),
            evidence=evidence, outcomes=outcomes, decided_at=e.decided_at)


def pack_agencies(record: Record) -> list[tuple[str, str]]:
    """The agencies with at least one active assignment (code, English name): one pack each."""
    with record.reading() as session:
        rows = session.execute(
            select(Agency.code, Agency.name_en).join(
                Assignment, Assignment.agency_code == Agency.code)
            .where(Assignment.active.is_(True))
            .group_by(Agency.code, Agency.name_en)
            .having(func.count(Assignment.id) > 0)
            .order_by(Agency.code)).all()
    return [(code, name) for code, name in rows]


def pack_file_name(agency: str, when: dt.date | None = None) -> str:
    return f"{agency}-{(when or dt.date.today()).isoformat()}.nmrfpack"


@dataclass(slots=True)
class PackRun:
    """What an all-agencies pack run wrote, and whether it was stopped part way."""

    written: list[dict[str, Any]] = field(default_factory=list)
    agencies: int = 0
    cancelled: bool = False


def export_all_packs(record: Record, folder: Path, key: SigningKey, *,
                     valid_days: int = 90, progress: Progress = NO_PROGRESS) -> PackRun:
    """One signed pack per agency with assignments, into `folder`.

    Each pack is its own transaction. `progress.advance` between agencies may raise
    `Cancelled`: the packs already written (and recorded as issued) stay, the rest are
    not made, and the run says it was cancelled.
    """
    agencies = pack_agencies(record)
    folder.mkdir(parents=True, exist_ok=True)
    run = PackRun(agencies=len(agencies))
    progress.start(len(agencies), "Exporting packs")
    try:
        for code, _name in agencies:
            run.written.append(export_pack(record, code, folder / pack_file_name(code), key,
                                           valid_days))
            log.info("wrote the pack for %s", code)
            progress.advance(1)
    except Cancelled:
        run.cancelled = True
    finally:
        progress.finish()
    return run
