"""Alembic environment: migrations run on the engine the app hands over (SQLite or PostgreSQL)."""

from __future__ import annotations

from alembic import context

from nmrf_desktop.store.models import Base

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Leave the full-text index's own tables out of autogenerate comparisons."""
    return not (type_ == "table" and name and name.startswith("recommendation_fts"))


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from nmrf_desktop.store.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, SQLite would refuse to
            # drop a referenced table. The PRAGMA only works outside a transaction, so it
            # goes straight to the driver before SQLAlchemy begins one.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=True,
            include_object=_include_object,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if sqlite:
                raw = connection.connection.driver_connection
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                raw.execute("PRAGMA foreign_keys=ON")
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:3]}")


run_migrations_online()
