"""Full-text search and filters: one SQL query over recommendations, ranked by relevance.

SQLite uses FTS5 with the unicode61 tokenizer folding diacritics ("Maori" finds "Māori"
and back) and Porter stemming; the index's rowid is `recommendations.num`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, exists, func, select, table, text
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.store import search_pg
from nmrf_desktop.store.models import (
    Assignment,
    Recommendation,
    RecommendationState,
    RecommendationTerm,
    State,
    Term,
)
from nmrf_desktop.store.search_pg import RankKey, fts_match, fts_rank, rank_key as rank_key

FTS_TABLE = "recommendation_fts"
_fts = table(FTS_TABLE, column("rowid"), column("rank"))

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(user_text: str, *, prefix_last: bool = True) -> str:
    """Turn what a person typed into a safe FTS5 query.

    Words are ANDed; "double-quoted text" is a phrase; the last bare word is a prefix
    (search as you type) unless the text ends in a space. Punctuation and FTS5 syntax
    characters are dropped, so no input can make the query fail.
    """
    parts: list[str] = []
    matches = list(_TOKEN.finditer(user_text))
    for index, match in enumerate(matches):
        phrase, bare = match.group(1), match.group(2)
        words = _WORD.findall(phrase if phrase is not None else bare)
        if not words:
            continue
        quoted = '"' + " ".join(words) + '"'
        is_last = index == len(matches) - 1
        if bare is not None and len(words) == 1 and is_last and prefix_last and \
                not user_text.endswith((" ", "\t")):
            quoted += "*"
        parts.append(quoted)
    return " AND ".join(parts)


def index_rows(session: Session, rows: Iterable[tuple[int, str, str]]) -> None:
    """Add (num, text, meta) rows to the search index."""
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        return search_pg.index_rows(session, rows)
    if session.bind.dialect.name != "sqlite":  # type: ignore[union-attr]
        return
    rows = rows if isinstance(rows, list) else list(rows)
    if rows:
        session.connection().exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, text, meta) VALUES (?, ?, ?)", rows)


def unindex(session: Session, nums: Sequence[int]) -> None:
    if nums and session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        return search_pg.unindex(session, nums)
    if not nums or session.bind.dialect.name != "sqlite":  # type: ignore[union-attr]
        return
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :num"),
                    [{"num": n} for n in nums])


def _has_term(kind: str, labels: Sequence[str]):  # type: ignore[no-untyped-def]
    return exists().where(
        RecommendationTerm.recommendation_id == Recommendation.id,
        RecommendationTerm.term_id == Term.id,
        Term.kind == kind,
        Term.label.in_(labels),
    )


def filter_clauses(filters: Filters) -> list:  # type: ignore[type-arg]
    """The WHERE clauses for every filter except the text query."""
    r = Recommendation
    clauses: list = []  # type: ignore[type-arg]
    if filters.mechanism:
        clauses.append(r.mechanism == filters.mechanism)
    if filters.bodies:
        clauses.append(r.body.in_(filters.bodies))
    if filters.cycles:
        clauses.append(r.cycle.in_(filters.cycles))
    if filters.sessions:
        clauses.append(r.upr_session.in_(filters.sessions))
    if filters.country:
        clauses.append(r.country == filters.country)
    if filters.positions:
        clauses.append(r.position.in_(filters.positions))
    if filters.statuses:
        wanted = [s for s in filters.statuses if s != "none"]
        cond: ColumnElement[bool] = r.status.in_(wanted)
        if "none" in filters.statuses:
            cond = cond | r.status.is_(None)
        clauses.append(cond)
    if filters.te_tiriti is not None:
        clauses.append(r.te_tiriti.is_(filters.te_tiriti))
    if not filters.include_withdrawn:
        clauses.append(r.withdrawn.is_(False))
    if filters.follow_up is not None:
        clauses.append(r.follow_up.is_(filters.follow_up))
    if filters.important is not None:
        clauses.append(r.important.is_(filters.important))
    if filters.states:
        clauses.append(exists().where(
            RecommendationState.recommendation_id == r.id,
            RecommendationState.state_id == State.id,
            State.name.in_(filters.states),
        ))
    for kind, labels in (("theme", filters.themes), ("group", filters.groups),
                         ("sdg", filters.sdgs)):
        if labels:
            clauses.append(_has_term(kind, labels))
    if filters.agency or filters.role:
        assigned = [Assignment.recommendation_id == r.id, Assignment.active.is_(True)]
        if filters.agency:
            assigned.append(Assignment.agency_code == filters.agency)
        if filters.role:
            assigned.append(Assignment.role == filters.role)
        clauses.append(exists().where(and_(*assigned)))
    return clauses


def matching(filters: Filters, columns: Sequence = (), *,  # type: ignore[type-arg]
             rank: RankKey = fts_rank) -> Select:  # type: ignore[type-arg]
    """SELECT of recommendations matching `filters`, best match first for a text query.

    `rank` is the session's ranking (search_pg.rank_key): one query, one order.
    """
    r = Recommendation
    query = fts_query(filters.text) if filters.text else ""
    stmt = select(*(columns or (r.id,))).where(*filter_clauses(filters))
    if query:
        stmt = (
            stmt.select_from(_fts)
            .join(r, r.num == _fts.c.rowid)
            .where(fts_match(query))
            .order_by(rank(query), r.num)
        )
    else:
        stmt = stmt.order_by(r.num)
    return stmt


def matches(query: str) -> Select:  # type: ignore[type-arg]
    """The nums (index rowids) matching an FTS5 query, as a subquery to run once."""
    return select(_fts.c.rowid).where(fts_match(query))


def _best_matches(query: str, limit: int, offset: int,
                  rank: RankKey) -> Select[Any]:
    """The page of a text query with no other filter: ranked inside the index, then joined.

    The same rows in the same order as `matching` (rank, then num = rowid), but only the
    page's rows are joined to recommendations, not every match.
    """
    best = (
        select(_fts.c.rowid.label("num"), rank(query).label("rank"))
        .where(fts_match(query))
        .order_by(rank(query), _fts.c.rowid)
        .limit(limit).offset(offset)
        .subquery("best")
    )
    r = Recommendation
    return (select(r.id).select_from(best).join(r, r.num == best.c.num)
            .order_by(best.c.rank, best.c.num))


def _page_in_rank_order(session: Session, filters: Filters, query: str, limit: int,
                        offset: int) -> list[str]:
    """A page in `fts_distance` order, read from the RUM index (PostgreSQL).

    First the rows holding the words that rank, best first, from the index; when they
    run out before the page does, the rest of the matches (infinitely far: they match
    only through a longer word) follow by num, as `fts_distance` orders them. A large
    tie is read whole, so each row read costs little: the distance is computed on the
    row without copying its tsvector, and recommendations are joined only to filter.
    """
    r = Recommendation
    clauses = filter_clauses(filters)
    stream = (select(_fts.c.rowid, search_pg.fts_distance(query))
              .where(search_pg.index_match(query), search_pg.row_match(query))
              .order_by(search_pg.index_distance(query)))
    if clauses:
        stream = stream.join(r, r.num == _fts.c.rowid).where(*clauses)
    ranked = search_pg.read_in_rank_order(session, stream, offset + limit)
    nums = [num for num, _ in ranked[offset:]]
    found = dict(session.connection().execute(
        select(r.num, r.id).where(r.num.in_(nums))).tuples().all()) if nums else {}
    ids = [found[num] for num in nums if num in found]
    if len(ranked) == offset + limit or search_pg.rank_tsquery(query)[1]:
        return ids
    rest = (select(r.id).select_from(_fts).join(r, r.num == _fts.c.rowid)
            .where(~search_pg.index_match(query), fts_match(query), *clauses)
            .order_by(r.num)
            .offset(max(0, offset - len(ranked))).limit(limit - len(ids)))
    return ids + list(session.connection().execute(rest).scalars())


def search_ids(session: Session, filters: Filters, *, limit: int | None = None,
               offset: int = 0) -> list[str]:
    query = fts_query(filters.text) if filters.text else ""
    rank = rank_key(session)
    if limit and query and rank is search_pg.fts_distance:
        return _page_in_rank_order(session, filters, query, limit, offset)
    if limit and query and not filter_clauses(filters):
        stmt = _best_matches(query, limit, offset, rank)
    else:
        stmt = matching(filters, rank=rank)
        if limit:
            stmt = stmt.limit(limit).offset(offset)
    return list(session.connection().execute(stmt).scalars())


def count(session: Session, filters: Filters) -> int:
    """How many recommendations match: the same rows as `matching`, without ranking them.

    The text query is a subquery run once: as a join, SQLite may start from a filter's
    index and run the MATCH once per row (seconds for a body filter at 270,000 rows).
    A text query with no other filter is counted in the index alone (its rowids are the
    recommendations' nums, kept in step by `index_rows` and `unindex`).
    """
    r = Recommendation
    clauses = filter_clauses(filters)
    query = fts_query(filters.text) if filters.text else ""
    if query and not clauses:
        return int(session.execute(
            select(func.count()).select_from(_fts)
            .where(fts_match(query))).scalar_one())
    stmt = select(func.count()).select_from(r).where(*clauses)
    if query:
        stmt = stmt.where(r.num.in_(matches(query)))
    return int(session.execute(stmt).scalar_one())
