"""Full-text search on PostgreSQL: the match and rank of store/search.py, per dialect.

store/search.py builds one query for both engines from two pieces defined here:
`fts_match(query)` and `fts_rank(query)`, where `query` is what `search.fts_query` makes
of the typed text ('"indigenous peoples" AND "land"*'). On SQLite they compile to exactly
what FTS5 wants (`recommendation_fts MATCH ?` and `recommendation_fts.rank`); on
PostgreSQL to a tsquery over the GIN-indexed tsvector (store/postgres.py) and
`-ts_rank(...)`, so that lower still ranks first.

When the RUM rank index exists (store/postgres.py) PostgreSQL ranks by RUM's distance
instead (`fts_distance`, chosen per session by `rank_key`), and a common word's page
comes from `read_in_rank_order`: matches read from the index in rank order, stopping
after the page, instead of every match scored on the heap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Float, NullType

from nmrf_desktop.store.postgres import FTS_TABLE, RANK_DOC, TS_CONFIG, has_rank_index

_PHRASE = re.compile(r'"([^"]*)"(\*?)')


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def tsquery_text(fts5_query: str) -> str:
    """The to_tsquery() text for an FTS5 query made by search.fts_query.

    Phrases become `'a' <-> 'b'`, a trailing * a prefix (`'b':*`), AND becomes &. The words
    are \\w+ (fts_query keeps nothing else) and are quoted, so no input is tsquery syntax.
    """
    parts = []
    for match in _PHRASE.finditer(fts5_query):
        words = [w for w in match.group(1).split() if w]
        if not words:
            continue
        quoted = [_quoted(w) for w in words]
        if match.group(2):
            quoted[-1] += ":*"
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)


class _FtsElement(ColumnElement):  # type: ignore[type-arg]
    """Holds the query twice, as FTS5 text and as tsquery text: one is rendered."""

    inherit_cache = True
    # as SQLAlchemy declares it (not a ClassVar): a list shared by the class
    _traverse_internals = [("fts5", InternalTraversal.dp_clauseelement),  # noqa: RUF012
                           ("tsq", InternalTraversal.dp_clauseelement)]
    type: TypeEngine[Any]

    def __init__(self, query: str) -> None:
        self.fts5: BindParameter[str] = bindparam(None, query, unique=True)
        self.tsq: BindParameter[str] = bindparam(None, self.tsquery_of(query), unique=True)

    @staticmethod
    def tsquery_of(query: str) -> str:
        return tsquery_text(query)


class fts_match(_FtsElement):
    """WHERE clause: the recommendation's index entry matches the query."""

    inherit_cache = True
    type = NullType()  # as the MATCH operator: SQLite must not render "= 1"


class fts_rank(_FtsElement):
    """ORDER BY key: how well the entry matches (lower first, as FTS5's bm25 rank)."""

    inherit_cache = True
    type = Float()


