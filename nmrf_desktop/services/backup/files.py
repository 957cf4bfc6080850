"""Evidence, key and bundle files in a backup: gathered (linked), checked, and put back."""

from __future__ import annotations

import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nmrf_desktop.files import fsync_dir
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services.backup.database import FSYNC_THREADS, fsync_dirs
from nmrf_desktop.services.backup.manifest import (
    MANIFEST,
    REFUSED,
    FileEntry,
    Gap,
    Manifest,
    ManifestProblem,
    evidence_path,
    is_sha256,
    kind_of,
    read,
)
from nmrf_desktop.store.blobs import BlobStore

log = logging.getLogger(__name__)

BLOCK = 1 << 20
KEYS = "keys"
BUNDLES = ("held", "sent")  # bundles held at central, bundles sent from the laptop
SECRET = 0o600  # every file a backup writes (keys, and evidence that may be confidential)
_LINKABLE = ("evidence", *BUNDLES)  # files that never change once written
_BINARY = getattr(os, "O_BINARY", 0)

Earlier = dict[str, tuple[FileEntry, Path]]


class FileProblem(Exception):
    """A file could not be put back as the backup's manifest says; the message names it."""


@dataclass
class Gathered:
    files: dict[str, FileEntry] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    copied_bytes: int = 0
    linked_bytes: int = 0


@dataclass
class PutBack:
    evidence: int = 0
    keys: int = 0
    bundles: int = 0
    set_aside: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def copy_hashing(source: Path, target: Path) -> FileEntry:
    """Copy `source` to the new file `target` (never over an existing one), hashing as it
    goes, flushed to disk, readable by its owner only (0600, whatever the umask)."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as fin:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, SECRET)
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(os, "fchmod"):
                    os.fchmod(out.fileno(), SECRET)
                while block := fin.read(BLOCK):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return FileEntry(digest.hexdigest(), size)


def earlier_files(folder: Path) -> Earlier:
    """Unchanging files (evidence, bundles) in the backups already in `folder`, each taken
    from the newest backup listing it: the next backup hard-links them instead of copying."""
    found: list[tuple[Manifest, Path]] = []
    if folder.is_dir():
        for child in folder.iterdir():
            if child.name.startswith(".") or not (child / MANIFEST).is_file():
                continue
            try:
                found.append((read(child), child))
            except ManifestProblem as exc:
                log.warning("not linking from %s: %s", child, exc)
    index: Earlier = {}
    for manifest, child in sorted(found, key=lambda mc: mc[0].created, reverse=True):
        for rel, entry in manifest.files.items():
            if kind_of(rel) in _LINKABLE:
                index.setdefault(rel, (entry, child / rel))
    return index


def gather(target: Path, data_root: Path, evidence: dict[str, str], keys: dict[str, str],
           earlier: Earlier) -> Gathered:
    """Put into `target` the evidence the database names, every key file and bundle file.

    `evidence`: SHA-256 → display name; `keys`: setting → key id the database uses. What is
    missing or damaged (and in no earlier backup) is listed as a gap, not a failure."""
    got = Gathered()
    store = BlobStore(data_root / "evidence")
    for sha, name in sorted(evidence.items()):
        if not is_sha256(sha):  # a row the import should never have let in: not a path
            got.gaps.append(Gap("evidence", sha, name, REFUSED, ""))
            log.warning("backup: evidence row %r names %r, which is not a SHA-256: not "
                        "followed", name, sha)
            continue
        live = store.path_for(sha)
        if not _place(got, target, evidence_path(sha), live, earlier, expected=sha):
            reason = "damaged" if live.is_file() else "missing"
            got.gaps.append(Gap("evidence", sha, name, reason, str(live)))
            log.warning("backup: evidence file %s (%s) is %s at %s", name, sha, reason, live)
    for folder in (KEYS, *BUNDLES):
        for live in _plain_files(data_root / folder):
            rel = f"{folder}/{live.name}"
            if folder == KEYS:
                _mkdir(target / KEYS, secret=True)
                got.files[rel] = copy_hashing(live, target / rel)
                got.copied_bytes += got.files[rel].size
            else:
                _place(got, target, rel, live, earlier, expected=None)
    for setting, key_id in sorted(keys.items()):
        if f"{KEYS}/{key_id}.pem" not in got.files:
            where = data_root / KEYS / f"{key_id}.pem"
            got.gaps.append(Gap("key", key_id, setting, "missing", str(where)))
            log.warning("backup: signing key %s is missing at %s", key_id, where)
    fsync_dirs(Path(folder) for folder, _dirs, _files in os.walk(target))
    return got


def _place(got: Gathered, target: Path, rel: str, live: Path, earlier: Earlier,
           expected: str | None) -> bool:
    """Link `rel` from an earlier backup when it is the same file, else copy it from the
    record's folder (or the earlier backup); an evidence file must match its hash."""
    dest = target / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    live_size = _size(live)
    before = earlier.get(rel)
    if before is not None:
        entry, path = before
        same = entry.sha256 == expected if expected else live_size in (None, entry.size)
        if same and _size(path) == entry.size:
            try:
                os.link(path, dest)
            except OSError as exc:  # another file system, or no hard links there
                log.debug("cannot link %s (%s): copying it", path, exc)
            else:
                got.files[rel] = entry
                got.linked_bytes += entry.size
                return True
    for source in (live, before[1] if before else None):
        if source is None or _size(source) is None:
            continue
        entry = copy_hashing(source, dest)
        if expected is not None and entry.sha256 != expected:
            dest.unlink()
            log.warning("%s does not match its SHA-256 name: not backed up from there", source)
            continue
        got.files[rel] = entry
        got.copied_bytes += entry.size
        return True
    return False


