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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy import URL, Engine, select
from sqlalchemy.exc import DatabaseError
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
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: all of it commits, or none of it does."""
        with self._sessions() as session, session.begin():
            yield session

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


def policy_refusal(target: str | Path) -> str | None:
    """Why the organisation's policy forbids opening or creating the database `target`
    (a path or URL), or None.

    The policy's data folder limits database files: a path, or a sqlite:/// URL naming one.
    An in-memory SQLite database and a server URL (postgresql://…) are no file on this
    computer, so the folder does not limit them: a server's storage is its administrators'.
    """
    return _url_refusal(database_url(target))


def require_allowed(target: str | Path) -> None:
    """Raise DatabaseRefused when the policy forbids a database at `target` (see above)."""
    _require(database_url(target))


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


def open_record(target: str | Path, *, create: bool = True,
                app_owned: bool = False) -> Record:
    """Open (and if needed create) a database and upgrade its schema to head.

    First the organisation's policy: DatabaseRefused, and nothing created, when it allows no
    database at `target` (see `policy_refusal`). `app_owned=True` skips that check; it is
    only for databases the app makes for itself (the demo, the self-test's, a backup's
    verification copy), never for a place a user or a command line named.
    """
    url = database_url(target)
    if not app_owned:
        _require(url)
    if (url.get_backend_name() == "sqlite" and not create and url.database
            and not Path(url.database).exists()):
        raise FileNotFoundError(f"no database at {url.database}")
    where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(
        hide_password=True)
    try:
        engine = make_engine(target)
    except OSError as exc:
        raise RecordUnavailable(f"cannot create the database {where}: {exc.strerror}") from None
    try:
        migrate.upgrade(engine)
    except DatabaseError as exc:
        engine.dispose()
        raise RecordUnavailable(f"cannot open the database {where}: {exc.orig}") from None
    except CommandError as exc:
        engine.dispose()
        raise RecordUnavailable(f"cannot open the database {where}: its schema is unknown to "
                                f"this version of NMRF Desktop ({exc})") from None
    return Record(engine)
