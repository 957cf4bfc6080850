"""Opening the record: engine, migrations to head on open, and the unit of work.

Where a record's files live (evidence/, keys/, sent/ and held/ bundles) is decided here,
once, by `Record.data_root`:

- a database file (SQLite): the folder holding it. The organisation's data-folder policy
  already keeps every such file inside its folder (the only exceptions are the bundled
  demo, public data, and the app's own scratch copies), so its files are there too;
- a database that is no file on this computer (a server, PostgreSQL; an in-memory SQLite):
  `policy.data_home()`, the policy's data folder when it sets one, else the user data folder.

Nothing is ever moved: without a policy every place is what it always was, and files a
server record kept in the user data folder before a policy set a data folder stay there
(a warning names them once).
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy import URL, Engine, inspect, select
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from nmrf_desktop import policy
from nmrf_desktop.paths import user_data_dir
from nmrf_desktop.policy import data_home
from nmrf_desktop.store import migrate
from nmrf_desktop.store.engine import database_url, make_engine, make_session_factory
from nmrf_desktop.store.models import Setting

log = logging.getLogger(__name__)


class RecordUnavailable(Exception):
    """The database cannot be opened: not a database, not reachable, or from a newer app."""


class RecordMissing(RecordUnavailable):
    """No record where one was to be opened (no file, an empty file, an empty server
    database), and none was to be made: nothing was created."""

    def __init__(self, where: str) -> None:
        super().__init__(f"no record at {where}")
        self.where = where  # the file (a resolved path) or the server address, no password


class RecordNotWritten(RecordUnavailable):
    """A write could not be made (read-only, locked, disk full, a disk error): it was rolled
    back, the record is as it was. `reason` is one of READ_ONLY, LOCKED, DISK_FULL, DISK_ERROR."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


READ_ONLY, LOCKED, DISK_FULL, DISK_ERROR = "read-only", "locked", "disk full", "disk error"


class DatabaseRefused(RecordUnavailable):
    """The organisation's policy allows no database at this place; nothing was created."""

    def __init__(self, message: str, target: str = "", folder: Path | None = None) -> None:
        super().__init__(message)
        self.target = target  # the database refused (a resolved path)
        self.folder = folder  # the only folder the policy allows databases in


class Record:
    """One open database (the central record or an officer's laptop copy)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)
        self._read_sessions: sessionmaker[Session] = make_session_factory(engine, readonly=True)

    @property
    def location(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def data_root(self) -> Path:
        """The folder for this record's evidence, keys, sent and held bundles: beside a
        database file, else `policy.data_home()` (see the module docstring)."""
        if self.is_sqlite and self.engine.url.database not in (None, "", ":memory:"):
            return Path(str(self.engine.url.database)).parent
        home = data_home()
        _warn_left_behind(home)
        return home

    @property
    def evidence_root(self) -> Path:
        """Where evidence files live: data_root/evidence."""
        return self.data_root / "evidence"

    @property
    def keys_root(self) -> Path:
        """Where this database's private signing keys live (encrypted): data_root/keys."""
        return self.data_root / "keys"

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def unit_of_work(self, what: str = "the change was not saved") -> Iterator[Session]:
        """One transaction: all of it commits, or none of it does.

        A write the database cannot take (a read-only file or folder, another program's
        lock, a full disk) is rolled back and raised as RecordNotWritten saying which, and
        `what` did not happen."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            refused = not_written(exc.orig, self._file, what)
            if refused is None:
                raise
            log.info("%s", refused)
            raise refused from None

    @property
    def _file(self) -> Path | None:
        return database_file(self.engine.url)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: never takes the write lock, never commits."""
        with self._read_sessions() as session:
            yield session

    def setting(self, key: str, default: str = "") -> str:
        with self.reading() as session:
            value = session.execute(select(Setting.value).where(Setting.key == key)).scalar()
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.unit_of_work() as session:
            session.merge(Setting(key=key, value=value))

    def actor(self) -> str:
        """Who is writing: the officer named in this database, else the OS user."""
        name = self.setting("officer_name")
        if name:
            return name
        try:
            return getpass.getuser()
        except Exception:
            return "unknown"

    def close(self) -> None:
        self.engine.dispose()


