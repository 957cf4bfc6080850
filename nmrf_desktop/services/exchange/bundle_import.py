"""Central import of update bundles: fail closed, write nothing until every check passes.

Order of checks: archive safety, signature (registered, active key), key ↔ agency,
replay / old sequence / gap (held) / fork, content hashes, authorization; then one
transaction. A rejected bundle is recorded in the inbox with its reason and its kind
(rejections.Kind, for the remedy the inbox shows); when it failed before its signature
checked out, the agency and officer it names are read for display only and marked
unverified (rejections.read_claim). The record itself does not change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.bundle_file import BundleRejected, VerifiedBundle, verify_bundle
from nmrf_desktop.bundles.keys import PublicKey
from nmrf_desktop.bundles.manifest import ZERO_HASH
from nmrf_desktop.faults import crashpoint, pausepoint
from nmrf_desktop.files import NotAFile, check_regular, open_regular, private_copy
from nmrf_desktop.hashing import BLOCK
from nmrf_desktop.services.exchange.keys import lineage, registry_lookup
from nmrf_desktop.services.exchange.rejections import (
    AGENCY_CAP,
    NAME_CAP,
    Claim,
    Kind,
    clean_text,
    kind_of,
    read_claim,
)
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.merge import (
    MAX_INT64,
    BadChange,
    MergeOutcome,
    Merger,
    Unauthorized,
    authorize,
)
from nmrf_desktop.store.models import (
    Evidence,
    InboxEntry,
    IssuedPack,
    MergedBundle,
    SigningKeyRow,
    utcnow,
)

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
    try:
        check_regular(path)
    except OSError as exc:
        return BundleResult(str(path), REJECTED, _unreadable(path.name, exc),
                            kind=Kind.UNREADABLE)
    with record.reading() as session:
        try:
            bundle = verify_bundle(path, _lookup(session))
            status, reason = _sequence_status(session, bundle)
            if status != DUPLICATE:
                _authorize(session, bundle, pending=status == HELD)
        except (BundleRejected, Unauthorized, BadChange) as exc:
            return BundleResult(str(path), REJECTED, str(exc), kind=kind_of(exc))
    m = bundle.manifest
    return BundleResult(str(path), "valid" if status == MERGED else status, reason,
                        m.bundle_id, m.agency, m.sequence, len(bundle.changes))


def _unreadable(name: str, exc: OSError) -> str:
    if isinstance(exc, NotAFile):
        return f"{name}: cannot be read ({exc.strerror}); choose the bundle file itself"
    return f"{name}: cannot be read ({exc.strerror or exc})"


def same_name(name: str) -> str:
    """An officer's name as compared with the key's registered owner: Unicode NFC and runs
    of white space as one space, nothing looser (no case folding, no dropped macrons)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _check_signer(session: Session, bundle: VerifiedBundle, key: SigningKeyRow) -> None:
    """The key speaks for the agency and the officer the manifest names, and the bundle
    was made against a pack this central record issued to that agency."""
    m = bundle.manifest
    if key.agency_code != m.agency:
        raise BundleRejected(f"the key of {key.officer_name} ({key.agency_code}) signed a "
                             f"bundle for agency {clean_text(m.agency, AGENCY_CAP)}")
    if same_name(m.officer) != same_name(key.officer_name):
        raise BundleRejected(f"the bundle names officer {clean_text(m.officer, NAME_CAP)!r}, "
                             f"but its key is registered to {key.officer_name!r}")
    for what, value in (("sequence", m.sequence), ("pack_version", m.pack_version)):
        if value > MAX_INT64:
            raise BundleRejected(f"manifest {what} {value} is out of range")
    issued = session.get(IssuedPack, (m.agency, m.pack_version)) if m.pack_id else None
    if issued is None:
        raise BundleRejected(f"the bundle was made against pack version {m.pack_version} of "
                             f"{m.agency}, which this central record never issued: the "
                             "laptop must import a pack from this secretariat first")
    # Packs issued before the id was kept (0011) are matched on agency and version only.
    if issued.pack_id is not None and issued.pack_id != m.pack_id:
        raise BundleRejected(f"the bundle was made against a pack of another central record "
                             f"(pack {clean_text(m.pack_id, 40)!r}, not the version "
                             f"{m.pack_version} this record issued to {m.agency})")


def _authorize(session: Session, bundle: VerifiedBundle, *, pending: bool = False) -> None:
    carried = {e.sha256: e.size for e in bundle.manifest.evidence}
    authorize(session, bundle.manifest.agency, bundle.changes, carried=carried,
              pending=pending)


def _sequence_status(session: Session, bundle: VerifiedBundle) -> tuple[str, str]:
    """Replay and rollback: merge next, no-op a repeat, hold a gap, reject the rest."""
    m = bundle.manifest
    key = session.get(SigningKeyRow, bundle.key_id)
    assert key is not None
    _check_signer(session, bundle, key)
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


