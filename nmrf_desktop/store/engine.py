"""Engine and session setup: SQLite done right (WAL, synchronous=FULL, foreign keys), and
its files (database, WAL, SHM, journal) and the data folder its owner's only on POSIX."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from nmrf_desktop.files import (
    OWNER_ONLY,
    PRIVATE_FOLDER,
    create_private_file,
    private_folder,
    tighten,
)
from nmrf_desktop.paths import RECORD_FOLDERS, SQLITE_COMPANIONS, user_data_dir
from nmrf_desktop.store import postgres

log = logging.getLogger(__name__)


def database_url(target: str | Path) -> URL:
    """A SQLAlchemy URL for a path or a URL string ('postgresql://…', 'sqlite:///…')."""
    text = str(target)
    if "://" in text:
        return make_url(text)
    return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _owner_only(database: Path) -> tuple[Callable[..., None], Callable[..., None]]:
    """Two hooks that keep a database file and its companions owner-only whatever the umask.

    Before SQLite opens the file, a missing one is made empty with mode 0600 (SQLite fills an
    empty file in); when a connection is made, the file is tightened to 0600 first (one made
    by an older version), then the pragmas run (turning WAL on makes the -wal and -shm files,
    which SQLite gives the database file's mode), then the companions are tightened too.
    """
    companions = [database.with_name(database.name + s) for s in SQLITE_COMPANIONS]

    def before_connect(*_args: Any) -> None:
        try:
            if create_private_file(database):
                log.debug("made %s (mode 0600)", database)
        except OSError:
            pass  # SQLite opens it, or says what is wrong, in its own words

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        _guarded_tighten(database)
        _sqlite_pragmas(dbapi_connection, record)
        for companion in companions:
            _guarded_tighten(companion)

    return before_connect, on_connect


def _guarded_tighten(path: Path) -> None:
    try:
        tighten(path, OWNER_ONLY)
    except OSError as exc:  # a file of another user's, a read-only disk: it still opens
        log.warning("cannot make %s owner-only: %s", path, exc.strerror or exc)


def secure_data_folder(folder: Path) -> None:
    """The folder of a database file: made owner-only when missing; when it is the app's
    own data folder (or inside it) that folder is tightened too, and in any case the
    record's own folders in it (evidence, keys, sent, held) are. A folder the user chose for
    the database is otherwise left as it is."""
    home = user_data_dir()
    inside_home = folder == home or home in folder.parents
    private_folder(folder, tighten_existing=False)  # one that cannot be made: not opened
    ours = [home, folder] if inside_home else []
    for path in [*ours, *(folder / name for name in RECORD_FOLDERS)]:
        _guarded_tighten_folder(path)  # one that cannot be changed is logged, and opens


def _guarded_tighten_folder(path: Path) -> None:
    try:
        if path.is_dir():
            tighten(path, PRIVATE_FOLDER)
    except OSError as exc:
        log.warning("cannot make %s owner-only: %s", path, exc.strerror or exc)


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # Writers say BEGIN IMMEDIATE: they take the write lock up front, so two writers
    # queue (busy_timeout) instead of failing half-way when a read turns into a write.
    # Readers (execution option sqlite_begin="DEFERRED") never take the write lock.
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(target: str | Path) -> Engine:
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        if url.database and url.database != ":memory:":
            database = Path(url.database)
            secure_data_folder(database.parent)
            before_connect, on_connect = _owner_only(database)
            event.listen(engine, "do_connect", before_connect)
            event.listen(engine, "connect", on_connect)
        else:
            event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif url.get_backend_name() == "postgresql":
        engine = postgres.configure_engine(
            create_engine(postgres.engine_url(url), pool_pre_ping=True))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    log.debug("engine for %s", url.render_as_string(hide_password=True))
    return engine


def make_session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(sqlite_begin="DEFERRED") if readonly else engine
    return sessionmaker(bind, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with factory() as session, session.begin():
        yield session