_RECORD_FOLDERS = ("evidence", "keys", "sent", "held")
_checked_homes: set[Path] = set()


def _warn_left_behind(home: Path) -> None:
    """Once per place: say so when a record with no file of its own has files in the user
    data folder while a data-folder policy sends it elsewhere (they are not moved)."""
    if home in _checked_homes:
        return
    _checked_homes.add(home)
    old = user_data_dir()
    if old == home:
        return
    left = [old / name for name in _RECORD_FOLDERS
            if (old / name).is_dir() and any((old / name).iterdir())]
    if left:
        log.warning("your organisation's data folder is %s: the files of a server database "
                    "are kept there now; %s, kept before, are outside it and no longer used: "
                    "move them there", home, ", ".join(map(str, left)))


# The kinds of database a record is kept in (SQLAlchemy backend names).
_BACKENDS = ("sqlite", "postgresql")
_SQLITE_HEADER = b"SQLite format 3\0"
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_VERSION_TABLE = "alembic_version"  # every record has it: the migrations write it first
_PASSWORD = re.compile(r"(://[^/@:]*):[^/@]*@")


def shown(target: str | Path) -> str:
    """`target` for a message: a path as it is, an address with any password hidden (even
    one that cannot be read as an address)."""
    return _PASSWORD.sub(r"\1:***@", str(target))


def parse_target(target: str | Path) -> URL:
    """The SQLAlchemy URL of a database file (a path) or address (postgresql://…,
    sqlite:///…); RecordUnavailable naming it when it is no address a record can be at."""
    try:
        url = database_url(target)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        why = " (the port is not a number)" if isinstance(exc, ValueError) else ""
        raise RecordUnavailable(f"not a database address: {shown(target)}{why}; give a "
                                "database file, or postgresql://user@host/database") from None
    if url.get_backend_name() not in _BACKENDS:
        raise RecordUnavailable(f"not a database address: {shown(target)}; a record is a "
                                "database file, or postgresql://user@host/database")
    return url


def database_file(url: URL) -> Path | None:
    """The file a SQLite URL names (resolved), or None: a server, or SQLite in memory."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database)).expanduser().resolve()


def check_database_file(path: Path, *, create: bool = False) -> None:
    """Refuse, before anything touches it, a place that holds no record to open: a folder,
    a file that cannot be read or is not a SQLite database (RecordUnavailable), and, unless
    `create`, a missing or empty file (RecordMissing). Reads at most the file's header."""
    try:
        if path.is_dir():
            raise RecordUnavailable(f"cannot open the database {path}: it is a folder, not a "
                                    "database file")
        if not path.exists() or _empty(path):
            if create:
                return
            raise RecordMissing(str(path))
        if path.stat().st_size == 0:
            return  # its first pages are still in the write-ahead log: SQLite reads them
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise RecordUnavailable(f"cannot open the database {path}: "
                                f"{(exc.strerror or str(exc)).lower()}") from None
    if header != _SQLITE_HEADER:
        raise RecordUnavailable(f"cannot open the database {path}: file is not a database")
    _require_tables(path, create)