@compiles(fts_match)
def _match_sqlite(element: fts_match, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"{FTS_TABLE} MATCH {compiler.process(element.fts5, **kw)}"


@compiles(fts_rank)
def _rank_sqlite(element: fts_rank, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"{FTS_TABLE}.rank"


def _tsquery(element: _FtsElement, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"to_tsquery('{TS_CONFIG}'::regconfig, {compiler.process(element.tsq, **kw)})"


@compiles(fts_match, "postgresql")
def _match_pg(element: fts_match, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"{FTS_TABLE}.doc @@ {_tsquery(element, compiler, **kw)}"


@compiles(fts_rank, "postgresql")
def _rank_pg(element: fts_rank, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"-ts_rank({FTS_TABLE}.doc, {_tsquery(element, compiler, **kw)})"


def index_rows(session: Session, rows: Iterable[tuple[int, str, str]]) -> None:
    """Add (num, text, meta) rows to the PostgreSQL search index (the tsvector follows)."""
    params = [{"n": n, "t": t, "m": m} for n, t, m in rows]
    if params:
        session.connection().exec_driver_sql(
            f"INSERT INTO {FTS_TABLE} (rowid, text, meta) VALUES (%(n)s, %(t)s, %(m)s)",
            params)


def unindex(session: Session, nums: Sequence[int]) -> None:
    if nums:
        session.connection().exec_driver_sql(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = ANY(%(nums)s)", {"nums": list(nums)})


# The Snowball English stop words (PostgreSQL's english.stop): words that say nothing
# about how well a row matches, and whose posting lists are most of the index.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def rank_tsquery(fts5_query: str) -> tuple[str, bool]:
    """What `fts_distance` ranks by: the query's words that say something, ANDed, as typed.

    Stop words are left out ("continue the" ranks by "continue"), and so are phrases'
    word order and prefixes: RUM scores a prefix differently inside the index than `<=>`
    does on a row, and the order must be the same both ways. Only stop words: all the
    words. Also returns whether every row matching the query holds these words (so
    reading the rows that hold them finds every match): not when a word kept was the
    prefix ("rights" also matches "rightsholder").
    """
    kept: list[str] = []
    every: list[str] = []
    complete = True
    for match in _PHRASE.finditer(fts5_query):
        words = [w for w in match.group(1).split() if w]
        for index, word in enumerate(words):
            prefix = bool(match.group(2)) and index == len(words) - 1
            every.append(_quoted(word))
            if word.lower() not in STOP_WORDS:
                kept.append(_quoted(word))
                complete = complete and not prefix
    if not kept:
        return " & ".join(every), not fts5_query.endswith("*")
    return " & ".join(kept), complete


class _RankWords(_FtsElement):
    """Holds the words that rank (`rank_tsquery`) as its tsquery; PostgreSQL only."""

    inherit_cache = True

    @staticmethod
    def tsquery_of(query: str) -> str:
        return rank_tsquery(query)[0]


@compiles(_RankWords)
def _postgres_only(element: _RankWords, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    raise CompileError("ranking by RUM distance exists on PostgreSQL only")


class fts_distance(_RankWords):
    """ORDER BY key when the RUM rank index exists (lower first).

    RUM's distance to the words that rank (`rank_tsquery`), for the rows that hold
    them; infinity for the rows that match only through a longer word (the last word is
    a prefix as one types): "rights" ranks every row with "rights" above one with only
    "rightsholder". A different order from `fts_rank` (RUM's own formula), so all of
    one query's pages must use the same key: `rank_key` chooses it for a session.
    """

    inherit_cache = True
    type = Float()


@compiles(fts_distance, "postgresql")
def _distance_pg(element: fts_distance, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    # `doc <=> q` is `RANK_DOC <=> q` (the same tsvector) without copying it per row, and
    # infinite for a row without the words as typed (tests/pg/test_search_rank.py).
    return f"{FTS_TABLE}.doc <=> {_tsquery(element, compiler, **kw)}"


RankKey = type[_FtsElement]


def can_rank_in_index(session: Session) -> bool:
    conn = session.connection()
    return conn.dialect.name == "postgresql" and has_rank_index(conn)


def rank_key(session: Session) -> RankKey:
    """The ORDER BY key of text queries on this database (lower first)."""
    return fts_distance if can_rank_in_index(session) else fts_rank


class index_match(_RankWords):
    """WHERE clause for the RUM index (PostgreSQL only): the row holds the words that rank."""

    inherit_cache = True
    type: TypeEngine[Any] = NullType()


class index_distance(index_match):
    """ORDER BY key the RUM index returns rows in (PostgreSQL only)."""

    inherit_cache = True
    type = Float()


@compiles(index_match, "postgresql")
def _index_match_pg(element: index_match, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"{RANK_DOC} @@ {_tsquery(element, compiler, **kw)}"


@compiles(index_distance, "postgresql")
def _index_distance_pg(element: index_distance, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"{RANK_DOC} <=> {_tsquery(element, compiler, **kw)}"


class row_match(_FtsElement):
    """`fts_match` checked on each row the RUM index yields, never through GIN.

    With both indexes usable the planner ANDs them, misjudges how few rows survive
    (it takes the two conditions for independent: 189 rows for "address the", which
    has 6,710) and scores every match on the heap instead of reading the RUM order.
    """

    inherit_cache = True
    type = NullType()


@compiles(row_match, "postgresql")
def _row_match_pg(element: row_match, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
    return f"({FTS_TABLE}.doc @@ {_tsquery(element, compiler, **kw)}) IS TRUE"


def read_in_rank_order(session: Session, stmt: Select,  # type: ignore[type-arg]
                       want: int) -> list[tuple[int, float]]:
    """The best `want` rows of `stmt` (num, distance), ordered by (distance, num).

    `stmt` selects (num, distance) ORDER BY distance, as the RUM index yields its rows:
    best first, ties in no particular order. Rows are read (through a server-side
    cursor) until `want` are in hand and the next ranks strictly lower: every row not
    read ranks lower than every row read, so the slice is exact once the rows read are
    sorted by (distance, num). A slice ending inside a large tie reads the whole tie,
    never more. Fewer than `want` when `stmt` has no more rows.
    """
    rows: list[tuple[int, float]] = []
    result = session.connection().execute(
        stmt, execution_options={"stream_results": True, "yield_per": max(2 * want, 256)})
    try:
        for num, distance in result:
            if len(rows) >= want and distance > rows[want - 1][1]:
                break
            rows.append((num, distance))
    finally:
        result.close()
    rows.sort(key=lambda row: (row[1], row[0]))
    return rows[:want]
