"""Read functions for the coordinator's bundle inbox, and the all-agencies pack run.

A rejected row a later merge settled (rejections.settlements) is listed as SETTLED,
"rejected, then merged", and is not among the rejected rows still needing action.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.keys import SigningKey, fingerprint
from nmrf_desktop.services.exchange.packs import export_pack
from nmrf_desktop.services.exchange.rejections import (
    Claim,
    Kind,
    Settlement,
    clean_text,
    settlements,
    stored_kind,
)
from nmrf_desktop.services.progress import NO_PROGRESS, Cancelled, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import (
    Agency,
    AppliedChange,
    Assignment,
    InboxEntry,
    MergedBundle,
    SigningKeyRow,
)

log = logging.getLogger(__name__)

# The statuses an inbox row can have (bundle_import writes them).
STATUSES = ("merged", "held", "rejected", "already imported", "released")
HELD, REJECTED = "held", "rejected"
# Shown, not stored: a rejected row that a later merge settled.
SETTLED = "settled"


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
    kind: Kind | None = None  # why it was rejected or held
    verified: bool = True  # False: agency and officer are what an unverified bundle names
    settled: Settlement | None = None  # the later merge that settled a rejection
    waiting_for: int | None = None  # held: the sequence number it waits for
    file_sha256: str = ""

    @property
    def shown_status(self) -> str:
        """The status as listed: SETTLED for a rejection a later merge settled."""
        return SETTLED if self.status == REJECTED and self.settled else self.status

    @property
    def needs_action(self) -> bool:
        return self.status == REJECTED and self.settled is None


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
    key_status: str  # the registry's status of the key it names: active, revoked, "" unknown
    device: str
    created_at: str
    pack_version: int | None
    previous_hash: str
    evidence: tuple[EvidenceItem, ...] = ()
    outcomes: dict[str, int] = field(default_factory=dict)
    decided_at: dt.datetime | None = None


def _row(e: InboxEntry, settled: Settlement | None = None,
         waiting_for: int | None = None) -> InboxRow:
    kind = stored_kind(e.reason_kind, e.reason) if e.status in (HELD, REJECTED) else None
    return InboxRow(e.id, e.status, e.reason, e.file_name, e.agency_code, e.officer,
                    e.sequence, e.change_count, e.received_at, e.bundle_id, kind,
                    bool(e.identity_verified), settled, waiting_for, e.file_sha256)


def _waiting_for(session: Session, entries: list[InboxEntry]) -> dict[str, int]:
    """For each held entry, the sequence its key needs next (the last merged + 1)."""
    keys = {e.key_id for e in entries if e.status == HELD and e.key_id}
    if not keys:
        return {}
    last = dict(session.execute(
        select(MergedBundle.key_id, func.max(MergedBundle.sequence))
        .where(MergedBundle.key_id.in_(keys)).group_by(MergedBundle.key_id)).tuples().all())
    return {e.id: int(last.get(e.key_id) or 0) + 1 for e in entries
            if e.status == HELD and e.key_id}


def list_inbox(record: Record, status: str | None = None) -> list[InboxRow]:
    """Every bundle received, newest first (or only those with `status`).

    `status` REJECTED lists the rejections still needing action; SETTLED, the rejections a
    later merge settled.
    """
    with record.reading() as session:
        stmt = select(InboxEntry).order_by(InboxEntry.received_at.desc(), InboxEntry.id)
        if status:
            stmt = stmt.where(InboxEntry.status == (REJECTED if status == SETTLED else status))
        entries = list(session.execute(stmt).scalars())
        settled = settlements(session, [e.id for e in entries if e.status == REJECTED])
        waiting = _waiting_for(session, entries)
        rows = [_row(e, settled.get(e.id), waiting.get(e.id)) for e in entries]
    return [r for r in rows if not status or r.shown_status == status]


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
        settled = settlements(session, [e.id]).get(e.id) if e.status == REJECTED else None
        waiting = _waiting_for(session, [e]).get(e.id)
        claim = _claim(manifest) if not e.identity_verified else Claim()
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
            row=_row(e, settled, waiting), file_sha256=e.file_sha256, key_id=e.key_id,
            key_fingerprint=fingerprint(e.key_id) if e.key_id else "",
            key_owner=(f"{key.officer_name} ({key.agency_code or 'central'})" if key else ""),
            key_status=key.status if key else "",
            device=claim.device if not e.identity_verified else str(manifest.get("device", "")),
            created_at=str(manifest.get("created_at", "")),
            pack_version=pack_version if isinstance(pack_version, int) else None,
            previous_hash=str(manifest.get("previous_hash", "")),
            evidence=evidence, outcomes=outcomes, decided_at=e.decided_at)


def _claim(manifest: dict[str, Any]) -> Claim:
    """The display fields an unverified bundle named, as bundle_import stored them."""
    raw = manifest.get("_claim")
    if not isinstance(raw, dict):
        return Claim()
    return Claim(device=clean_text(raw.get("device"), 100))


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