def _require_tables(path: Path, create: bool) -> None:
    """RecordUnavailable when a SQLite file holds tables but not a record's (the migrations
    would add ours to someone else's database); with no tables at all, RecordMissing unless
    `create`. Read as an immutable file: no lock, no WAL or SHM file made, nothing written.
    Skipped while a write-ahead log holds changes the file does not have yet."""
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        return
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)) as db:
            tables = {name for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise RecordUnavailable(open_failure(exc, path, str(path))) from None
    if not tables:
        if create:
            return
        raise RecordMissing(str(path))
    if _VERSION_TABLE not in tables:
        raise RecordUnavailable(f"cannot open the database {path}: it holds other data, not "
                                "an NMRF Desktop record")


def _empty(path: Path) -> bool:
    """A file of no bytes, with no write-ahead log that could hold its first pages."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size == 0 and not (wal.is_file() and wal.stat().st_size > 0)


def remove_database_file(path: Path) -> None:
    """Delete a database file that a failed command made, with its SQLite companions."""
    for name in (path.name, *(path.name + s for s in _SQLITE_COMPANIONS)):
        path.with_name(name).unlink(missing_ok=True)


def policy_refusal(target: str | Path) -> str | None:
    """Why the organisation's policy forbids opening or creating the database `target`
    (a path or URL), or None.

    The policy's data folder limits database files: a path, or a sqlite:/// URL naming one.
    An in-memory SQLite database and a server URL (postgresql://…) are no file on this
    computer, so the folder does not limit them: a server's storage is its administrators'.
    RecordUnavailable when `target` is no address at all (see `parse_target`).
    """
    return _url_refusal(parse_target(target))


def require_allowed(target: str | Path) -> None:
    """Raise DatabaseRefused when the policy forbids a database at `target` (see above)."""
    _require(parse_target(target))


def _require(url: URL) -> None:
    refusal = _url_refusal(url)
    if refusal:
        log.info("not opened: %s", refusal)
        raise DatabaseRefused(refusal, str(Path(str(url.database)).expanduser().resolve()),
                              policy.allowed_data_folder())


def _url_refusal(url: URL) -> str | None:
    if url.get_backend_name() != "sqlite":
        if policy.allowed_data_folder() is not None:
            log.info("the policy's data folder limits database files; %s is a server "
                     "database", url.render_as_string(hide_password=True))
        return None
    if url.database is None or url.database in ("", ":memory:"):
        return None
    return policy.database_refusal(url.database)


def _one_line(error: object) -> str:
    """A driver's message on one line: libpq's add a hint on a second, put in brackets."""
    lines = [" ".join(line.split()) for line in str(error).splitlines() if line.strip()]
    first, hint = (lines[0], " ".join(lines[1:])) if lines else (type(error).__name__, "")
    return f"{first} ({hint[:1].lower()}{hint[1:]})" if hint else first


# SQLite's primary result codes (the low byte of an extended code) for what is not damage.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26
# PostgreSQL's SQLSTATEs for the same (read-only transaction or server, disk full).
_PG_READ_ONLY, _PG_DISK_FULL = ("25006",), ("53100",)


def _sqlite_code(error: BaseException | None) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def read_only_why(path: Path) -> str:
    """Why SQLite cannot write `path`: 'read-only (…)', naming the file, or its folder (where
    SQLite keeps the -wal and -shm files beside it), that cannot be written."""
    if path.exists() and not os.access(path, os.W_OK):
        return "read-only (the file cannot be written)"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (f"read-only (its folder {path.parent} cannot be written, and SQLite keeps "
                "its -wal and -shm files there)")
    return "read-only"


def not_written(error: BaseException | None, path: Path | None,
                what: str) -> RecordNotWritten | None:
    """The refusal for a driver error that says the database cannot be written now (read-only,
    locked, disk full, a disk error), or None for any other error (a bug, damage).

    `what` says what did not happen ("nothing was imported")."""
    where = str(path) if path is not None else "the database"
    code = _sqlite_code(error)
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    detail = _one_line(error) if error is not None else ""
    if code in (_SQLITE_READONLY, _SQLITE_PERM) or state in _PG_READ_ONLY:
        why = read_only_why(path) if path is not None else "read-only"
        return RecordNotWritten(f"the database {where} is {why}: {what}", READ_ONLY)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return RecordNotWritten(f"the database {where} is locked by another program "
                                f"({detail}): {what}; try again once it is done", LOCKED)
    if code == _SQLITE_FULL or state in _PG_DISK_FULL:
        return RecordNotWritten(f"disk full: the database {where} cannot grow ({detail}): "
                                f"{what}; make room on the disk and try again", DISK_FULL)
    if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return RecordNotWritten(f"a disk error writing the database {where} ({detail}): "
                                f"{what}", DISK_ERROR)
    return None


def open_failure(error: BaseException | None, path: Path | None, where: str) -> str:
    """One line on why a database cannot be opened, telling apart read-only, locked, not a
    database, damaged and missing (the driver's words otherwise)."""
    code = _sqlite_code(error)
    if code == _SQLITE_NOTADB:
        return f"cannot open the database {where}: file is not a database"
    if code == _SQLITE_CORRUPT:
        return f"cannot open the database {where}: it is damaged ({_one_line(error)})"
    if code == _SQLITE_CANTOPEN and path is not None:
        if not path.exists():
            return f"cannot open the database {where}: no such file"
        if not os.access(path, os.R_OK):
            return f"cannot open the database {where}: permission denied"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return f"cannot open the database {where}: it is {read_only_why(path)}"
    refused = not_written(error, path, "")
    if refused is not None and refused.reason == READ_ONLY:
        why = read_only_why(path) if path is not None else "read-only"
        return f"cannot open the database {where}: it is {why}"
    if refused is not None:
        return f"cannot open the database {where}: {refused.reason} ({_one_line(error)})"
    return f"cannot open the database {where}: {_one_line(error)}"


def not_damage(path: Path) -> RecordUnavailable | None:
    """For a SQLite file whose quick check failed: RecordUnavailable saying why when the
    cause is not damage (read-only, locked, unreadable), None when it is damaged.

    The file is read again through a read-only connection (nothing written): if that reads
    it whole, the failure was the write access the check asked for, so it is read-only."""
    where = str(path)
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                     timeout=1.0)) as db:
            rows = [str(r[0]) for r in db.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        if _sqlite_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return None
        return RecordUnavailable(open_failure(exc, path, where))
    if rows != ["ok"]:
        return None
    return RecordUnavailable(f"cannot open the database {where}: it is {read_only_why(path)}")


def open_record(target: str | Path, *, create: bool = True,
                app_owned: bool = False) -> Record:
    """Open (and if `create`, create) a database and upgrade its schema to head.

    First the address (RecordUnavailable when it is none: `parse_target`), then the
    organisation's policy: DatabaseRefused, and nothing created, when it allows no
    database at `target` (see `policy_refusal`). `app_owned=True` skips that check; it is
    only for databases the app makes for itself (the demo, the self-test's, a backup's
    verification copy), never for a place a user or a command line named.

    `create=False` opens only a record that exists: RecordMissing, and nothing made (no
    file, folder or WAL file; no tables on a server), when there is none at `target`;
    RecordUnavailable for a folder, a file that is not a database, or a database that holds
    something else; those three are refused with `create` too, and nothing is written.
    """
    url = parse_target(target)
    if not app_owned:
        _require(url)
    path = database_file(url)
    if path is not None:
        check_database_file(path, create=create)
    where = str(path) if path is not None else url.render_as_string(hide_password=True)
    try:
        engine = make_engine(target)
    except OSError as exc:
        raise RecordUnavailable(f"cannot create the database {where}: {exc.strerror}") from None
    try:
        if not create:
            _require_record(engine, where)
        migrate.upgrade(engine)
    except DatabaseError as exc:
        engine.dispose()
        raise RecordUnavailable(open_failure(exc.orig, path, where)) from None
    except CommandError as exc:
        engine.dispose()
        raise RecordUnavailable(f"cannot open the database {where}: its schema is unknown to "
                                f"this version of NMRF Desktop ({_one_line(exc)})") from None
    except RecordUnavailable:
        engine.dispose()
        raise
    return Record(engine)


def _require_record(engine: Engine, where: str) -> None:
    """RecordMissing for a database with nothing in it; RecordUnavailable for one that
    holds something else than a record (no schema version of ours)."""
    if migrate.current_revision(engine) is not None:
        return
    if inspect(engine).get_table_names():
        raise RecordUnavailable(f"cannot open the database {where}: it holds other data, not "
                                "an NMRF Desktop record")
    raise RecordMissing(where)
