"""Run the Alembic migrations in db/: upgrade a database to head when it is opened."""

from __future__ import annotations

import functools
import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from nmrf_desktop.paths import migrations_dir
from nmrf_desktop.store import postgres

log = logging.getLogger(__name__)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str:
    return _head_of(str(migrations_dir()))


@functools.cache
def _head_of(location: str) -> str:
    """The newest revision among the scripts at `location`, read once per process (loading
    the scripts costs a third of a second, and every record opened asks)."""
    config = Config()
    config.set_main_option("script_location", location)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is already there."""
    if revision == "head" and current_revision(engine) == head_revision(engine):
        _ensure_rank_index(engine)
        return
    log.info("upgrading database schema to %s", revision)
    command.upgrade(alembic_config(engine), revision)


def _ensure_rank_index(engine: Engine) -> None:
    """A PostgreSQL record opened after the server gained `rum` gets its rank index then."""
    if engine.dialect.name != "postgresql":
        return
    # A reader's connection, and without the extension no write transaction at all:
    # either would otherwise wait for any coordinator importing at the time.
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        if postgres.has_rank_index(conn) or not postgres.rum_available(conn):
            return
    with engine.begin() as conn:
        if postgres.install_rank_index(conn):
            log.info("created the search rank index")
