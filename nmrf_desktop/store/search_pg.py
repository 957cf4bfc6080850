"""Full-text search on PostgreSQL: the match and rank of store/search.py, per dialect.

store/search.py builds one query for both engines from two pieces defined here:
`fts_match(query)` and `fts_rank(query)`, where `query` is what `search.fts_query` makes
of the typed text ('"indigenous peoples" AND "land"*'). On SQLite they compile to exactly
what FTS5 wants (`recommendation_fts MATCH ?` and `recommendation_fts.rank`); on
PostgreSQL to a tsquery over the GIN-indexed tsvector (store/postgres.py) and
`-ts_rank(...)`, so that lower still ranks first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

from sqlalchemy import bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Float, NullType

from .postgres import FTS_TABLE, TS_CONFIG

_PHRASE = re.compile(r'"([^"]*)"(\*?)')


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
        quoted = ["'" + w.replace("'", "''").replace("\\", "\\\\") + "'" for w in words]
        if match.group(2):
            quoted[-1] += ":*"
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)


class _FtsElement(ColumnElement):  # type: ignore[type-arg]
    """Holds the query twice, as FTS5 text and as tsquery text: one is rendered."""

    inherit_cache = True
    _traverse_internals: ClassVar = [("fts5", InternalTraversal.dp_clauseelement),
                                     ("tsq", InternalTraversal.dp_clauseelement)]
    type: TypeEngine  # type: ignore[type-arg]

    def __init__(self, query: str) -> None:
        self.fts5 = bindparam(None, query, unique=True)
        self.tsq = bindparam(None, tsquery_text(query), unique=True)


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
            params)  # type: ignore[arg-type]


def unindex(session: Session, nums: Sequence[int]) -> None:
    if nums:
        session.connection().exec_driver_sql(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = ANY(%(nums)s)", {"nums": list(nums)})
