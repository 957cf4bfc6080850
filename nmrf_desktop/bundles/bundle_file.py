"""Update bundle files: write one atomically; read one back, verifying everything first.

    bundle.zip
      envelope.json      DSSE envelope over the manifest (payload type BUNDLE_TYPE)
      changes.jsonl      one change per line, as listed (hash, size, count) in the manifest
      evidence/<sha256>  evidence files named by their hash, listed in the manifest
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop.bundles.archive import DEFAULT_LIMITS, Limits, SafeZip, UnsafeArchive
from nmrf_desktop.bundles.envelope import BUNDLE_TYPE, SignatureRejected, open_envelope, sign
from nmrf_desktop.bundles.keys import PublicKey, SigningKey
from nmrf_desktop.bundles.manifest import BundleManifest, ChangeLine
from nmrf_desktop.bundles.strict_json import BadDocument
from nmrf_desktop.faults import crashpoint
from nmrf_desktop.files import atomic_write

ENVELOPE = "envelope.json"
CHANGES = "changes.jsonl"
EVIDENCE_DIR = "evidence/"
MAX_ENVELOPE = 16 * 1024 * 1024
MAX_CHANGES = 256 * 1024 * 1024


class BundleRejected(ValueError):
    """The bundle failed a check; the message is fit to show a coordinator."""


def changes_blob(changes: Iterable[ChangeLine]) -> tuple[bytes, int]:
    lines = [c.to_json() for c in changes]
    return b"".join(line + b"\n" for line in lines), len(lines)


class _ForwardOnly:
    """A file that zipfile may only append to: it then streams each member with a data
    descriptor instead of seeking back to patch headers (nothing is written twice)."""

    def __init__(self, raw) -> None:  # type: ignore[no-untyped-def]
        self._raw = raw
        self._position = 0

    def write(self, data: bytes) -> int:
        self._raw.write(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        self._raw.flush()


def write_bundle(out: Path, manifest: BundleManifest, changes: bytes,
                 evidence_files: Sequence[tuple[str, Path]], key: SigningKey) -> str:
    """Write the signed bundle to `out` (temp file, fsync, rename); return the SHA-256 of
    its signed manifest, the bundle's identity in the officer's chain.

    Each evidence file is read once: streamed into the archive while its hash is checked
    against the name it is listed under, so a file damaged on disk never leaves.
    """
    envelope = sign(BUNDLE_TYPE, manifest.to_bytes(), key)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as raw:
        with zipfile.ZipFile(_ForwardOnly(raw), "w", zipfile.ZIP_STORED) as zf:  # type: ignore[call-overload]
            zf.writestr(_info(ENVELOPE, zipfile.ZIP_DEFLATED), envelope)
            zf.writestr(_info(CHANGES, zipfile.ZIP_DEFLATED), changes)
            for sha, path in evidence_files:
                _add_evidence(zf, sha, path)
        raw.flush()
        crashpoint("bundle-file:written")
    return hashlib.sha256(manifest.to_bytes()).hexdigest()


class EvidenceDamaged(ValueError):
    """An evidence file on disk no longer matches its hash."""


def _add_evidence(zf: zipfile.ZipFile, sha: str, path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as src, zf.open(_info(EVIDENCE_DIR + sha, zipfile.ZIP_STORED),
                                         "w", force_zip64=True) as dest:
        while block := src.read(1 << 20):
            digest.update(block)
            dest.write(block)
    if digest.hexdigest() != sha:
        raise EvidenceDamaged(f"evidence file {path.name} does not match its hash {sha[:12]}…")


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    return info


@dataclass(slots=True)
class VerifiedBundle:
    """A bundle whose signature, manifest, change log and evidence all checked out."""

    path: Path
    manifest: BundleManifest
    manifest_sha256: str
    key_id: str
    changes: list[ChangeLine]

    def evidence_stream(self, sha: str):  # type: ignore[no-untyped-def]
        """Open the bundle again and stream one evidence member (for storing it)."""
        with SafeZip(self.path) as z:
            yield from z.stream(EVIDENCE_DIR + sha)


def read_envelope(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[SafeZip, bytes]:
    """Structural archive checks, then the raw envelope bytes (still unverified)."""
    try:
        archive = SafeZip(path, limits=limits)
    except UnsafeArchive as exc:
        raise BundleRejected(f"unsafe archive: {exc}") from None
    try:
        return archive, archive.read(ENVELOPE, MAX_ENVELOPE)
    except UnsafeArchive as exc:
        archive.close()
        raise BundleRejected(f"unsafe archive: {exc}") from None


def verify_bundle(path: Path, find_key: Callable[[str], PublicKey | None],
                  limits: Limits = DEFAULT_LIMITS) -> VerifiedBundle:
    """Every check that needs no database: archive, signature, manifest, hashes.

    Authorization, replay and sequence checks need the central record and come after.
    """

    archive, envelope = read_envelope(path, limits)
    with archive:
        try:
            key_id, payload = open_envelope(envelope, BUNDLE_TYPE, find_key)
            manifest = BundleManifest.from_bytes(payload)
        except (SignatureRejected, BadDocument) as exc:
            raise BundleRejected(str(exc)) from None
        if manifest.key_id != key_id:
            raise BundleRejected("the manifest names another key than the one that signed it")
        expected = {ENVELOPE, CHANGES} | {EVIDENCE_DIR + e.sha256 for e in manifest.evidence}
        names = set(archive.names)
        if names - expected:
            extra = sorted(names - expected)[0]
            raise BundleRejected(f"unsafe archive: member {extra!r} is not listed in the "
                                 "signed manifest")
        if expected - names:
            raise BundleRejected(f"member {sorted(expected - names)[0]!r} is listed in the "
                                 "manifest but missing from the archive")
        try:
            changes = _read_changes(archive, manifest)
            for entry in manifest.evidence:
                sha, size = archive.sha256(EVIDENCE_DIR + entry.sha256)
                if sha != entry.sha256 or size != entry.size:
                    raise BundleRejected(f"evidence {entry.display_name!r} does not match its "
                                         "hash: the file was altered")
        except UnsafeArchive as exc:
            raise BundleRejected(f"unsafe archive: {exc}") from None
    return VerifiedBundle(path, manifest,
                          hashlib.sha256(payload).hexdigest(), key_id, changes)


def _read_changes(archive: SafeZip, manifest: BundleManifest) -> list[ChangeLine]:
    blob = archive.read(CHANGES, min(MAX_CHANGES, manifest.changes_size))
    if hashlib.sha256(blob).hexdigest() != manifest.changes_sha256 or \
            len(blob) != manifest.changes_size:
        raise BundleRejected("the change log does not match the signed manifest")
    lines = blob.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != manifest.changes_count:
        raise BundleRejected("the change log has another number of changes than signed")
    try:
        changes = [ChangeLine.parse(line, i + 1) for i, line in enumerate(lines)]
    except BadDocument as exc:
        raise BundleRejected(str(exc)) from None
    ids = [c.change_id for c in changes]
    if len(set(ids)) != len(ids):
        raise BundleRejected("the change log repeats a change id")
    return changes
