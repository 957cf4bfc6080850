"""Central import of update bundles: fail closed, write nothing until every check passes.

Order of checks: archive safety, signature (registered, active key), key ↔ agency,
replay / old sequence / gap (held) / fork, content hashes, authorization; then one
transaction. A rejected bundle is recorded in the inbox with its reason and its kind
(rejections.Kind, for the remedy the inbox shows); when it failed before its signature
checked out, the agency and officer it names are read for display only and marked
unverified (rejections.read_claim). The record itself does not change.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.bundle_file import BundleRejected, VerifiedBundle, verify_bundle
from nmrf_desktop.bundles.keys import PublicKey
from nmrf_desktop.bundles.manifest import ZERO_HASH
from nmrf_desktop.faults import crashpoint, pausepoint
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services.exchange.keys import lineage, registry_lookup
from nmrf_desktop.services.exchange.rejections import Claim, Kind, kind_of, read_claim
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.merge import BadChange, MergeOutcome, Merger, Unauthorized, authorize
from nmrf_desktop.store.models import InboxEntry, MergedBundle, SigningKeyRow, utcnow

log = logging.getLogger(__name__)

MERGED, DUPLICATE, HELD, REJECTED = "merged", "already imported", "held", "rejected"
# Not the bundle's fault (a full disk): nothing changed, and importing it again may work.
FAILED = "failed"


@dataclass(slots=True)
class BundleResult:
    file: str
    status: str
    reason: str = ""
    bundle_id: str = ""
    agency: str = ""
    sequence: int | None = None
    changes: int = 0
    outcome: MergeOutcome | None = None
    released: list[BundleResult] = field(default_factory=list)
    kind: str = ""  # why it was rejected or held (rejections.Kind)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"file": self.file, "status": self.status,
                                  "reason": self.reason, "bundle_id": self.bundle_id,
                                  "agency": self.agency, "sequence": self.sequence,
                                  "changes": self.changes}
        if self.outcome:
            out |= {"applied": self.outcome.applied, "soft_conflicts": self.outcome.soft,
                    "hard_conflicts": self.outcome.hard}
        if self.released:
            out["released"] = [r.as_dict() for r in self.released]
        return out


def _lookup(session: Session):  # type: ignore[no-untyped-def]
    active = registry_lookup(session)

    def find(kid: str) -> PublicKey | None:
        key = active(kid)
        if key is None:
            row = session.get(SigningKeyRow, kid)
            if row is not None and row.status == "revoked":
                raise BundleRejected(f"signed by a revoked key ({row.officer_name}, "
                                     f"{row.agency_code}); ask the officer for a new bundle "
                                     "signed with their current key")
            if row is not None:
                raise BundleRejected("signed by a key that is not valid today")
        return key

    return find


def verify_only(record: Record, path: Path) -> BundleResult:
    """Every check, nothing written: what importing this bundle would do."""
    with record.reading() as session:
        try:
            bundle = verify_bundle(path, _lookup(session))
            status, reason = _sequence_status(session, bundle)
            authorize(session, bundle.manifest.agency, bundle.changes)
        except (BundleRejected, Unauthorized, BadChange) as exc:
            return BundleResult(str(path), REJECTED, str(exc), kind=kind_of(exc))
    m = bundle.manifest
    return BundleResult(str(path), "valid" if status == MERGED else status, reason,
                        m.bundle_id, m.agency, m.sequence, len(bundle.changes))


def _sequence_status(session: Session, bundle: VerifiedBundle) -> tuple[str, str]:
    """Replay and rollback: merge next, no-op a repeat, hold a gap, reject the rest."""
    m = bundle.manifest
    key = session.get(SigningKeyRow, bundle.key_id)
    assert key is not None
    if key.agency_code != m.agency:
        raise BundleRejected(f"the key of {key.officer_name} ({key.agency_code}) signed a "
                             f"bundle for agency {m.agency}")
    # The highest sequence is read BEFORE looking for this bundle: on PostgreSQL each
    # statement sees the latest commits, so a bundle merged by another importer in between
    # is then found below (already imported), never mistaken for an old sequence. A key
    # that replaced another (rotation) goes on from the bundles the old one signed.
    chain = lineage(session, bundle.key_id)
    last = session.execute(select(func.max(MergedBundle.sequence)).where(
        MergedBundle.key_id.in_(chain))).scalar() or 0
    pausepoint("bundle-import:last-sequence-read")
    merged = session.execute(select(MergedBundle.manifest_sha256).where(
        MergedBundle.bundle_id == m.bundle_id)).scalar()
    if merged is not None:
        if merged == bundle.manifest_sha256:
            return DUPLICATE, "this bundle was already merged; nothing changed"
        raise BundleRejected("a different bundle with the same id was already merged")
    if m.sequence <= last:
        raise BundleRejected(f"old sequence number {m.sequence} (this key's bundles up to "
                             f"{last} are merged): a replay or a rolled-back laptop")
    if m.sequence > last + 1:
        return HELD, (f"held: bundle {last + 1} from this officer has not arrived yet; it "
                      "will be merged when it does")
    expected_prev = ZERO_HASH if last == 0 else session.execute(
        select(MergedBundle.manifest_sha256).where(MergedBundle.key_id.in_(chain),
                                                   MergedBundle.sequence == last)).scalar()
    if m.previous_hash != expected_prev:
        raise BundleRejected(f"fork: bundle {m.sequence} does not follow the bundle "
                             f"{last} merged from this key")
    return MERGED, ""


def import_bundles(record: Record, paths: Sequence[Path],
                   progress: Progress = NO_PROGRESS) -> list[BundleResult]:
    """Import each bundle on its own: one bad bundle never blocks the others."""
    results = []
    progress.start(len(paths), "Importing bundles")
    for path in paths:
        results.append(import_bundle(record, Path(path)))
        progress.advance(1)
    progress.finish()
    return results


def import_bundle(record: Record, path: Path, *, name: str | None = None,
                  held_entry: str | None = None) -> BundleResult:
    """Import one bundle file. `name` is the officer's file name when `path` is a held copy;
    `held_entry` is the inbox row of a held bundle now being released."""
    actor = record.actor()
    name = name or path.name
    try:
        sha = file_sha256(path)
    except OSError as exc:
        return BundleResult(str(path), REJECTED, f"{name}: cannot be read ({exc.strerror})")
    with record.reading() as session:
        verified: VerifiedBundle | None = None  # once its signature and contents checked out
        try:
            bundle = verify_bundle(path, _lookup(session))
            verified = bundle
            status, reason = _sequence_status(session, bundle)
            if status == HELD:
                _check_fork_among_held(session, bundle)
        except (BundleRejected, Unauthorized, BadChange) as exc:
            result = BundleResult(str(path), REJECTED, str(exc), kind=kind_of(exc))
            _record_inbox(record, path, sha, result, verified, name)
            return result
    # Checked, nothing written yet: another import may commit right here.
    pausepoint("bundle-import:checked")
    m = bundle.manifest
    result = BundleResult(str(path), status, reason, m.bundle_id, m.agency, m.sequence,
                          len(bundle.changes), kind=Kind.GAP if status == HELD else "")
    if status == DUPLICATE:
        return result
    if status == HELD:
        held = record.data_root / "held" / f"{sha}.nmrfbundle"
        held.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, held)
        _record_inbox(record, held, sha, result, bundle, name)
        # The missing bundle may have been merged by another import while this one was
        # checked: then this one can follow now instead of waiting for the next import.
        result.released = _release_held(record, bundle.key_id)
        return result
    try:
        crashpoint("bundle-import:verified")
        try:
            _store_evidence(record, bundle)
        except OSError as exc:
            result.status = FAILED
            result.reason = (f"could not store its evidence files ({exc.strerror or exc}); "
                             "nothing was changed: free some disk space and import it again")
            log.error("%s: %s", name, result.reason)
            return result
        crashpoint("bundle-import:evidence-stored")
        with record.unit_of_work() as session:
            authorize(session, m.agency, bundle.changes)
            session.add(MergedBundle(bundle_id=m.bundle_id, key_id=bundle.key_id,
                                     sequence=m.sequence, bundle_sha256=sha,
                                     manifest_sha256=bundle.manifest_sha256,
                                     agency_code=m.agency))
            session.flush()
            crashpoint("bundle-import:claimed")
            result.outcome = Merger(session, m.bundle_id, m.agency, actor,
                                    bundle.key_id).apply(bundle.changes)
            if held_entry is None:
                _inbox_row(session, path, sha, result, bundle, name)
            else:
                _mark_released(session, held_entry)
            audit.append(session, "bundle.merge", actor=actor, entity="bundle",
                         entity_id=m.bundle_id, details={
                             "agency": m.agency, "sequence": m.sequence, "sha256": sha,
                             "applied": result.outcome.applied,
                             "soft": result.outcome.soft, "hard": result.outcome.hard})
            session.flush()
            crashpoint("bundle-import:before-commit")
    except IntegrityError:
        # Another import merged this bundle, or another bundle with its sequence number,
        # at the same moment: the same bundle is a no-op, a different one is a fork.
        with record.reading() as session:
            merged = session.get(MergedBundle, m.bundle_id)
            same = merged is not None and merged.manifest_sha256 == bundle.manifest_sha256
        if same:
            result.status, result.reason = DUPLICATE, "merged by another import at the same time"
            return result
        result = BundleResult(str(path), REJECTED, f"fork: another bundle {m.sequence} from "
                              "this key was merged at the same moment", m.bundle_id, m.agency,
                              m.sequence, kind=Kind.FORK)
        _record_inbox(record, path, sha, result, bundle, name)
        return result
    except (Unauthorized, BadChange, BundleRejected) as exc:
        result = BundleResult(str(path), REJECTED, str(exc), m.bundle_id, m.agency, m.sequence,
                              kind=kind_of(exc))
        _record_inbox(record, path, sha, result, bundle, name)
        return result
    result.released = _release_held(record, bundle.key_id)
    return result


def _check_fork_among_held(session: Session, bundle: VerifiedBundle) -> None:
    clash = session.execute(select(InboxEntry).where(
        InboxEntry.key_id == bundle.key_id, InboxEntry.sequence == bundle.manifest.sequence,
        InboxEntry.status == HELD, InboxEntry.bundle_id != bundle.manifest.bundle_id)).first()
    if clash:
        raise BundleRejected(f"fork: another bundle {bundle.manifest.sequence} from this key "
                             "is already waiting")


def _store_evidence(record: Record, bundle: VerifiedBundle) -> None:
    blobs = BlobStore(record.evidence_root)
    for entry in bundle.manifest.evidence:
        if blobs.has(entry.sha256):
            continue
        stored = blobs.put_stream(_Chunks(bundle.evidence_stream(entry.sha256)))
        if stored.sha256 != entry.sha256:
            raise BundleRejected(f"evidence {entry.display_name!r} changed while importing")


class _Chunks:
    """A file-like `read()` over an iterator of byte blocks."""

    def __init__(self, blocks) -> None:  # type: ignore[no-untyped-def]
        self._blocks = iter(blocks)

    def read(self, _size: int = -1) -> bytes:
        return next(self._blocks, b"")


def _release_held(record: Record, key_id: str) -> list[BundleResult]:
    """After a merge, the next held bundle from the same key may now follow."""
    with record.reading() as session:
        last = session.execute(select(func.max(MergedBundle.sequence)).where(
            MergedBundle.key_id.in_(lineage(session, key_id)))).scalar() or 0
        waiting = session.execute(select(InboxEntry).where(
            InboxEntry.key_id == key_id, InboxEntry.sequence == last + 1,
            InboxEntry.status == HELD)).scalars().first()
    if waiting is None:
        return []
    held_path = Path(json.loads(waiting.manifest).get("_held_path", ""))
    return [import_bundle(record, held_path, name=waiting.file_name, held_entry=waiting.id)]


def _mark_released(session: Session, entry_id: str) -> None:
    row = session.get(InboxEntry, entry_id)
    if row is not None:
        row.status, row.decided_at = MERGED, utcnow()
        row.reason = "held until the missing bundle arrived, then merged"


def _inbox_row(session: Session, path: Path, sha: str, result: BundleResult,
               bundle: VerifiedBundle | None, name: str, claim: Claim | None = None) -> None:
    manifest: dict[str, object] = {}
    sequence: int | None
    if bundle is not None:
        m = bundle.manifest
        manifest = json.loads(m.to_bytes())
        manifest["_held_path"] = str(path)
        bundle_id, key_id, agency, officer = m.bundle_id, bundle.key_id, m.agency, m.officer
        sequence, changes = m.sequence, result.changes or len(bundle.changes)
    else:  # refused before its signature checked out: what it names, for display only
        bundle_id, key_id = (claim.bundle_id, claim.key_id) if claim else ("", "")
        agency, officer = (claim.agency, claim.officer) if claim else ("", "")
        sequence, changes = (claim.sequence if claim else None), result.changes
        if claim:
            manifest["_claim"] = claim.as_json()
    session.add(InboxEntry(
        file_sha256=sha, file_name=name, bundle_id=result.bundle_id or bundle_id,
        key_id=key_id, agency_code=result.agency or agency, officer=officer,
        sequence=result.sequence if result.sequence is not None else sequence,
        status=result.status, reason=result.reason,
        manifest=json.dumps(manifest, ensure_ascii=False), change_count=changes,
        decided_at=utcnow(), reason_kind=result.kind,
        identity_verified=bundle is not None))


def _record_inbox(record: Record, path: Path, sha: str, result: BundleResult,
                  bundle: VerifiedBundle | None, name: str) -> None:
    actor = record.actor()
    # Read before the write transaction opens: the envelope may be large.
    claim = read_claim(path) if bundle is None and result.status == REJECTED else None
    with record.unit_of_work() as session:
        _inbox_row(session, path, sha, result, bundle, name, claim)
        audit.append(session, f"bundle.{result.status}", actor=actor, entity="bundle",
                     entity_id=result.bundle_id or sha,
                     details={"file": name, "reason": result.reason})
