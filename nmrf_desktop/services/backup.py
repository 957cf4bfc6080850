"""Making and rotating backups (database, evidence, keys, manifest); the one module to import."""

# A backup is a folder: database.sqlite3 (SQLite backup API, never a file copy), the evidence
# it names, key and bundle files, and manifest.json (every file's SHA-256 and size), written
# last. Checking and restoring one are in backup_restore, re-exported here.

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

from ..faults import crashpoint
from ..hashing import file_sha256
from ..paths import data_home, user_data_dir
from ..settings import BACKUPS_KEPT
from ..settings import value as setting
from . import backup_files as files
from .backup_db import (
    STAMP,
    copy,
    evidence_names,
    fsync_dir,
    is_sqlite_file,
    key_settings,
    quick_check,
    stamp,
)
from .backup_manifest import DATABASE, FileEntry, Manifest, ManifestProblem
from .backup_manifest import write as write_manifest
from .backup_restore import Restored, RestoreRefused, latest_good_backup, restore, verify
from .backup_summary import Contents, describe

__all__ = ["BackupFailed", "Contents", "ManifestProblem", "RestoreRefused", "Restored",
           "backup_database", "backup_due", "backup_folder", "describe", "is_sqlite_file",
           "latest_good_backup", "list_backups", "prune", "quick_check", "restore", "verify"]

log = logging.getLogger(__name__)

SUFFIX = ".nmrfbackup"  # a backup: a folder with database.sqlite3, manifest.json, evidence/…
OLD_SUFFIX = ".sqlite3"  # a backup from before folders: the database file alone
DAY = dt.timedelta(days=1)
_LEFTOVER = (".partial", ".removing")  # folders a crashed backup or rotation left behind


class BackupFailed(Exception):
    """A backup could not be made (or the copy did not check out); nothing was rotated."""


_warned_earlier: set[Path] = set()  # backup folders left outside the policy's data folder


def backup_folder(database: Path | str) -> Path:
    """This database's automatic backups: <data home>/backups/<name>-<hash of its path>/.

    The data home is the organisation's data folder when its policy sets one (a backup holds
    the whole record: it stays where databases may live), else the user data folder. Backups
    made before the policy set a folder are not moved; a warning names them once.
    """
    path = Path(database).expanduser().resolve()
    tag = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    folder = data_home() / "backups" / f"{path.stem}-{tag}"
    earlier = user_data_dir() / "backups" / folder.name
    if earlier != folder and earlier not in _warned_earlier and earlier.is_dir():
        _warned_earlier.add(earlier)
        log.warning("earlier automatic backups of %s are in %s, outside your organisation's "
                    "data folder; they are no longer listed or rotated (new ones go to %s): "
                    "move them there or delete them", path, earlier, folder)
    return folder


