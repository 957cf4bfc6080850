"""What a backup holds, read from its manifest (or, for an old backup, its one database file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop.services.backup.manifest import (
    DATABASE,
    MANIFEST,
    REFUSED,
    read as read_manifest,
)


@dataclass(frozen=True, slots=True)
class Contents:
    """A backup's contents as its manifest states them (describe() hashes nothing)."""

    path: Path
    database_only: bool  # an old backup: the database file alone
    reason: str  # "manual", "daily", "close"…
    database_bytes: int
    evidence_files: int = 0
    evidence_bytes: int = 0
    key_files: int = 0
    bundle_files: int = 0
    bundle_bytes: int = 0
    copied_bytes: int = 0  # written when it was made…
    linked_bytes: int = 0  # …and shared with an earlier backup by hard links
    gaps: tuple[str, ...] = ()  # what was already missing or damaged when it was made
    refused: int = 0  # of those, database rows naming a file by something not a SHA-256

    @property
    def total_bytes(self) -> int:
        return self.database_bytes + self.evidence_bytes + self.bundle_bytes

    def summary(self) -> str:
        """One line for the command line and the log."""
        if self.database_only:
            return f"database only ({_size(self.database_bytes)}; an old-format backup)"
        text = (f"database ({_size(self.database_bytes)}), "
                f"{counted(self.evidence_files, 'evidence file')} "
                f"({_size(self.evidence_bytes)}), {counted(self.key_files, 'key file')}, "
                f"{counted(self.bundle_files, 'bundle file')} ({_size(self.bundle_bytes)})")
        if self.linked_bytes:
            text += f"; {_size(self.linked_bytes)} shared with an earlier backup"
        if len(self.gaps) > self.refused:
            text += f"; INCOMPLETE: {len(self.gaps) - self.refused} missing"
        if self.refused:
            text += (f"; {counted(self.refused, 'evidence row')} refused (a hash that is not "
                     "one: not followed)")
        return text


def describe(backup: Path | str) -> Contents:
    """What a backup (folder, its manifest.json, or old database file) holds; ManifestProblem
    when its manifest cannot be read."""
    path = Path(backup).expanduser().resolve()
    if path.name == MANIFEST and path.is_file():
        path = path.parent
    reason = path.stem.rsplit("-", 1)[-1] if path.stem.count("-") >= 2 else ""
    if path.is_file():
        return Contents(path, True, reason, path.stat().st_size)
    manifest = read_manifest(path)
    evidence = manifest.of_kind("evidence").values()
    bundles = [*manifest.of_kind("held").values(), *manifest.of_kind("sent").values()]
    return Contents(path, False, manifest.reason, manifest.files[DATABASE].size,
                    len(evidence), sum(e.size for e in evidence), len(manifest.of_kind("keys")),
                    len(bundles), sum(e.size for e in bundles), manifest.copied_bytes,
                    manifest.linked_bytes, tuple(g.describe() for g in manifest.gaps),
                    sum(g.reason == REFUSED for g in manifest.gaps))


def counted(n: int, noun: str) -> str:
    """`n` and an English noun, plural unless one: "1 key file", "3 key files"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return counted(count, "byte") if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return counted(count, "byte")
