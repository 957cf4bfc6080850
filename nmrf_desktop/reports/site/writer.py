"""Writing the site into its folder: only files whose bytes changed, a manifest of what the
site wrote, and removal of the site's own pages that are gone — never anyone else's files.

Each file is written under a temporary name and renamed (a reader never sees half a page);
the folder is synced to disk once at the end, not file by file (41,000 fsyncs took minutes).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path, PurePosixPath

from nmrf_desktop.files import REPORT_MODE

log = logging.getLogger(__name__)

MANIFEST = ".nmrf-site.json"
GENERATOR = "NMRF Desktop public site"


class UnsafeFolder(Exception):
    """The output folder cannot take the site (nothing was written)."""


def check_folder(out: Path) -> tuple[set[str], bool]:
    """The files a previous publish wrote in `out` (empty for a new or empty folder), and
    whether that publish finished; refuse a file, a missing parent, or a folder holding
    anything this command did not make."""
    if out.exists() and not out.is_dir():
        raise UnsafeFolder(f"{out} exists and is not a folder")
    parent = out if out.exists() else out.parent
    if not parent.is_dir():
        raise UnsafeFolder(f"cannot write to {out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UnsafeFolder(f"cannot write to {out}: the folder {parent} is not writable")
    if not out.exists():
        return set(), False
    manifest = out / MANIFEST
    if not manifest.is_file():
        if any(out.iterdir()):
            raise UnsafeFolder(f"{out} is not empty and holds no site made by `nmrf publish`; "
                               "choose an empty or new folder")
        return set(), False
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
        files = found["files"]
        if found.get("generator") != GENERATOR or not all(isinstance(f, str) for f in files):
            raise ValueError("not this site's manifest")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnsafeFolder(f"{manifest} cannot be read ({exc}); choose an empty or new "
                           "folder") from None
    return {f for f in files if _safe(f)}, found.get("complete") is True


def _safe(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return bool(parts) and not rel.startswith("/") and ".." not in parts and \
        parts[0] != MANIFEST


class SiteWriter:
    """Puts files into `out`, counting written and unchanged; `finish` removes the previous
    site's files that were not put again and records the new manifest."""

    def __init__(self, out: Path, previous: set[str], complete: bool = False) -> None:
        self.out = out
        self.previous = previous
        self.complete = complete  # the previous publish finished (its index matches its pages)
        self.files: set[str] = set()
        self.written = 0
        self.unchanged = 0
        self.removed = 0
        self.pages_changed = False  # an HTML page written or removed: the index is stale

    def put(self, rel: str, data: bytes) -> None:
        if not _safe(rel) or rel in self.files:
            raise ValueError(f"bad or repeated site path {rel!r}")
        self.files.add(rel)
        if self._write(self.out / rel, data):
            self.written += 1
            self.pages_changed |= rel.endswith(".html")
        else:
            self.unchanged += 1

    def keep(self, prefix: str) -> bool:
        """Keep the previous site's files under `prefix` as they are (counted unchanged);
        False, keeping nothing, if any of them is missing."""
        kept = sorted(r for r in self.previous if r.startswith(prefix))
        if not self.complete or not kept or not all((self.out / r).is_file() for r in kept):
            return False
        self.files.update(kept)
        self.unchanged += len(kept)
        return True

    def _write(self, target: Path, data: bytes) -> bool:
        """Write `data` unless the file already holds exactly it; True if written."""
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return False
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, REPORT_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, REPORT_MODE)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return True

    def remove_missing(self, skip_prefix: str = "") -> None:
        """Remove the previous site's files not put this time (but those under
        `skip_prefix`, still to come)."""
        for rel in sorted(self.previous - self.files):
            if skip_prefix and rel.startswith(skip_prefix):
                continue
            path = self.out / rel
            if path.is_file() or path.is_symlink():
                path.unlink()
                self.removed += 1
                self.pages_changed |= rel.endswith(".html")
                self._prune(path.parent)
        self.previous &= self.files | ({r for r in self.previous if r.startswith(skip_prefix)}
                                       if skip_prefix else set())

    def finish(self) -> None:
        """Remove what is left of the previous site, then save the manifest."""
        self.remove_missing()
        self._manifest(self.files, complete=True)
        if (self.written or self.removed) and hasattr(os, "sync"):  # not on Windows
            os.sync()  # once for the whole site: see the module's docstring
        log.info("site %s: %d written, %d unchanged, %d removed", self.out, self.written,
                 self.unchanged, self.removed)

    def abandon(self) -> None:
        """Stopped part-way (cancelled, failed): remember every file the site may have put
        here, so the next publish can clean up what is no longer wanted, and that the site is
        incomplete (its search index may not match its pages)."""
        if self.written or self.removed:
            self._manifest(self.files | self.previous, complete=False)

    def _prune(self, folder: Path) -> None:
        while folder != self.out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def _manifest(self, files: set[str], complete: bool) -> None:
        text = json.dumps({"generator": GENERATOR, "complete": complete,
                           "files": sorted(files)}, indent=0) + "\n"
        self._write(self.out / MANIFEST, text.encode("utf-8"))