def import_bundle(record: Record, path: Path, *, name: str | None = None) -> BundleResult:
    """Import one bundle file (`name`: the officer's file name when `path` is a copy); then
    the bundles held for it from the same key, in order (`released`)."""
    result, key_id = _import_one(record, path, name or path.name)
    if key_id is not None:
        result.released = _release_held(record, key_id)
    return result


def _import_one(record: Record, path: Path, name: str, held_entry: str | None = None
                ) -> tuple[BundleResult, str | None]:
    """Import one bundle without releasing others; with the key whose held bundles may now
    follow (None when nothing was merged or held). `held_entry` is the inbox row of a
    held bundle now being released: it is updated, not added again."""
    actor = record.actor()
    try:
        sha = _file_sha256(path)
    except OSError as exc:
        result = BundleResult(str(path), REJECTED, _unreadable(name, exc),
                              kind=Kind.UNREADABLE)
        if held_entry is not None:
            _settle_held(record, held_entry, result)
        return result, None
    with record.reading() as session:
        verified: VerifiedBundle | None = None  # once its signature and contents checked out
        try:
            bundle = verify_bundle(path, _lookup(session))
            verified = bundle
            status, reason = _sequence_status(session, bundle)
            if status == HELD:
                _check_fork_among_held(session, bundle)
            if status != DUPLICATE:
                # Authorized before anything is stored, a held bundle too (as far as it can
                # be without the bundles it waits for; in full again when released).
                _authorize(session, bundle, pending=status == HELD)
        except (BundleRejected, Unauthorized, BadChange) as exc:
            result = BundleResult(str(path), REJECTED, str(exc), kind=kind_of(exc))
            _record_inbox(record, path, sha, result, verified, name, held_entry)
            return result, None
    # Checked, nothing written yet: another import may commit right here.
    pausepoint("bundle-import:checked")
    m = bundle.manifest
    result = BundleResult(str(path), status, reason, m.bundle_id, m.agency, m.sequence,
                          len(bundle.changes), kind=Kind.GAP if status == HELD else "")
    if status == DUPLICATE:
        return result, None
    if status == HELD:
        held = record.data_root / "held" / f"{sha}.nmrfbundle"
        private_copy(path, held)  # owner-only, like all of the record's files
        _record_inbox(record, held, sha, result, bundle, name)
        # The missing bundle may have been merged by another import while this one was
        # checked: then this one can follow now instead of waiting for the next import.
        return result, bundle.key_id
    stored = _NewBlobs(BlobStore(record.evidence_root))
    committed = False
    try:
        crashpoint("bundle-import:verified")
        try:
            _store_evidence(bundle, stored)
        except OSError as exc:
            result.status = FAILED
            result.reason = (f"could not store its evidence files ({exc.strerror or exc}); "
                             "nothing was changed: free some disk space and import it again")
            log.error("%s: %s", name, result.reason)
            return result, None
        crashpoint("bundle-import:evidence-stored")
        pausepoint("bundle-import:evidence-stored")
        with record.unit_of_work() as session:
            _authorize(session, bundle)  # again: the record may have changed meanwhile
            session.add(MergedBundle(bundle_id=m.bundle_id, key_id=bundle.key_id,
                                     sequence=m.sequence, bundle_sha256=sha,
                                     manifest_sha256=bundle.manifest_sha256,
                                     agency_code=m.agency))
            session.flush()
            crashpoint("bundle-import:claimed")
            result.outcome = Merger(session, m.bundle_id, m.agency, actor,
                                    bundle.key_id, officer=m.officer).apply(bundle.changes)
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
        committed = True
    except IntegrityError:
        # Another import merged this bundle, or another bundle with its sequence number,
        # at the same moment: the same bundle is a no-op, a different one is a fork.
        stored.forget(record)
        with record.reading() as session:
            merged = session.get(MergedBundle, m.bundle_id)
            same = merged is not None and merged.manifest_sha256 == bundle.manifest_sha256
        if same:
            result.status, result.reason = DUPLICATE, "merged by another import at the same time"
            return result, None
        result = BundleResult(str(path), REJECTED, f"fork: another bundle {m.sequence} from "
                              "this key was merged at the same moment", m.bundle_id, m.agency,
                              m.sequence, kind=Kind.FORK)
        _record_inbox(record, path, sha, result, bundle, name, held_entry)
        return result, None
    except (Unauthorized, BadChange, BundleRejected) as exc:
        stored.forget(record)
        result = BundleResult(str(path), REJECTED, str(exc), m.bundle_id, m.agency, m.sequence,
                              kind=kind_of(exc))
        _record_inbox(record, path, sha, result, bundle, name, held_entry)
        return result, None
    finally:
        if not committed:
            stored.forget(record)
    return result, bundle.key_id


