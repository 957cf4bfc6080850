"""Migrations: a database made by the first migration upgrades to head, data intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from nmrf_desktop.services.record import open_record
from nmrf_desktop.store import migrate
from nmrf_desktop.store.engine import make_engine

# Every new record here is built by the migrations themselves (tests/new_records.py).
pytestmark = pytest.mark.real_migrations


def test_first_migration_database_upgrades_to_head(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO states (name, regional_group) VALUES ('Fiji', 'Asia')"))
    engine.dispose()

    record = open_record(path)  # the app upgrades on open
    assert migrate.current_revision(record.engine) == migrate.head_revision(record.engine)
    with record.reading() as session:
        assert session.execute(text("SELECT name FROM states")).scalars().all() == ["Fiji"]
        assert session.execute(text("SELECT count(*) FROM agencies")).scalar_one() > 0
    record.close()


def test_sqlite_is_configured_for_durability(record) -> None:  # type: ignore[no-untyped-def]
    with record.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_migrations_build_exactly_the_models(record) -> None:  # type: ignore[no-untyped-def]
    """No drift: the schema the migrations build is the schema the ORM models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nmrf_desktop.store.models import Base

    def include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        return not (type_ == "table" and name.startswith("recommendation_fts"))

    with record.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_keeps_linked_taxonomy_terms(tmp_path: Path) -> None:
    """0004 rebuilds `terms`, which recommendations reference: data and links survive."""
    path = tmp_path / "linked.sqlite3"
    engine = make_engine(path)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO recommendations (id, num, reference, source, source_id, source_hash, "
            "country, text, paragraph, document_symbol, mechanism, body, te_tiriti, withdrawn,"
            " version, created_at, updated_at) VALUES ('r1', 1, 'NZL-UPR18-001', 'upr-info', "
            "'s1', '', 'New Zealand', 'Protect whānau', '', '', 'upr', 'UPR', 0, 0, 1, "
            "'2026-01-01', '2026-01-01')"))
        conn.execute(text("INSERT INTO terms (id, kind, label) VALUES (7, 'sdg', "
                          "'16.3 - Promote the rule of law')"))
        conn.execute(text("INSERT INTO recommendation_terms VALUES ('r1', 7)"))
    engine.dispose()
    record = open_record(path)
    with record.reading() as session:
        assert session.execute(text("SELECT recommendation_id, term_id FROM "
                                    "recommendation_terms")).all() == [("r1", 7)]
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    record.close()
