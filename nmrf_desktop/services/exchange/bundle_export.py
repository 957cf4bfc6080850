"""Exporting an update bundle on the laptop: every unsent change, signed, one file."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update

from nmrf_desktop.bundles.bundle_file import EvidenceDamaged, changes_blob, write_bundle
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ZERO_HASH, BundleManifest, ChangeLine, EvidenceEntry
from nmrf_desktop.faults import crashpoint
from nmrf_desktop.services.exchange.agency import export_refusal, laptop_agency
from nmrf_desktop.services.exchange.packs import PACK_ID, PACK_VERSION
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.models import AuditEvent, Change, Evidence, SentBundle, Setting, utcnow

SEQUENCE = "bundle_sequence"
LAST_HASH = "last_bundle_manifest_sha256"


class NothingToSend(Exception):
    """There are no unsent changes."""


class ExportRefused(ValueError):
    """The bundle cannot be made; the message says why."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    bundle_id: str
    sequence: int
    path: Path
    sha256: str  # of the signed manifest: the bundle's identity in the officer's chain
    changes: int
    evidence: int


def unsent_count(record: Record) -> int:
    """Changes not yet in any bundle (the badge in the officer's window)."""
    with record.reading() as session:
        return int(session.execute(select(func.count()).select_from(Change)
                                   .where(Change.bundle_id.is_(None))).scalar_one())


def awaiting_ack_count(record: Record) -> int:
    with record.reading() as session:
        return int(session.execute(select(func.count()).select_from(Change).where(
            Change.bundle_id.is_not(None), Change.acknowledged.is_(False))).scalar_one())


def export_bundle(record: Record, out: Path, key: SigningKey) -> ExportResult:
    """Write every unsent change (and its evidence files) to a signed bundle at `out`.

    The file is written first (temp name, fsync, rename); only then does one transaction
    mark the changes as sent. A crash in between leaves nothing marked as exported. The
    bundle's agency is the laptop's (`agency.laptop_agency`: the policy's, if it sets one).
    """
    agency = laptop_agency(record)  # the organisation's policy decides it, if it sets one
    if not agency:
        raise ExportRefused("this laptop has no agency yet: import your agency's pack first")
    refusal = export_refusal(record)  # never under one agency with another agency's changes
    if refusal:
        raise ExportRefused(refusal)
    blobs = BlobStore(record.evidence_root)
    with record.reading() as session:
        rows = session.execute(select(Change).where(Change.bundle_id.is_(None))
                               .order_by(Change.seq)).scalars().all()
        if not rows:
            raise NothingToSend("there are no unsent changes")
        lines = [ChangeLine(r.change_id, r.entity, r.entity_id, r.op, json.loads(r.fields),
                            r.base_version) for r in rows]
        evidence_ids = [r.entity_id for r in rows if r.entity == "evidence"]
        files = session.execute(select(Evidence.sha256, Evidence.size, Evidence.media_type,
                                       Evidence.display_name)
                                .where(Evidence.id.in_(evidence_ids),
                                       Evidence.sha256.is_not(None))).all()
        audit_head = session.execute(select(AuditEvent.hash).order_by(
            AuditEvent.seq.desc()).limit(1)).scalar() or ZERO_HASH
        last_seq = max(int(record.setting(SEQUENCE, "0")), session.execute(
            select(func.max(SentBundle.sequence))).scalar() or 0)
    entries: dict[str, EvidenceEntry] = {}
    paths: list[tuple[str, Path]] = []
    for sha, size, media_type, name in files:
        if sha in entries:
            continue
        if not blobs.has(sha):
            raise ExportRefused(f"evidence file {name!r} is missing from the evidence "
                                "folder; attach it again")
        entries[sha] = EvidenceEntry(sha, size, media_type, name)
        paths.append((sha, blobs.path_for(sha)))
    blob, count = changes_blob(lines)
    manifest = BundleManifest(
        bundle_id=str(uuid.uuid4()), agency=agency, officer=record.actor(),
        device=platform.node()[:200], key_id=key.id, sequence=last_seq + 1,
        previous_hash=record.setting(LAST_HASH) or ZERO_HASH,
        pack_id=record.setting(PACK_ID), pack_version=int(record.setting(PACK_VERSION, "0")),
        changes_sha256=hashlib.sha256(blob).hexdigest(), changes_size=len(blob),
        changes_count=count, evidence=tuple(entries.values()), audit_head=audit_head,
        created_at=utcnow().replace(microsecond=0).isoformat())
    try:
        manifest_sha = write_bundle(out, manifest, blob, paths, key)
    except EvidenceDamaged as exc:
        raise ExportRefused(f"{exc}; it was damaged on disk: attach it again") from None
    crashpoint("bundle-export:file-written")
    kept = record.data_root / "sent" / f"{manifest.bundle_id}.nmrfbundle"
    kept.parent.mkdir(parents=True, exist_ok=True)
    _keep_copy(out, kept)
    actor = record.actor()
    with record.unit_of_work() as session:
        session.execute(update(Change).where(Change.seq.in_([r.seq for r in rows]))
                        .values(bundle_id=manifest.bundle_id))
        session.add(SentBundle(bundle_id=manifest.bundle_id, sequence=manifest.sequence,
                               sha256=manifest_sha, manifest_sha256=manifest_sha,
                               change_count=count, path=str(kept)))
        session.merge(Setting(key=SEQUENCE, value=str(manifest.sequence)))
        session.merge(Setting(key=LAST_HASH, value=manifest_sha))
        audit.append(session, "bundle.export", actor=actor, entity="bundle",
                     entity_id=manifest.bundle_id,
                     details={"sequence": manifest.sequence, "changes": count,
                              "evidence": len(entries), "manifest_sha256": manifest_sha})
        session.flush()
        crashpoint("bundle-export:before-commit")
    return ExportResult(manifest.bundle_id, manifest.sequence, out, manifest_sha, count,
                        len(entries))


def _keep_copy(out: Path, kept: Path) -> None:
    """Keep the sent bundle for re-export: a hard link where possible, else a copy."""
    try:
        os.link(out, kept)
    except OSError:
        shutil.copyfile(out, kept)


def reexport_bundle(record: Record, bundle_id: str, out: Path) -> Path:
    """Write an already-sent bundle again, byte for byte (if the first copy was lost)."""
    with record.reading() as session:
        sent = session.get(SentBundle, bundle_id)
    if sent is None:
        raise ExportRefused(f"no sent bundle {bundle_id}")
    shutil.copyfile(sent.path, out)
    return out
