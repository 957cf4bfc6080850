"""Exporting an update bundle on the laptop: every unsent change, signed, one file that
never replaces another unasked; the bundles sent, and any of them saved again."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import shutil
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.bundle_file import (
    EvidenceDamaged,
    changes_blob,
    read_envelope,
    write_bundle,
)
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ZERO_HASH, BundleManifest, ChangeLine, EvidenceEntry
from nmrf_desktop.bundles.strict_json import loads
from nmrf_desktop.faults import crashpoint
from nmrf_desktop.files import OWNER_ONLY, atomic_write, free_name, fsync_dir, private_folder
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services.exchange.agency import export_refusal, laptop_agency
from nmrf_desktop.services.exchange.packs import PACK_ID, PACK_VERSION, registered_name
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.models import AuditEvent, Change, Evidence, SentBundle, Setting, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

SEQUENCE = "bundle_sequence"
LAST_HASH = "last_bundle_manifest_sha256"
SUFFIX = ".nmrfbundle"
AGENCY_CHARS = 16  # the parts of a bundle's file name are capped: with the sequence and
OFFICER_CHARS = 40  # the suffix, a name stays well under 255 bytes even in 4-byte letters
_DROPPED = "'\u2019"  # apostrophes join the letters they stand between (O'Brien: OBrien)


class NothingToSend(Exception):
    """There are no unsent changes."""


class ExportRefused(ValueError):
    """The bundle cannot be made; the message says why."""


class TargetExists(ExportRefused):
    """The file chosen for a bundle exists; it is replaced only when asked to."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; nothing was written")
        self.path = path


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


# -- file names -------------------------------------------------------------------------


def next_sequence(record: Record) -> int:
    """The sequence number the next bundle from this laptop will carry."""
    with record.reading() as session:
        return _next_sequence(record, session)


def _next_sequence(record: Record, session: Session) -> int:
    last = session.execute(select(func.max(SentBundle.sequence))).scalar() or 0
    return max(int(record.setting(SEQUENCE, "0")), last) + 1