def _plain_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file() or path.name.endswith(".tmp"):
            continue
        if kind_of(f"{folder.name}/{path.name}") is None:
            log.warning("backup: %s has a name the app never gives a file: not backed up", path)
            continue
        found.append(path)
    return found


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _mkdir(folder: Path, *, secret: bool) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, mode=0o700 if secret else 0o777)
    if secret:
        os.chmod(folder, 0o700)


def check(folder: Path, manifest: Manifest) -> list[str]:
    """Every file the manifest lists must be there with its size and SHA-256: the problems."""
    problems = []
    for rel, entry in sorted(manifest.files.items()):
        path = folder / rel
        try:
            if path.is_symlink() or not path.is_file():
                problems.append(f"{path}: missing from the backup")
            elif path.stat().st_size != entry.size or file_sha256(path) != entry.sha256:
                problems.append(f"{path}: does not match the backup's manifest "
                                "(damaged or altered since the backup was made)")
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
    return problems


def put_back(folder: Path, manifest: Manifest, data_root: Path, when: str) -> PutBack:
    """Put the backup's evidence, keys and bundles back beside the database.

    Evidence missing or damaged there is restored (a damaged file is set aside first). A key
    or bundle file already there with other bytes is kept: the backup's copy is written
    beside it as '<name>.from-backup-<when>' and a note says so. Files are written 0600."""
    done = PutBack()
    store = BlobStore(data_root / "evidence")
    evidence = sorted(manifest.of_kind("evidence").items())
    with ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="restore") as pool:
        for live, restored, damaged in pool.map(
                lambda item: _put_evidence(store, folder / item[0], item[1], when), evidence):
            done.evidence += restored
            if damaged is not None:
                done.set_aside.append(damaged)
                done.notes.append(f"{live} was damaged: restored from the backup (the damaged "
                                  f"file was kept as {damaged.name})")
    for kind in (KEYS, *BUNDLES):
        for rel, entry in sorted(manifest.of_kind(kind).items()):
            dest = data_root / rel
            _mkdir(dest.parent, secret=kind == KEYS)
            if dest.exists() or dest.is_symlink():
                if not dest.is_symlink() and dest.is_file() and _same(dest, entry):
                    continue
                aside = dest.with_name(f"{dest.name}.from-backup-{when}")
                done.notes.append(f"{dest} differs from the backup's copy: it was kept, and "
                                  f"the backup's copy was written beside it as {aside.name}")
                done.set_aside.append(aside)
                dest = aside
            _write_new(folder / rel, dest, entry)
            if kind == KEYS:
                done.keys += 1
            else:
                done.bundles += 1
    return done


def _put_evidence(store: BlobStore, source: Path, entry: FileEntry, when: str
                  ) -> tuple[Path, bool, Path | None]:
    """Put one evidence file back unless a sound copy is there: (where, restored?, the
    damaged file set aside)."""
    live = store.path_for(entry.sha256)
    damaged = None
    if live.is_file():
        if _same(live, entry):
            return live, False, None
        damaged = live.with_name(f"{live.name}.damaged-{when}")
        os.replace(live, damaged)
    stored = store.put_file(source)
    if stored.sha256 != entry.sha256:
        raise FileProblem(f"{source}: changed while it was being restored")
    return live, True, damaged


def _same(path: Path, entry: FileEntry) -> bool:
    return path.stat().st_size == entry.size and file_sha256(path) == entry.sha256


def _write_new(source: Path, dest: Path, entry: FileEntry) -> None:
    """Write `dest` (which must not exist) from `source`, checked against `entry`, atomically."""
    tmp = dest.with_name(f".{dest.name}.restoring")
    tmp.unlink(missing_ok=True)
    try:
        got = copy_hashing(source, tmp)
        if got != entry:
            raise FileProblem(f"{source}: changed while it was being restored")
        try:
            os.link(tmp, dest)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise FileProblem(f"{dest}: appeared while the backup was being restored; "
                              "it was left as it is") from None
        except OSError:
            os.rename(tmp, dest)  # no hard links here; Windows' rename never replaces
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(dest.parent)
