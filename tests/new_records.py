"""New SQLite records in tests start as a page-for-page copy of one the migrations built.

Running the fourteen migrations on a new file costs one to three seconds, and the suite makes
thousands of records (every `record` fixture, every central record and laptop a test builds).
So the first new record in each test process is built by the real migrations, and every later
one is filled from it with SQLite's backup API: the same schema, the same seeded rows, the
same `alembic_version`, byte for byte the database the migrations make. Only an empty SQLite
database upgraded to head is filled this way; a database with anything in it (an upgrade from
an older revision, a file that is not a record) goes through the real migrations, and so does
every test in a module marked `real_migrations` (tests/unit/store/test_migrations.py).
Records opened by `nmrf` in a subprocess (the end-to-end tests) always run the migrations.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nmrf_desktop.store import migrate

_real_upgrade = migrate.upgrade
_state: dict[str, object] = {"enabled": True}
_lock = threading.Lock()


def _template() -> Path:
    """This process's migrated template (built on first use, by the real migrations)."""
    with _lock:
        path = _state.get("path")
        if isinstance(path, Path):
            return path
        from nmrf_desktop.store.engine import make_engine

        folder = Path(tempfile.mkdtemp(prefix="nmrf-template-"))
        path = folder / "template.sqlite3"
        engine = make_engine(path)
        _real_upgrade(engine)
        engine.dispose()  # the last connection checkpoints the WAL into the file
        _state["path"] = path
        return path


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0


def upgrade(engine: Engine, revision: str = "head") -> None:
    """`migrate.upgrade`, with an empty SQLite database filled from the template."""
    if (revision != "head" or not _state["enabled"] or engine.dialect.name != "sqlite"
            or engine.url.database in (None, "", ":memory:") or not _is_empty(engine)):
        _real_upgrade(engine, revision)
        return
    # A connection of its own each time: records are opened on worker threads too.
    source = sqlite3.connect(f"file:{_template()}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        source.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
        source.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_migrations: new records in this test run the "
                            "migrations themselves (not a copy of a migrated template)")
    migrate.upgrade = upgrade  # type: ignore[assignment]


def pytest_runtest_setup(item: pytest.Item) -> None:
    _state["enabled"] = item.get_closest_marker("real_migrations") is None


def pytest_unconfigure(config: pytest.Config) -> None:
    migrate.upgrade = _real_upgrade  # type: ignore[assignment]
    path = _state.pop("path", None)
    if isinstance(path, Path):
        shutil.rmtree(path.parent, ignore_errors=True)
