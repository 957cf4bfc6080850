"""Fixtures for the PostgreSQL-only tests: a server, fresh databases, SQLite sources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop.services.record import Record
from nmrf_desktop.store import migrate
from nmrf_desktop.store.engine import make_engine

from .plugin import PgServer, server


@pytest.fixture
def pg() -> PgServer:
    """The test server (these tests are skipped unless --engine=postgresql and a URL)."""
    return server()


@pytest.fixture
def pg_url(pg: PgServer) -> str:
    """A new database at the head revision."""
    return pg.fresh()


def sqlite_record(path: Path) -> Record:
    """A SQLite record whatever --engine says (open_record would route it to PostgreSQL)."""
    engine = make_engine(path)
    migrate.upgrade(engine)
    return Record(engine)


@pytest.fixture
def sqlite_source(tmp_path: Path) -> Iterator[Record]:
    rec = sqlite_record(tmp_path / "source" / "central.sqlite3")
    yield rec
    rec.close()


# The report tests' record (actions, progress, evidence files) is the migrate-to source.
from tests.unit.reports.conftest import report_record  # noqa: E402,F401
