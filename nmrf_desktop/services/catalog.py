"""Read-side use cases: search, statistics, the integrity check."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters, RecommendationRow
from nmrf_desktop.services.backup.database import is_sqlite_file, quick_check
from nmrf_desktop.services.record import Record, RecordUnavailable, not_damage
from nmrf_desktop.store import audit, postgres, search
from nmrf_desktop.store.engine import database_url
from nmrf_desktop.store.models import (
    Action,
    Agency,
    Assignment,
    Evidence,
    ProgressUpdate,
    Recommendation,
    State,
    Term,
)
from nmrf_desktop.store.recommendations import fetch_rows

log = logging.getLogger(__name__)
DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)  # the file, not a lock or a bug


def search_recommendations(record: Record, filters: Filters, *, limit: int | None = 50,
                           offset: int = 0) -> list[RecommendationRow]:
    with record.reading() as session:
        ids = search.search_ids(session, filters, limit=limit, offset=offset)
        return fetch_rows(session, ids)


def count_recommendations(record: Record, filters: Filters) -> int:
    with record.reading() as session:
        return search.count(session, filters)


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def stats(record: Record) -> dict[str, object]:
    """Counts of everything in the record (the keys are part of the CLI's stable JSON)."""
    with record.reading() as session:
        by_body = dict(session.execute(
            select(Recommendation.body, func.count()).group_by(Recommendation.body)
        ).tuples().all())
        return {
            "recommendations": _count(session, Recommendation),
            "assignments": int(session.execute(select(func.count()).select_from(Assignment)
                                               .where(Assignment.active.is_(True))).scalar_one()),
            "actions": _count(session, Action),
            "progress_updates": _count(session, ProgressUpdate),
            "evidence": int(session.execute(select(func.count()).select_from(Evidence)
                                            .where(Evidence.removed.is_(False))).scalar_one()),
            "agencies": _count(session, Agency),
            "states": _count(session, State),
            "terms": _count(session, Term),
            "by_body": by_body,
        }


def file_problems(target: str | Path) -> list[str]:
    """What is wrong with a SQLite database file, found before opening it (nothing written).

    [] for a sound file, one not made yet, an empty one (SQLite's new database) and a server
    URL; else the problems, the first naming the file: damaged, or not a database at all.
    A file that is read-only, locked or unreadable is no damage: RecordUnavailable says so.
    """
    url = database_url(target)
    if url.get_backend_name() != "sqlite" or url.database is None or url.database in (
            "", ":memory:"):
        return []
    path = Path(url.database)
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:  # a file that cannot be read is no damaged database, nor "not a database"
        path.open("rb").close()
    except OSError as exc:
        raise RecordUnavailable(f"cannot open the database {path}: "
                                f"{(exc.strerror or str(exc)).lower()}") from None
    if not is_sqlite_file(path):  # SQLite takes a file shorter than its header for new
        return [f"{path} is not a database"]
    problems = quick_check(path)
    refusal = not_damage(path) if problems else None
    if refusal is not None:  # read-only, locked, unreadable: no damage, said as it is
        raise refusal
    if problems:
        log.info("%s fails its quick check: %s", path, problems[0])
        return [f"{path} is damaged: {problems[0]}", *problems[1:]]
    return []


def check(record: Record) -> list[str]:
    """Everything wrong with the database: integrity, foreign keys, search index, audit chain.

    A SQLite file too damaged to read to the end is one problem naming it, not an exception.
    """
    problems: list[str] = []
    try:
        with record.reading() as session:
            if record.is_sqlite:
                result = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
                if result != ["ok"]:
                    problems += [f"integrity: {r}" for r in result]
                for row in session.execute(text("PRAGMA foreign_key_check")):
                    problems.append(f"foreign key: {row[0]} row {row[1]} points to missing "
                                    f"{row[2]}")
                problems += _search_index_problems(session)
            elif record.engine.dialect.name == "postgresql":
                problems += postgres.search_index_problems(session.connection())
            problems += audit.verify(session)
    except DatabaseError as exc:
        if not (record.is_sqlite and _is_damage(exc.orig)):
            raise
        log.info("%s cannot be read to the end: %s", record.location, exc.orig)
        problems.insert(0, f"{record.engine.url.database} is damaged: {exc.orig}")
    return problems


def _is_damage(error: BaseException | None) -> bool:
    """A SQLite error that says the file itself is damaged (not busy, not a mistake)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in DAMAGE_CODES


def _search_index_problems(session: Session) -> list[str]:
    """The search index must hold exactly one entry per recommendation, with its text."""
    fts = search.FTS_TABLE
    problems: list[str] = []
    indexed = session.execute(text(f"SELECT count(*) FROM {fts}")).scalar_one()
    total = _count(session, Recommendation)
    if indexed != total:
        problems.append(f"search index holds {indexed} rows for {total} recommendations")
    missing = session.execute(text(
        f"SELECT count(*) FROM recommendations WHERE num NOT IN (SELECT rowid FROM {fts})"
    )).scalar_one()
    if missing:
        problems.append(f"search index: {missing} recommendations are not in it")
    stray = session.execute(text(
        f"SELECT count(*) FROM {fts} WHERE rowid NOT IN (SELECT num FROM recommendations)"
    )).scalar_one()
    if stray:
        problems.append(f"search index: {stray} entries belong to no recommendation")
    stale = session.execute(text(
        f"SELECT count(*) FROM recommendations AS r JOIN {fts} AS f ON f.rowid = r.num "
        "WHERE f.text IS NOT r.text"
    )).scalar_one()
    if stale:
        problems.append(f"search index: {stale} entries hold an out-of-date text")
    return problems


def agencies(record: Record) -> list[tuple[str, str, str]]:
    with record.reading() as session:
        return [tuple(r) for r in session.execute(
            select(Agency.code, Agency.name_en, Agency.name_mi).order_by(Agency.code))]


def ids_for_references(record: Record, references: list[str]) -> dict[str, str]:
    """Recommendation ids by human reference, for the references that exist."""
    with record.reading() as session:
        return dict(session.execute(select(Recommendation.reference, Recommendation.id).where(
            Recommendation.reference.in_(references))).tuples().all())