def list_backups(database: Path | str) -> list[Path]:
    """The backups in this database's backup folder (folders, and old single files), newest
    first."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if not p.name.startswith(".")
             and ((p.suffix == SUFFIX and p.is_dir()) or (p.suffix == OLD_SUFFIX and p.is_file()))]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _stamp_of(backup: Path) -> dt.datetime | None:
    for part in backup.stem.split("-"):
        try:
            return dt.datetime.strptime(part, STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def backup_due(database: Path | str, now: dt.datetime | None = None) -> bool:
    """True when no backup of this database was made in the last day."""
    moment = now or dt.datetime.now(dt.UTC)
    for backup in list_backups(database):
        made = _stamp_of(backup)
        if made is not None:
            return moment - made >= DAY
    return True


def backup_database(database: Path | str, out: Path | None = None, *, reason: str = "manual",
                    kept: int | None = None) -> Path:
    """Back a record up into the new folder `out` (else one in its backup folder, rotating to
    `kept`): the database, the evidence it names, key and bundle files, and the manifest.

    Evidence already in an earlier backup beside it is hard-linked, not copied. Evidence that
    is missing or damaged (and in no earlier backup) is listed in the manifest's gaps."""
    source = Path(database).expanduser().resolve()
    if not source.is_file():
        raise BackupFailed(f"no database at {source}")
    rotate = out is None
    if out is None:
        out = backup_folder(source) / f"{source.stem}-{stamp()}-{reason}{SUFFIX}"
    else:
        out = Path(out).expanduser().resolve()
        if out.suffix == OLD_SUFFIX:
            raise BackupFailed(f"{out}: a backup is a folder (database, evidence and keys); "
                               f"name a new folder, not a {OLD_SUFFIX} file")
        if out.exists():
            raise BackupFailed(f"{out} already exists: name a new folder for the backup")
    started = time.perf_counter()
    partial = out.with_name(f".{out.name}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _delete(partial)
        partial.mkdir(mode=0o700)  # the whole record is in here: its owner's eyes only
        os.chmod(partial, 0o700)
        made = _fill(source, partial, reason, out.parent)
        crashpoint("backup:manifest-written")
        os.rename(partial, out)
        fsync_dir(out.parent)
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot back up {source}: {exc}") from None
    except OSError as exc:
        where = exc.filename or out
        raise BackupFailed(f"cannot make the backup: {where}: {exc.strerror or exc}") from None
    finally:
        _delete(partial)
    log.info("backed up %s to %s in %.1f s (%d files; %d bytes copied, %d linked; %d gaps)",
             source, out, time.perf_counter() - started, len(made.files), made.copied_bytes,
             made.linked_bytes, len(made.gaps))
    if rotate:
        prune(source, kept if kept is not None else setting(BACKUPS_KEPT))
    return out


def _fill(source: Path, partial: Path, reason: str, beside: Path) -> Manifest:
    """Write the database copy, the files and (last) the manifest into `partial`."""
    db = partial / DATABASE
    copy(source, db)
    problems = quick_check(db)
    if problems:
        raise BackupFailed(f"the backup of {source.name} does not check out: {problems[0]}"
                           " (the database itself may be damaged)")
    db_entry = FileEntry(file_sha256(db), db.stat().st_size)
    got = files.gather(partial, source.parent, evidence_names(db), key_settings(db),
                       files.earlier_files(beside))
    crashpoint("backup:files-gathered")
    manifest = Manifest(dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), reason,
                        str(source), {DATABASE: db_entry, **got.files}, tuple(got.gaps),
                        got.copied_bytes + db_entry.size, got.linked_bytes)
    write_manifest(partial, manifest)
    fsync_dir(partial)
    return manifest


def prune(database: Path | str, kept: int) -> list[Path]:
    """Delete all but the newest `kept` backups of a database, each whole; returns those
    deleted. Evidence hard-linked from a newer backup stays there."""
    removed = []
    for old in list_backups(database)[max(kept, 1):]:
        try:
            _delete(old)
        except OSError as exc:  # kept for the next rotation; the new backup stands
            log.warning("could not remove the old backup %s: %s", old, exc)
            continue
        removed.append(old)
        log.info("removed old backup %s", old)
    folder = backup_folder(database)
    for left in folder.iterdir() if folder.is_dir() else ():
        if left.name.startswith(".") and left.name.endswith(_LEFTOVER):
            try:
                if _older(left, DAY):
                    _delete(left)
            except OSError as exc:
                log.warning("could not remove %s: %s", left, exc)
    return removed


def _older(path: Path, age: dt.timedelta) -> bool:
    return time.time() - path.stat().st_mtime > age.total_seconds()


def _delete(path: Path) -> None:
    """Remove a backup whole: a folder is first renamed away so it never looks half there."""
    if path.is_dir() and not path.is_symlink():
        doomed = path
        if not path.name.endswith(_LEFTOVER):
            doomed = path.with_name(f".{path.name}.removing")
            os.rename(path, doomed)
        try:
            shutil.rmtree(doomed)
        except PermissionError:  # Windows refuses to delete read-only files
            for folder, names, found in os.walk(doomed):
                for name in (*names, *found):
                    os.chmod(Path(folder) / name, 0o700)
            shutil.rmtree(doomed)
    else:
        path.unlink(missing_ok=True)
