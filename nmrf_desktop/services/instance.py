"""One app per database: an OS lock on a file beside it, released by the OS if the app dies."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import IO

from nmrf_desktop.files import create_private_file

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
# Windows locks a byte range; lock one far past the holder's note so others can read it.
_WIN_LOCK_OFFSET = 1 << 30


class DatabaseInUse(Exception):
    """Another NMRF Desktop (or another window of this one) has the database open."""

    def __init__(self, database: Path, holder: dict[str, object]) -> None:
        self.database = database
        self.holder = holder
        who = ""
        if holder.get("pid"):
            who = (f" (process {holder['pid']} on {holder.get('host', '?')}, since "
                   f"{holder.get('since', '?')})")
        super().__init__(f"{database.name} is already open in another NMRF Desktop window"
                         f"{who}. Close it there first; two copies of the app on one "
                         "database could lose each other's work.")


def lock_path(database: Path | str) -> Path:
    """The lock file beside a database: 'nmrf.sqlite3' → 'nmrf.sqlite3.lock'."""
    path = Path(database)
    return path.with_name(path.name + LOCK_SUFFIX)


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_holder(database: Path | str) -> dict[str, object]:
    """Who holds (or last held) the lock, as written in the lock file; {} if unknown."""
    try:
        with lock_path(database).open("rb") as fh:
            text = fh.read(4096).decode("utf-8", "replace").strip("\0 \n")
        found = json.loads(text) if text else {}
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


class InstanceGuard:
    """Holds the lock on one database while it is open.

    The lock is an OS file lock (flock on Linux and macOS, a byte-range lock on Windows),
    so it ends with the process: a lock file left by a crashed app is simply locked again
    (a stale lock is recovered), while a live app's lock refuses a second one, in another
    process or in this one.
    """

    def __init__(self, database: Path | str) -> None:
        self.database = Path(database).expanduser().resolve()
        self.path = lock_path(self.database)
        self._fh: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> InstanceGuard:
        """Take the lock; DatabaseInUse when another app (or guard) holds it."""
        if self._fh is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        create_private_file(self.path)  # like the database beside it: the owner's only
        fh = self.path.open("a+b")
        if not _try_lock(fh):
            fh.close()
            raise DatabaseInUse(self.database, read_holder(self.database))
        stale = read_holder(self.database)
        if stale:
            log.info("recovered the lock on %s left by process %s", self.database,
                     stale.get("pid"))
        note = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": dt.datetime.now().isoformat(timespec="seconds")})
        fh.seek(0)
        fh.truncate()
        fh.write(note.encode())
        fh.flush()
        self._fh = fh
        log.debug("locked %s", self.database)
        return self

    def release(self) -> None:
        """Let go of the lock; the file stays, emptied (deleting it would race). Idempotent."""
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.seek(0)
            fh.truncate()  # no holder note: the file says nobody has it
            fh.flush()
            _unlock(fh)
        except OSError as exc:
            log.warning("could not unlock %s cleanly: %s", self.path, exc)
        finally:
            fh.close()
        log.debug("unlocked %s", self.database)

    def __enter__(self) -> InstanceGuard:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
