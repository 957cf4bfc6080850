"""Making and rotating backups (database, evidence, keys, manifest); the one module to import."""

# A backup is a folder: database.sqlite3 (SQLite backup API, never a file copy), the evidence
# it names, key and bundle files, and manifest.json (every file's SHA-256 and size), written
# last. Checking and restoring one are in backup_restore, re-exported here.

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

from nmrf_desktop.faults import crashpoint
from nmrf_desktop.files import fsync_dir
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.policy import value as setting
from nmrf_desktop.services.backup import files
from nmrf_desktop.services.backup.database import (
    STAMP,
    copy,
    evidence_names,
    is_sqlite_file,
    key_settings,
    quick_check,
    stamp,
)
from nmrf_desktop.services.backup.folders import OLD_SUFFIX, SUFFIX, backup_folder, list_backups
from nmrf_desktop.services.backup.manifest import (
    DATABASE,
    FileEntry,
    Manifest,
    ManifestProblem,
    write as write_manifest,
)
from nmrf_desktop.services.backup.restore import (
    Restored,
    RestoreRefused,
    latest_good_backup,
    restore,
    verify,
)
from nmrf_desktop.services.backup.summary import Contents, describe
from nmrf_desktop.settings import BACKUPS_KEPT

__all__ = ["BackupFailed", "Contents", "ManifestProblem", "RestoreRefused", "Restored",
           "backup_database", "backup_due", "backup_folder", "describe", "is_sqlite_file",
           "latest_good_backup", "list_backups", "prune", "quick_check", "restore", "verify"]

log = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)
_LEFTOVER = (".partial", ".removing")  # folders a crashed backup or rotation left behind


class BackupFailed(Exception):
    """A backup could not be made (or the copy did not check out); nothing was rotated."""


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
