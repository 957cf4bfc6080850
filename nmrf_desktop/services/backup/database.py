"""The database side of backups: the SQLite backup-API copy, checks, and setting a file aside."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from nmrf_desktop.files import fsync_dir, fsync_file, open_regular
from nmrf_desktop.services.exchange.keys import CENTRAL_KEY, LAPTOP_KEY

STAMP = "%Y%m%dT%H%M%S%fZ"
COMPANIONS = ("-wal", "-shm", "-journal")
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
FSYNC_THREADS = 16  # fsync waits on the disk, not the GIL: many at once cost about one


def stamp(moment: dt.datetime | None = None) -> str:
    """A sortable UTC time stamp for file names: 20240501T101500123456Z."""
    return (moment or dt.datetime.now(dt.UTC)).strftime(STAMP)


def connect(path: Path, timeout: float = 30) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    return conn


def is_sqlite_file(path: Path | str) -> bool:
    """True when the file starts with the SQLite header (whatever state the rest is in)."""
    try:
        with open_regular(Path(path)) as fh:  # a FIFO is no database, and never waited on
            return fh.read(16) == b"SQLite format 3\0"
    except OSError:
        return False


def quick_check(database: Path | str) -> list[str]:
    """PRAGMA quick_check: [] when the file is a sound SQLite database, else the problems."""
    try:
        with closing(connect(Path(database))) as conn:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return [f"{exc}"]
    return [] if rows == ["ok"] else rows


def lock_holder(database: Path, timeout: float = 2.0) -> str | None:
    """Why another program's write lock keeps us off `database` (None: nobody holds one).

    Tries to take the write lock for a moment; a damaged file is not a lock (quick_check
    reports that)."""
    try:
        with closing(connect(database, timeout)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED):
            return str(exc)
        if code is None and "locked" in str(exc):
            return str(exc)
    except sqlite3.Error:
        return None
    return None


def copy(source: Path, target: Path) -> None:
    """A consistent copy with the SQLite backup API, as one self-contained file (no WAL)."""
    with closing(connect(source)) as src, closing(sqlite3.connect(str(target))) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    fsync(target)


def fold_wal(path: Path) -> None:
    """Make `path` one self-contained file: its WAL folded in, journal mode DELETE."""
    with closing(sqlite3.connect(str(path), isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    fsync(path)


def evidence_names(database: Path) -> dict[str, str]:
    """Every evidence file a database names: SHA-256 → the display name it was given."""
    with closing(connect(database)) as conn:
        rows = conn.execute("SELECT sha256, min(display_name) FROM evidence "
                            "WHERE sha256 IS NOT NULL AND sha256 != '' GROUP BY sha256")
        # As stored: a value that is no SHA-256 is refused by name, never normalised into one.
        return {str(sha): str(name or "") for sha, name in rows}


def key_settings(database: Path) -> dict[str, str]:
    """The signing keys a database says are its own: setting name → key id."""

    with closing(connect(database)) as conn:
        rows = conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?) AND value != ''",
                            (LAPTOP_KEY, CENTRAL_KEY))
        return {str(k): str(v) for k, v in rows}


def fsync(path: Path) -> None:
    """Flush a file and the folder holding it to the disk."""
    fsync_file(path)
    fsync_dir(path.parent)


def fsync_dirs(folders: Iterable[Path]) -> None:
    """fsync many folders (a backup's evidence tree), in parallel."""
    if os.name == "nt":
        return
    with ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="fsync") as pool:
        list(pool.map(fsync_dir, folders))


def remove(path: Path) -> None:
    """Delete a database file and its WAL, SHM and journal files."""
    for p in (path, *(path.with_name(path.name + c) for c in COMPANIONS)):
        p.unlink(missing_ok=True)


def set_aside(target: Path) -> Path:
    """Rename the database and its WAL/SHM files together to '<name>.before-restore-<time>'."""
    safety = target.with_name(f"{target.name}.before-restore-{stamp()}")
    for companion in ("", *COMPANIONS):
        here = target.with_name(target.name + companion)
        if here.exists():
            os.replace(here, safety.with_name(safety.name + companion))
    return safety


def put_back(safety: Path, target: Path) -> None:
    for companion in ("", *COMPANIONS):
        kept = safety.with_name(safety.name + companion)
        if kept.exists():
            os.replace(kept, target.with_name(target.name + companion))
