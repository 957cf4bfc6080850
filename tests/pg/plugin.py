"""`pytest --engine=postgresql`: the store, search, bundle and report tests on PostgreSQL.

The same test functions run on both engines. With --engine=postgresql (or
NMRF_TEST_ENGINE=postgresql), every central record a test opens by a SQLite path
(the `record` fixture, a bundle world's central record, a module's shared record, the
CLI's --db) is opened instead as a fresh PostgreSQL database, cloned from a template that
the migrations built once per session. Officers' laptops (laptop.sqlite3) stay SQLite, as
in the field. The server is NMRF_TEST_PG_URL (see .ci/postgres); without it every test is
skipped with that reason. Tests outside the matrix, or about SQLite itself, are skipped.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

ENV_URL = "NMRF_TEST_PG_URL"
# The matrix: these folders run on both engines (acceptance 1 of issue 7).
SUITES = ("tests/unit/store", "tests/unit/exchange", "tests/unit/reports", "tests/pg")
# Records that stay SQLite on PostgreSQL runs: officers' laptops.
LAPTOP_NAMES = frozenset({"laptop.sqlite3"})
# Hostile rows written straight into the central SQLite file with sqlite3 (inf in an
# integer column, a path in a hash, text in a date): PostgreSQL's column types refuse most
# of them outright, and the downstream code that reads them is the same on both engines.
_POISON = "writes hostile rows into the SQLite file with sqlite3"
# Tests about SQLite itself: its PRAGMAs, files, and batch migrations of old SQLite files.
SQLITE_ONLY = {
    "tests/unit/store/test_migrations.py::test_first_migration_database_upgrades_to_head":
        "builds a SQLite file at revision 0001",
    "tests/unit/store/test_migrations.py::test_sqlite_is_configured_for_durability":
        "checks SQLite PRAGMAs",
    "tests/unit/store/test_migrations.py::test_upgrade_keeps_linked_taxonomy_terms":
        "checks SQLite's batch rebuild of a table at revision 0003",
    "tests/unit/exchange/test_durability.py":
        "hands the SQLite file path (engine.url.database) to a child process it kills; "
        "tests/pg covers real concurrent processes on PostgreSQL",
    "tests/unit/exchange/test_indicator_chain.py::"
    "test_a_kill_mid_merge_leaves_nothing_and_a_retry_merges":
        "hands the SQLite file path to a child process it kills (as test_durability does)",
    "tests/unit/reports/test_workbook.py":
        "its record snapshot reads sqlite_master and compares raw SQL dates as text "
        "(test helper, not the app: use sqlalchemy.inspect(...).get_table_names())",
    "tests/unit/exchange/test_pack_hostile.py::test_poisoned_rows_are_left_out_of_the_pack_and_named":
        _POISON,
    "tests/unit/exchange/test_pack_hostile.py::"
    "test_a_poisoned_recommendation_is_left_out_with_what_leans_on_it": _POISON,
    "tests/unit/exchange/test_pack_hostile.py::"
    "test_a_row_that_cannot_even_be_read_is_left_out_and_named": _POISON,
    "tests/unit/reports/test_hostile_rows.py": _POISON,
    "tests/unit/exchange/test_bundle_fuzz.py":
        "copies the central record's SQLite file for every example (on PostgreSQL each "
        "example would be a new, migrated database); the checks it drives are the same",
    "tests/unit/store/test_audit.py::test_every_field_is_covered_by_the_hash":
        "tampers with audit_log, which PostgreSQL refuses outright "
        "(tests/pg/test_postgres.py::test_audit_log_is_append_only)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine", choices=("sqlite", "postgresql"),
        default=os.environ.get("NMRF_TEST_ENGINE", "sqlite"),
        help="database engine for central records (postgresql needs NMRF_TEST_PG_URL)")


def engine_of(config: pytest.Config) -> str:
    return str(config.getoption("--engine"))


class PgServer:
    """Fresh databases on the test server, cloned from a migrated template."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.template = f"nmrf_tmpl_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []
        self.routes: dict[Path, str] = {}
        self._template_ready = False

    def _admin(self, sql: str) -> None:
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def database_url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def fresh(self, *, migrated: bool = True) -> str:
        """The URL of a new database: at head (cloned from the template) or empty."""
        if migrated and not self._template_ready:
            from nmrf_desktop.store import migrate
            from nmrf_desktop.store.engine import make_engine

            self._admin(f'CREATE DATABASE "{self.template}"')
            self.created.append(self.template)
            engine = make_engine(self.database_url(self.template))
            migrate.upgrade(engine)
            engine.dispose()
            self._template_ready = True
        name = f"nmrf_t_{uuid.uuid4().hex[:12]}"
        template = self.template if migrated else "template0"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return self.database_url(name)

    def route(self, target: object) -> object:
        """A SQLite path becomes its own PostgreSQL database; laptops and URLs stay."""
        if not isinstance(target, (str, Path)) or "://" in str(target):
            return target
        path = Path(target).expanduser().resolve()
        if path.name in LAPTOP_NAMES:
            return target
        if path not in self.routes:
            self.routes[path] = self.fresh()
        return self.routes[path]

    def drop_all(self) -> None:
        for name in reversed(self.created):
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:  # a leftover database is no test failure
                log.warning("could not drop test database %s: %s", name, exc)
        self.created.clear()


_server: PgServer | None = None


def server() -> PgServer:
    assert _server is not None, "PostgreSQL tests need --engine=postgresql and " + ENV_URL
    return _server


def pytest_configure(config: pytest.Config) -> None:
    global _server
    config.addinivalue_line("markers", "postgresql_only: needs a PostgreSQL server "
                            "(--engine=postgresql)")
    if engine_of(config) != "postgresql" or not os.environ.get(ENV_URL):
        return
    _server = PgServer(os.environ[ENV_URL])
    from nmrf_desktop.services import record as record_module

    database_url, make_engine = record_module.database_url, record_module.make_engine
    # open_record names its database through these two: route central records to PG.
    record_module.database_url = lambda target: database_url(_server.route(target))  # type: ignore[union-attr,assignment]
    record_module.make_engine = lambda target: make_engine(_server.route(target))  # type: ignore[union-attr,assignment]


def pytest_unconfigure(config: pytest.Config) -> None:
    global _server
    if _server is not None:
        _server.drop_all()
        _server = None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    if engine_of(config) != "postgresql":
        for item in items:
            if item.get_closest_marker("postgresql_only"):
                item.add_marker(pytest.mark.skip(reason="PostgreSQL only: run with "
                                                        "--engine=postgresql"))
        return
    no_server = not os.environ.get(ENV_URL)
    for item in items:
        where = Path(str(item.path)).resolve().relative_to(root).as_posix()
        node = where + "::" + item.name.split("[")[0]
        if no_server:
            reason = f"--engine=postgresql needs {ENV_URL} (start one with .ci/postgres)"
        elif not where.startswith(SUITES):
            reason = "not in the PostgreSQL test matrix (store, search, bundles, reports)"
        else:
            reason = SQLITE_ONLY.get(node, SQLITE_ONLY.get(where, ""))
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