def name_part(text: str, limit: int) -> str:
    """`text` fit to be part of a file name on Windows, macOS and Linux: its letters (ā, ē,
    ī, ō, ū kept, composed) and digits, each run of anything else one "-", at most `limit`
    characters, never a letter cut from its accent."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        kind = unicodedata.category(char)[0]
        if kind in "LN" or (kind == "M" and kept and kept[-1] != "-"):
            kept.append(char)
        elif char not in _DROPPED and kept and kept[-1] != "-":
            kept.append("-")
    name = "".join(kept).strip("-")
    if len(name) > limit:
        cut = limit
        while cut > 0 and unicodedata.category(name[cut])[0] == "M":
            cut -= 1
        name = name[:cut].rstrip("-")
    return name


def bundle_file_name(agency: str, officer: str, sequence: int) -> str:
    """The bundle's own file name, which no other bundle has: `MOJ-Aroha-Ngata-00012.nmrfbundle`
    (agency, officer, the laptop's sequence number)."""
    parts = (name_part(agency, AGENCY_CHARS) or "nmrf", name_part(officer, OFFICER_CHARS),
             f"{sequence:05d}")
    return "-".join(p for p in parts if p) + SUFFIX


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `-3`, … when something already has that name."""
    suffix = SUFFIX if name.endswith(SUFFIX) else ""
    return free_name(folder, name[:len(name) - len(suffix)], suffix)


def check_out(out: Path, *, replace: bool = False) -> None:
    """Refuse (ExportRefused, naming it) a place no bundle can be written to: a folder that
    does not exist or cannot be written to, or an existing file unless `replace` is true
    (TargetExists). A folder that exists is fine: the bundle is named inside it."""
    folder = out if out.is_dir() else out.parent
    if not out.is_dir():
        if os.path.lexists(out) and not out.is_file():
            raise ExportRefused(f"{out} is not a file; nothing was written")
        if os.path.lexists(out) and not replace:
            raise TargetExists(out)
        if not folder.is_dir():
            if folder.exists():
                raise ExportRefused(f"{folder} is not a folder; nothing was written")
            raise ExportRefused(f"the folder {folder} does not exist; nothing was written")
    if not os.access(folder, os.W_OK):
        raise ExportRefused(f"the folder {folder} cannot be written to; nothing was written")


def bundle_target(out: Path, name: str, *, replace: bool = False) -> Path:
    """Where a bundle is written: `out`, or a free name inside `out` when it is a folder."""
    check_out(out, replace=replace)
    return free_path(out, name) if out.is_dir() else out


def _write_new(out: Path, replace: bool, write: Callable[[Path], T]) -> T:
    """Have `write` make a finished file beside `out`, then put it in place: over `out`
    only if `replace`, else as a new file (a hard link, which fails if `out` appeared
    meanwhile). Nothing is left behind on failure; returns what `write` returned."""
    part = out.parent / f".nmrf-{uuid.uuid4().hex[:12]}.partial"
    try:
        made = write(part)
        if replace:
            os.replace(part, out)
        else:
            try:
                os.link(part, out)
            except FileExistsError:
                raise TargetExists(out) from None
            except OSError:  # no hard links there (a FAT stick, some network shares)
                if os.path.lexists(out):
                    raise TargetExists(out) from None
                os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    fsync_dir(out.parent)
    return made


def _not_written(exc: OSError, out: Path) -> str:
    failed = Path(exc.filename) if exc.filename else out
    reason = (exc.strerror or str(exc)).lower()
    if failed.parent == out.parent or failed == out.parent:
        return f"{out} could not be written ({reason}); nothing was written"
    return f"{failed} could not be read ({reason}); nothing was written"


# -- export -------------------------------------------------------------------------------


def export_bundle(record: Record, out: Path, key: SigningKey, *,
                  replace: bool = False) -> ExportResult:
    """Write every unsent change (and its evidence files) to a signed bundle at `out`.

    `out` is the file, or a folder in which the bundle gets its own name
    (`bundle_file_name`). An existing file is refused (TargetExists: nothing written,
    nothing marked sent) unless `replace` is true. The file is written first (temp name,
    fsync, rename); only then does one transaction mark the changes as sent. A crash in
    between leaves nothing marked as exported. The bundle's agency is the laptop's
    (`agency.laptop_agency`: the policy's, if it sets one).
    """
    agency = laptop_agency(record)  # the organisation's policy decides it, if it sets one
    if not agency:
        raise ExportRefused("this laptop has no agency yet: import your agency's pack first")
    refusal = export_refusal(record)  # never under one agency with another agency's changes
    if refusal:
        raise ExportRefused(refusal)
    check_out(Path(out), replace=replace)
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
        sequence = _next_sequence(record, session)
    # The name the centre registered this key under (the last pack says it): a bundle
    # naming anyone else is refused there. Before any pack has said, the officer's own.
    officer = registered_name(record, key.id) or record.actor()
    target = bundle_target(Path(out), bundle_file_name(agency, officer, sequence),
                           replace=replace)
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
        bundle_id=str(uuid.uuid4()), agency=agency, officer=officer,
        device=platform.node()[:200], key_id=key.id, sequence=sequence,
        previous_hash=record.setting(LAST_HASH) or ZERO_HASH,
        pack_id=record.setting(PACK_ID), pack_version=int(record.setting(PACK_VERSION, "0")),
        changes_sha256=hashlib.sha256(blob).hexdigest(), changes_size=len(blob),
        changes_count=count, evidence=tuple(entries.values()), audit_head=audit_head,
        created_at=utcnow().replace(microsecond=0).isoformat())
    def write(part: Path) -> tuple[str, str]:
        # The file's own hash too: what a copy saved again must match, byte for byte.
        return write_bundle(part, manifest, blob, paths, key), file_sha256(part)

    try:
        manifest_sha, file_sha = _write_new(target, replace, write)
    except EvidenceDamaged as exc:
        raise ExportRefused(f"{exc}; it was damaged on disk: attach it again") from None
    except OSError as exc:
        raise ExportRefused(_not_written(exc, target)) from None
    crashpoint("bundle-export:file-written")
    kept = record.data_root / "sent" / f"{manifest.bundle_id}{SUFFIX}"
    private_folder(kept.parent)
    _keep_copy(target, kept)
    actor = officer
    with record.unit_of_work() as session:
        session.execute(update(Change).where(Change.seq.in_([r.seq for r in rows]))
                        .values(bundle_id=manifest.bundle_id))
        session.add(SentBundle(bundle_id=manifest.bundle_id, sequence=manifest.sequence,
                               sha256=file_sha, manifest_sha256=manifest_sha,
                               change_count=count, path=str(kept)))
        session.merge(Setting(key=SEQUENCE, value=str(manifest.sequence)))
        session.merge(Setting(key=LAST_HASH, value=manifest_sha))
        audit.append(session, "bundle.export", actor=actor, entity="bundle",
                     entity_id=manifest.bundle_id,
                     details={"sequence": manifest.sequence, "changes": count,
                              "evidence": len(entries), "manifest_sha256": manifest_sha,
                              "agency": agency, "file": target.name})
        session.flush()
        crashpoint("bundle-export:before-commit")
    return ExportResult(manifest.bundle_id, manifest.sequence, target, manifest_sha, count,
                        len(entries))


def _keep_copy(out: Path, kept: Path) -> None:
    """Keep the sent bundle for re-export: a hard link where possible, else a copy (the
    owner's only, like the bundle)."""
    try:
        os.link(out, kept)
    except OSError:
        shutil.copyfile(out, kept)
        os.chmod(kept, OWNER_ONLY)


# -- the bundles sent ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentRow:
    """One bundle this laptop sent, as the officer's Sent list shows it."""

    bundle_id: str
    sequence: int
    sent_at: dt.datetime  # UTC
    changes: int
    evidence: int | None  # evidence files in it (None: not recorded)
    file_name: str  # its own name: the one it is saved again under
    acknowledged: bool  # a pack from the centre acknowledged it
    kept: bool  # this laptop still holds its copy (it can be saved again)


def sent_bundles(record: Record, bundle_id: str | None = None) -> list[SentRow]:
    """Every bundle this laptop sent (or only `bundle_id`), newest first. The officer and
    agency of its name are those its export recorded (older exports: the laptop's)."""
    agency = laptop_agency(record) or ""
    query = (select(SentBundle, AuditEvent.actor, AuditEvent.details)
             .outerjoin(AuditEvent, (AuditEvent.event == "bundle.export")
                        & (AuditEvent.entity_id == SentBundle.bundle_id))
             .order_by(SentBundle.sequence.desc()))
    if bundle_id is not None:
        query = query.where(SentBundle.bundle_id == bundle_id)
    with record.reading() as session:
        found = session.execute(query).all()
    officer = record.actor()
    rows: list[SentRow] = []
    for sent, actor, details in found:
        facts = json.loads(details) if details else {}
        evidence = facts.get("evidence")
        name = bundle_file_name(facts.get("agency", agency), actor or officer, sent.sequence)
        rows.append(SentRow(sent.bundle_id, sent.sequence, sent.created_at, sent.change_count,
                            evidence if isinstance(evidence, int) else None, name,
                            sent.acknowledged, bool(sent.path) and Path(sent.path).is_file()))
    return rows


def _kept_copy(sent: SentBundle) -> Path:
    """This laptop's copy of a sent bundle, checked: its signed manifest is the one sent
    and every member reads back whole (the copy's own hash is checked as it is copied)."""
    kept = Path(sent.path)
    if not sent.path or not kept.is_file():
        raise ExportRefused(f"bundle {sent.sequence} cannot be saved again: this laptop's "
                            f"copy {kept} is missing")
    try:
        archive, envelope = read_envelope(kept)
        archive.close()
        payload = base64.b64decode(loads(envelope, "envelope")["payload"], validate=True)
        with zipfile.ZipFile(kept) as zf:
            broken = zf.testzip()
    except (ValueError, KeyError, TypeError, EOFError, NotImplementedError, zlib.error,
            zipfile.BadZipFile, OSError) as exc:  # whatever a damaged archive raises
        raise ExportRefused(f"bundle {sent.sequence} cannot be saved again: this laptop's "
                            f"copy {kept} is damaged ({exc})") from None
    if broken is not None or hashlib.sha256(payload).hexdigest() != sent.manifest_sha256:
        raise ExportRefused(f"bundle {sent.sequence} cannot be saved again: this laptop's "
                            f"copy {kept} is damaged")
    return kept


def reexport_bundle(record: Record, bundle_id: str, out: Path, *,
                    replace: bool = False) -> Path:
    """Write an already-sent bundle again, byte for byte (if the first copy was lost).

    `out` is the file, or a folder in which it gets its own name (`SentRow.file_name`); an
    existing file is refused (TargetExists) unless `replace` is true. Returns the path.
    """
    with record.reading() as session:
        sent = session.get(SentBundle, bundle_id)
    if sent is None:
        raise ExportRefused(f"no sent bundle {bundle_id}")
    check_out(Path(out), replace=replace)
    kept = _kept_copy(sent)
    name = sent_bundles(record, bundle_id)[0].file_name
    target = bundle_target(Path(out), name, replace=replace)

    def copy(part: Path) -> str:
        digest = hashlib.sha256()
        with kept.open("rb") as src, atomic_write(part) as dest:
            while block := src.read(1 << 20):
                digest.update(block)
                dest.write(block)
            # Bundles exported before the file's own hash was kept name their manifest's.
            if sent.sha256 not in (sent.manifest_sha256, digest.hexdigest()):
                raise ExportRefused(f"bundle {sent.sequence} cannot be saved again: this "
                                    f"laptop's copy {kept} is damaged (it differs from the "
                                    "file sent)")
        return digest.hexdigest()

    try:
        _write_new(target, replace, copy)
    except OSError as exc:
        raise ExportRefused(_not_written(exc, target)) from None
    log.info("saved bundle %s again to %s", sent.sequence, target)
    return target
