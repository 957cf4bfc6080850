"""PostgreSQL for the central record: schema extras, writer serialisation, integrity checks.

What PostgreSQL gets that SQLite does differently:

- Full-text search: a `recommendation_fts` table with the same columns as SQLite's FTS5
  table (rowid = recommendations.num, text, meta) plus a generated, GIN-indexed tsvector
  in the `nmrf` text search configuration: `unaccent` then an English Snowball stemmer
  without stop words, so "Maori" finds "Māori" and back, as FTS5's
  "porter unicode61 remove_diacritics 2" does. Queries: store/search_pg.py.
  A second index, RUM (the `rum` extension, Debian's postgresql-NN-rum), stores word
  positions, so the best matches come out of the index in rank order: a common word's
  first page no longer scores every match on the heap. It indexes the expression
  RANK_DOC, not `doc`, so the planner never picks it for plain matching and counting,
  where GIN is much faster (an AND with a rare word: 10 ms against 110 ms). Without the
  extension search still works, ranking every match (the log says what to install).
- The audit log is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
- Writers serialise on one advisory lock taken when a write transaction begins: the
  PostgreSQL equivalent of SQLite's BEGIN IMMEDIATE, which every service's
  read-then-write code assumes (next number, chain head, already-applied changes).
  Readers (sessions marked `sqlite_begin="DEFERRED"`) never wait. The audit chain takes
  its own advisory lock too, so an append outside a service can never fork it.
- Evidence files stay in a folder (Record.evidence_root), not in the database: they are
  content-addressed blobs (SHA-256 names) shared with bundles, which carry and verify
  them by hash; the database holds the hashes. Files of hundreds of megabytes stream to
  and from disk without passing through SQL, backups copy them incrementally, and the
  same BlobStore code serves SQLite and PostgreSQL records.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, Table, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from nmrf_desktop.store.models import AuditEvent, Base, Recommendation

log = logging.getLogger(__name__)

FTS_TABLE = "recommendation_fts"
TS_CONFIG = "nmrf"
RANK_INDEX = f"ix_{FTS_TABLE}_rank"
# The same tsvector, as an expression only the RUM index is on.
RANK_DOC = f"({FTS_TABLE}.doc || ''::tsvector)"
# pg_advisory_xact_lock keys (any bigint; these spell "NMRFWRIT" and "NMRFAUDT").
WRITE_LOCK = 0x4E4D524657524954
AUDIT_LOCK = 0x4E4D524641554454
# A writer waiting longer than this for another writer fails instead of hanging.
WRITE_LOCK_TIMEOUT = "120s"

SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Porter-like stemming with no stop words: FTS5 indexes every word, so must we.
    "CREATE TEXT SEARCH DICTIONARY nmrf_english_stem (TEMPLATE = snowball, "
    "Language = english)",
    f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} ALTER MAPPING FOR asciiword, asciihword, "
    "hword_asciipart, word, hword, hword_part WITH unaccent, nmrf_english_stem",
    f"""CREATE TABLE {FTS_TABLE} (
        rowid integer PRIMARY KEY,
        text text NOT NULL,
        meta text NOT NULL DEFAULT '',
        doc tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{TS_CONFIG}'::regconfig, text), 'A')
            || setweight(to_tsvector('{TS_CONFIG}'::regconfig, meta), 'B')) STORED)""",
    f"CREATE INDEX ix_{FTS_TABLE}_doc ON {FTS_TABLE} USING gin (doc)",
    """CREATE FUNCTION nmrf_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused';
    END $$""",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION nmrf_audit_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION nmrf_audit_append_only()",
)

UNDO = (
    "DROP TRIGGER audit_log_no_truncate ON audit_log",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP FUNCTION nmrf_audit_append_only()",
    f"DROP TABLE {FTS_TABLE}",
    f"DROP TEXT SEARCH CONFIGURATION {TS_CONFIG}",
    "DROP TEXT SEARCH DICTIONARY nmrf_english_stem",
)


def install_schema(conn: Connection) -> None:
    """Create the PostgreSQL-only objects (run by the migration)."""
    for statement in SCHEMA:
        conn.exec_driver_sql(statement)
    collation = conn.exec_driver_sql("SHOW lc_collate").scalar()
    if collation not in ("C", "POSIX", "C.UTF-8", "C.utf8"):
        log.warning("database collation is %s: text sorts differently from SQLite; create the "
                    "database with LC_COLLATE 'C.UTF-8' (or 'C') for the same order", collation)


def has_rank_index(conn: Connection) -> bool:
    """Whether the RUM index that returns matches in rank order exists.

    A yes is remembered per connection; a no is asked again, so an index created by
    another connection is used as soon as it exists.
    """
    if conn.info.get("nmrf_rank_index"):
        return True
    known = conn.exec_driver_sql("SELECT 1 FROM pg_indexes WHERE indexname = %(name)s",
                                 {"name": RANK_INDEX}).first() is not None
    if known:
        conn.info["nmrf_rank_index"] = True
    return known


def rum_available(conn: Connection) -> bool:
    """Whether the server has the `rum` extension to install; the log says so if not."""
    available = conn.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'rum'").first() is not None
    if not available:
        log.warning("PostgreSQL has no 'rum' extension: search ranks every match "
                    "(install postgresql-NN-rum on the server, then reopen the record)")
    return available


def install_rank_index(conn: Connection) -> bool:
    """Create the RUM rank index if the server has the extension (and we may add it).

    Returns whether the index exists. A server without `rum`, or a role that may not
    create extensions, is not an error: search then ranks every match, slower for
    common words, and the log says what to install.
    """
    conn.info.pop("nmrf_rank_index", None)
    installed = conn.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'rum'").first() is not None
    if not installed:
        if not rum_available(conn):
            return False
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS rum")
        except DBAPIError as exc:
            log.warning("could not create the 'rum' extension (%s): search ranks every "
                        "match; a database owner can run CREATE EXTENSION rum",
                        str(exc.orig).strip())
            return False
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {RANK_INDEX} ON {FTS_TABLE} "
                         "USING rum ((doc || ''::tsvector) rum_tsvector_ops)")
    # Statistics for the indexed expression: without them the planner guesses its
    # selectivity (7 rows for "ensuring that", which matches 20,000).
    conn.exec_driver_sql(f"ANALYZE {FTS_TABLE}")
    conn.info["nmrf_rank_index"] = True
    return True


def remove_rank_index(conn: Connection) -> None:
    conn.info.pop("nmrf_rank_index", None)
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {RANK_INDEX}")


def remove_schema(conn: Connection) -> None:
    for statement in UNDO:
        conn.exec_driver_sql(statement)


def engine_url(url: URL) -> URL:
    """'postgresql://…' means psycopg 3 here (SQLAlchemy's default would be psycopg2)."""
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def _begin(conn: Connection) -> None:
    # Same execution option as SQLite's: readers say DEFERRED and never take the lock.
    if conn.get_execution_options().get("sqlite_begin", "IMMEDIATE") == "DEFERRED":
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'")
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")


def configure_engine(engine: Engine) -> Engine:
    """Writers queue on one transaction-scoped advisory lock, as BEGIN IMMEDIATE does."""
    event.listen(engine, "begin", _begin)
    return engine


def lock_audit_chain(conn: Connection) -> None:
    """Hold the chain head until this transaction ends: appends never fork the chain."""
    conn.execute(text(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})"))


def search_index_problems(conn: Connection) -> list[str]:
    """catalog.check's search-index checks, in PostgreSQL's SQL."""
    problems: list[str] = []
    indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {FTS_TABLE}").scalar_one()
    total = conn.exec_driver_sql("SELECT count(*) FROM recommendations").scalar_one()
    if indexed != total:
        problems.append(f"search index holds {indexed} rows for {total} recommendations")
    missing = conn.exec_driver_sql(
        "SELECT count(*) FROM recommendations AS r WHERE NOT EXISTS "
        f"(SELECT 1 FROM {FTS_TABLE} AS f WHERE f.rowid = r.num)").scalar_one()
    if missing:
        problems.append(f"search index: {missing} recommendations are not in it")
    stray = conn.exec_driver_sql(
        f"SELECT count(*) FROM {FTS_TABLE} AS f WHERE NOT EXISTS "
        "(SELECT 1 FROM recommendations AS r WHERE r.num = f.rowid)").scalar_one()
    if stray:
        problems.append(f"search index: {stray} entries belong to no recommendation")
    stale = conn.exec_driver_sql(
        f"SELECT count(*) FROM recommendations AS r JOIN {FTS_TABLE} AS f ON f.rowid = r.num "
        "WHERE f.text IS DISTINCT FROM r.text").scalar_one()
    if stale:
        problems.append(f"search index: {stale} entries hold an out-of-date text")
    return problems


# Moving a record between engines (`nmrf migrate-to`) -------------------------------------


class TransferRefused(Exception):
    """The target cannot take the record (not empty), or the copy did not verify."""


def _tables() -> list[Table]:

    return Base.metadata.sorted_tables


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table, the search index included."""
    from sqlalchemy import func, select

    counts = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
              for t in _tables()}
    counts[FTS_TABLE] = int(conn.exec_driver_sql(f"SELECT count(*) FROM {FTS_TABLE}").scalar_one())
    return counts


def _ensure_empty(conn: Connection) -> None:
    for table in (Recommendation.__table__, AuditEvent.__table__):
        if conn.exec_driver_sql(f"SELECT count(*) FROM {table.name}").scalar_one():
            raise TransferRefused(f"the target already holds a record ({table.name} is not "
                                  "empty); give a new, empty database")
    # Only what the migrations seeded (agencies, lead agencies): the copy brings its own.
    for table in reversed(_tables()):
        if table.name != AuditEvent.__tablename__:
            conn.execute(table.delete())


def _reset_sequences(conn: Connection) -> None:
    """After rows came in with their own ids, the next generated id follows the largest."""
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and \
                pk[0].type.python_type is int:
            col = pk[0].name
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col}'), "
                f"coalesce(max({col}), 0) + 1, false) FROM {table.name}")


def copy_rows(source: Connection, target: Connection, batch: int = 5000) -> None:
    """Copy every table and the search index from `source` into an empty `target`."""
    _ensure_empty(target)
    for table in _tables():
        result = source.execute(table.select()).mappings()
        while rows := result.fetchmany(batch):
            target.execute(table.insert(), [dict(r) for r in rows])
    # The rank index is built once at the end: kept up to date row by row, it made
    # copying 270,000 recommendations three times slower (155 s against 51 s).
    ranked = target.dialect.name == "postgresql" and has_rank_index(target)
    if ranked:
        remove_rank_index(target)
    entries = source.exec_driver_sql(f"SELECT rowid, text, meta FROM {FTS_TABLE}")
    while fts_rows := entries.fetchmany(batch):
        if target.dialect.name == "postgresql":
            target.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE} (rowid, text, meta) VALUES (%s, %s, %s)",
                [tuple(r) for r in fts_rows])
        else:
            target.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE} (rowid, text, meta) VALUES (?, ?, ?)",
                [tuple(r) for r in fts_rows])
    if ranked:
        install_rank_index(target)
    if target.dialect.name == "postgresql":
        _reset_sequences(target)


def evidence_hashes(conn: Connection) -> set[str]:
    """The SHA-256 of every evidence file the record names."""
    rows = conn.exec_driver_sql("SELECT DISTINCT sha256 FROM evidence WHERE sha256 IS NOT NULL")
    return {h for (h,) in rows if h}


def audit_head(conn: Connection) -> tuple[int, str]:
    """How many audit events, and the hash of the last one."""
    count = int(conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one())
    head = conn.exec_driver_sql("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").scalar()
    return count, head or ""
