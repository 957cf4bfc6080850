"""A backup folder's manifest.json: every file it holds with its SHA-256 and size, read strictly."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop import __version__
from nmrf_desktop.files import open_regular

FORMAT = "nmrf-desktop-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
MAX_MANIFEST = 1 << 30  # a million evidence files list in about 200 MB

_HEX64 = re.compile(r"[0-9a-f]{64}")
# One level of 256 folders (not the store's two): a backup's tree is made anew each time, and
# fewer folders make it cheaper to write, fsync and delete.
_EVIDENCE = re.compile(r"evidence/([0-9a-f]{2})/([0-9a-f]{64})")
# Keys, held and sent bundles keep their own plain names ('<key id>.pem', '<uuid>.nmrfbundle',
# '<key id>.pem.from-backup-<time>'): no folder, no leading dot, nothing a file system reads
# as a path or a stream.
_PLAIN = re.compile(r"(keys|held|sent)/([A-Za-z0-9][A-Za-z0-9._-]{0,199})")
KINDS = ("database", "evidence", "keys", "held", "sent")
REFUSED = "refused"  # a gap whose database row names no file the backup may follow


class ManifestProblem(ValueError):
    """The manifest is missing, unreadable or names something a backup cannot hold."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the database needs that was not there to back up (it was already lost)."""

    kind: str  # "evidence" or "key"
    name: str  # the evidence file's SHA-256, or the key id
    label: str  # the evidence file's display name, or the setting naming the key
    reason: str  # "missing", "damaged", or REFUSED (a hash that is not one: never followed)
    where: str  # the path it should have been at

    def describe(self) -> str:
        if self.reason == REFUSED:
            return (f"evidence row {self.label or '(no name)'} names the file {self.name!r}, "
                    "which is not a SHA-256: not followed, not backed up")
        if self.kind == "evidence":
            return (f"evidence file {self.label or '(no name)'} ({self.name}) was {self.reason}"
                    f" at {self.where} when the backup was made")
        return f"signing key {self.name} ({self.label}) was {self.reason} at {self.where}"


@dataclass(frozen=True)
class Manifest:
    created: str
    reason: str
    database: str  # the database file it was made from
    files: dict[str, FileEntry]
    gaps: tuple[Gap, ...] = ()
    copied_bytes: int = 0
    linked_bytes: int = 0
    app_version: str = __version__

    def of_kind(self, kind: str) -> dict[str, FileEntry]:
        return {rel: e for rel, e in self.files.items() if kind_of(rel) == kind}

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION, "created": self.created,
                "reason": self.reason, "database": self.database,
                "app_version": self.app_version,
                "files": {rel: {"sha256": e.sha256, "size": e.size}
                          for rel, e in sorted(self.files.items())},
                "gaps": [{"kind": g.kind, "name": g.name, "label": g.label,
                          "reason": g.reason, "where": g.where} for g in self.gaps],
                "copied_bytes": self.copied_bytes, "linked_bytes": self.linked_bytes}
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def kind_of(rel: str) -> str | None:
    """What a path inside a backup holds ('database', 'evidence', 'keys', 'held', 'sent'),
    or None when a backup may not hold such a path (absolute, '..', anything else)."""
    if rel == DATABASE:
        return "database"
    found = _EVIDENCE.fullmatch(rel)
    if found:
        head, sha = found.groups()
        return "evidence" if sha[:2] == head else None
    plain = _PLAIN.fullmatch(rel)
    return plain.group(1) if plain else None


def is_sha256(value: str) -> bool:
    """True for 64 lowercase hex digits and nothing else (a name that cannot be a path)."""
    return _HEX64.fullmatch(value) is not None


def evidence_path(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ManifestProblem(f"{sha256!r} is not a SHA-256: no file of a backup has it")
    return f"evidence/{sha256[:2]}/{sha256}"


def write(folder: Path, manifest: Manifest) -> None:
    """Write manifest.json last, flushed to disk: its presence marks a complete backup."""
    path = folder / MANIFEST
    with path.open("wb") as fh:
        fh.write(manifest.to_json())
        fh.flush()
        os.fsync(fh.fileno())


def read(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`; ManifestProblem naming the file if it is bad."""
    path = folder / MANIFEST
    try:
        with open_regular(path) as fh:
            raw = fh.read(MAX_MANIFEST + 1)
    except FileNotFoundError:
        raise ManifestProblem(f"{folder}: not a backup ({MANIFEST} is missing)") from None
    except OSError as exc:
        raise ManifestProblem(f"{path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_MANIFEST:
        raise ManifestProblem(f"{path}: over {MAX_MANIFEST:,} bytes, not a backup manifest")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestProblem(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestProblem(f"{path}: not an NMRF Desktop backup manifest")
    if data.get("version") != VERSION:
        raise ManifestProblem(f"{path}: backup format version {data.get('version')!r} is "
                              "unknown to this version of NMRF Desktop")
    files = _files(path, data.get("files"))
    if DATABASE not in files:
        raise ManifestProblem(f"{path}: lists no {DATABASE}")
    try:
        gaps = tuple(Gap(str(g["kind"]), str(g["name"]), str(g["label"]), str(g["reason"]),
                         str(g["where"])) for g in data.get("gaps", []))
        return Manifest(str(data["created"]), str(data.get("reason", "")),
                        str(data.get("database", "")), files, gaps,
                        int(data.get("copied_bytes", 0)), int(data.get("linked_bytes", 0)),
                        str(data.get("app_version", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestProblem(f"{path}: malformed ({exc!r})") from None


def _files(path: Path, listed: object) -> dict[str, FileEntry]:
    if not isinstance(listed, dict):
        raise ManifestProblem(f"{path}: 'files' is not a table of files")
    files: dict[str, FileEntry] = {}
    for rel, entry in listed.items():
        if not isinstance(rel, str) or kind_of(rel) is None:
            raise ManifestProblem(f"{path}: lists {rel!r}, which a backup may not hold")
        if not isinstance(entry, dict):
            raise ManifestProblem(f"{path}: the entry for {rel} is malformed")
        sha, size = entry.get("sha256"), entry.get("size")
        if not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            raise ManifestProblem(f"{path}: the SHA-256 of {rel} is malformed")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ManifestProblem(f"{path}: the size of {rel} is malformed")
        if kind_of(rel) == "evidence" and rel.rsplit("/", 1)[1] != sha:
            raise ManifestProblem(f"{path}: {rel} is listed with another file's hash")
        files[rel] = FileEntry(sha, size)
    return files


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"{key!r} is listed twice")
        seen[key] = value
    return seen
