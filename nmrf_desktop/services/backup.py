"""Backups of a SQLite database (the backup API, never a file copy), rotation, checks, restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..paths import user_data_dir
from ..settings import BACKUPS_KEPT
from ..settings import value as setting
from .instance import InstanceGuard

log = logging.getLogger(__name__)

SUFFIX = ".sqlite3"
DAY = dt.timedelta(days=1)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_COMPANIONS = ("-wal", "-shm", "-journal")


class BackupFailed(Exception):
    """A backup could not be made (or the copy did not check out); nothing was rotated."""


class RestoreRefused(Exception):
    """A restore was refused before anything was replaced: the reason says why."""


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    backup: Path
    safety_copy: Path | None  # the database as it was, set aside (None: there was none)


def backup_folder(database: Path | str) -> Path:
    """This database's automatic backups: <user data>/backups/<name>-<hash of its path>/."""
    path = Path(database).expanduser().resolve()
    tag = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return user_data_dir() / "backups" / f"{path.stem}-{tag}"


def list_backups(database: Path | str) -> list[Path]:
    """The backups in this database's backup folder, newest first."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob(f"*{SUFFIX}") if p.is_file()),
                  key=lambda p: p.name, reverse=True)


def _stamp_of(backup: Path) -> dt.datetime | None:
    parts = backup.stem.split("-")
    for part in parts:
        try:
            return dt.datetime.strptime(part, _STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def backup_due(database: Path | str, now: dt.datetime | None = None) -> bool:
    """True when no backup of this database was made in the last day."""
    moment = now or dt.datetime.now(dt.UTC)
    for backup in list_backups(database):
        stamp = _stamp_of(backup)
        if stamp is not None:
            return moment - stamp >= DAY
    return True


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def is_sqlite_file(path: Path | str) -> bool:
    """True when the file starts with the SQLite header (whatever state the rest is in)."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\0"
    except OSError:
        return False


def quick_check(database: Path | str) -> list[str]:
    """PRAGMA quick_check: [] when the file is a sound SQLite database, else the problems."""
    try:
        with closing(_connect(Path(database))) as conn:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return [f"{exc}"]
    return [] if rows == ["ok"] else rows


def _copy(source: Path, target: Path) -> None:
    """A consistent copy with the SQLite backup API, as one self-contained file (no WAL)."""
    with closing(_connect(source)) as src, closing(sqlite3.connect(str(target))) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    _fsync(target)


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    if os.name != "nt":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + c) for c in _COMPANIONS)):
        p.unlink(missing_ok=True)


def backup_database(database: Path | str, out: Path | None = None, *, reason: str = "manual",
                    kept: int | None = None) -> Path:
    """Back a database up (to `out`, else its backup folder, rotating to `kept`)."""
    source = Path(database).expanduser().resolve()
    rotate = out is None
    if out is None:
        stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
        out = backup_folder(source) / f"{source.stem}-{stamp}-{reason}{SUFFIX}"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    _remove(partial)
    try:
        _copy(source, partial)
        problems = quick_check(partial)
        if problems:
            raise BackupFailed(f"the backup of {source.name} does not check out: {problems[0]}"
                               " (the database itself may be damaged)")
        os.replace(partial, out)
        _fsync(out)
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot back up {source}: {exc}") from None
    finally:
        _remove(partial)
    log.info("backed up %s to %s", source, out)
    if rotate:
        prune(source, kept if kept is not None else setting(BACKUPS_KEPT))
    return out


def prune(database: Path | str, kept: int) -> list[Path]:
    """Delete all but the newest `kept` backups of a database; returns those deleted."""
    removed = list_backups(database)[max(kept, 1):]
    for old in removed:
        old.unlink(missing_ok=True)
        log.info("removed old backup %s", old)
    return removed


def verify(backup: Path | str) -> list[str]:
    """Everything wrong with a backup: it must open, migrate and pass `catalog.check`."""
    source = Path(backup)
    with tempfile.TemporaryDirectory(prefix="nmrf-verify-") as scratch:
        copy = Path(scratch) / "verify.sqlite3"
        return _verify_copy(source, copy)


def _verify_copy(source: Path, copy: Path) -> list[str]:
    """Copy `source` to `copy`, open it (migrating to head) and check it; [] when sound."""
    from .catalog import check
    from .record import RecordUnavailable, open_record

    try:
        _copy(source, copy)
    except (sqlite3.Error, OSError) as exc:
        return [f"{source.name} cannot be read as a database: {exc}"]
    problems = quick_check(copy)
    if problems:
        return problems
    try:
        record = open_record(copy, create=False)
    except (RecordUnavailable, FileNotFoundError) as exc:
        return [str(exc)]
    try:
        return check(record)
    finally:
        record.close()


def latest_good_backup(database: Path | str) -> Path | None:
    """The newest backup of this database that verifies, or None."""
    for candidate in list_backups(database):
        problems = verify(candidate)
        if not problems:
            return candidate
        log.warning("backup %s does not verify: %s", candidate, problems[0])
    return None


def restore(database: Path | str, backup: Path | str, *, force: bool = False) -> Restored:
    """Replace a database by a verified backup; the current file is set aside, never deleted.

    Refused (RestoreRefused, nothing changed) when the backup does not verify, or when the
    current database is sound and `force` is not given (work since the backup would go);
    DatabaseInUse when an app has the database open.
    """
    target = Path(database).expanduser().resolve()
    source = Path(backup).expanduser().resolve()
    if not source.is_file():
        raise RestoreRefused(f"no backup file at {source}")
    if source == target:
        raise RestoreRefused("the backup is the database itself")
    with InstanceGuard(target):
        if target.exists() and not force and not quick_check(target):
            raise RestoreRefused(f"{target.name} is not damaged: restoring would lose every "
                                 "change made since the backup; use --force to restore anyway "
                                 "(the current file is kept as a safety copy)")
        staged = target.with_name(f".{target.name}.restoring")
        _remove(staged)
        try:
            problems = _verify_copy(source, staged)
            if problems:
                raise RestoreRefused(f"the backup {source.name} does not verify, nothing was "
                                     f"changed: {problems[0]}")
            with closing(sqlite3.connect(str(staged), isolation_level=None)) as conn:
                conn.execute("PRAGMA journal_mode=DELETE")  # folds its WAL in: one file
            _fsync(staged)
            safety = _set_aside(target) if target.exists() else None
            try:
                os.replace(staged, target)
            except OSError:
                if safety is not None:
                    _put_back(safety, target)
                raise
            _fsync(target)
        finally:
            _remove(staged)
    log.warning("restored %s from %s (safety copy: %s)", target, source, safety)
    return Restored(target, source, safety)


def _set_aside(target: Path) -> Path:
    """Rename the database and its WAL/SHM files together to '<name>.before-restore-<time>'."""
    stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
    safety = target.with_name(f"{target.name}.before-restore-{stamp}")
    for companion in ("", *_COMPANIONS):
        here = target.with_name(target.name + companion)
        if here.exists():
            os.replace(here, safety.with_name(safety.name + companion))
    return safety


def _put_back(safety: Path, target: Path) -> None:
    for companion in ("", *_COMPANIONS):
        kept = safety.with_name(safety.name + companion)
        if kept.exists():
            os.replace(kept, target.with_name(target.name + companion))