def _file_sha256(path: Path) -> str:
    """The file's hash, refusing at once (NotAFile) a folder, FIFO, device or socket."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _check_fork_among_held(session: Session, bundle: VerifiedBundle) -> None:
    clash = session.execute(select(InboxEntry).where(
        InboxEntry.key_id == bundle.key_id, InboxEntry.sequence == bundle.manifest.sequence,
        InboxEntry.status == HELD, InboxEntry.bundle_id != bundle.manifest.bundle_id)).first()
    if clash:
        raise BundleRejected(f"fork: another bundle {bundle.manifest.sequence} from this key "
                             "is already waiting")


class _NewBlobs:
    """The evidence files one import stored that were not there before, and the folders it
    made for them: removed again unless the import commits (or a row refers to them)."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        self.shas: list[str] = []
        self.folders: list[Path] = []

    def put(self, sha: str, blocks: Iterator[bytes]) -> str:
        root = self.blobs.root
        target = self.blobs.path_for(sha)
        for folder in (target.parent, target.parent.parent, root / "sha256",
                       root / "incoming", root):
            if not folder.exists() and folder not in self.folders:
                self.folders.append(folder)  # deepest first: removed in this order
        stored = self.blobs.put_stream(_Chunks(blocks))
        if not stored.already_present:
            self.shas.append(stored.sha256)
        return stored.sha256

    def forget(self, record: Record) -> None:
        if not self.shas and not self.folders:
            return
        shas, self.shas = self.shas, []
        try:
            with record.reading() as session:
                kept = set(session.execute(select(Evidence.sha256).where(
                    Evidence.sha256.in_(shas))).scalars()) if shas else set()
        except Exception:  # the database is unusable: keep the files, an orphan is harmless
            log.exception("could not check which evidence files to remove")
            return
        for sha in shas:
            if sha not in kept:
                self.blobs.path_for(sha).unlink(missing_ok=True)
        folders, self.folders = sorted(self.folders, key=lambda p: len(p.parts),
                                       reverse=True), []
        for folder in folders:
            with contextlib.suppress(OSError):  # only if empty: another import may fill it
                folder.rmdir()


def _store_evidence(bundle: VerifiedBundle, stored: _NewBlobs) -> None:
    for entry in bundle.manifest.evidence:
        if stored.blobs.has(entry.sha256):
            continue
        if stored.put(entry.sha256, bundle.evidence_stream(entry.sha256)) != entry.sha256:
            raise BundleRejected(f"evidence {entry.display_name!r} changed while importing")


class _Chunks:
    """A file-like `read()` over an iterator of byte blocks."""

    def __init__(self, blocks) -> None:  # type: ignore[no-untyped-def]
        self._blocks = iter(blocks)

    def read(self, _size: int = -1) -> bytes:
        return next(self._blocks, b"")


def _release_held(record: Record, key_id: str) -> list[BundleResult]:
    """After a merge, the held bundles from the same key that now follow, one after another:
    a loop, not a recursion, however many wait."""
    released: list[BundleResult] = []
    while True:
        with record.reading() as session:
            last = session.execute(select(func.max(MergedBundle.sequence)).where(
                MergedBundle.key_id.in_(lineage(session, key_id)))).scalar() or 0
            waiting = session.execute(select(InboxEntry).where(
                InboxEntry.key_id == key_id, InboxEntry.sequence == last + 1,
                InboxEntry.status == HELD)).scalars().first()
            if waiting is None:
                return released
            entry_id, file_name = waiting.id, waiting.file_name
            held_path = Path(json.loads(waiting.manifest).get("_held_path", ""))
        result, _key = _import_one(record, held_path, file_name, held_entry=entry_id)
        released.append(result)
        if result.status != MERGED:
            return released


def _settle_held(record: Record, entry_id: str, result: BundleResult) -> None:
    """A held bundle that failed when released: its inbox row says so (and is not tried
    again), instead of a second row beside one still "held"."""
    actor = record.actor()
    with record.unit_of_work() as session:
        row = session.get(InboxEntry, entry_id)
        if row is None:
            return
        row.status, row.reason, row.reason_kind = result.status, result.reason, result.kind
        row.decided_at = utcnow()
        audit.append(session, f"bundle.{result.status}", actor=actor, entity="bundle",
                     entity_id=row.bundle_id or row.file_sha256,
                     details={"file": row.file_name, "reason": result.reason,
                              "released": True})


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
                  bundle: VerifiedBundle | None, name: str,
                  held_entry: str | None = None) -> None:
    if held_entry is not None:
        _settle_held(record, held_entry, result)
        return
    actor = record.actor()
    # Read before the write transaction opens: the envelope may be large.
    claim = read_claim(path) if bundle is None and result.status == REJECTED else None
    with record.unit_of_work() as session:
        _inbox_row(session, path, sha, result, bundle, name, claim)
        audit.append(session, f"bundle.{result.status}", actor=actor, entity="bundle",
                     entity_id=result.bundle_id or sha,
                     details={"file": name, "reason": result.reason})
