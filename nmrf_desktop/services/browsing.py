"""Browsing the record: the ids of one query in a chosen order, list rows by id, one in full."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain
from typing import Any

from sqlalchemy import Select, UnaryExpression, case, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import SQLCoreOperations

from nmrf_desktop.domain.entry import ActionRecord, EvidenceRecord, ProgressRecord
from nmrf_desktop.domain.enums import Position
from nmrf_desktop.domain.records import Filters, RecommendationRow
from nmrf_desktop.services import calendar
from nmrf_desktop.services.entry import actions_for, evidence_for, progress_for
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import search
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.models import Agency, Assignment, Recommendation
from nmrf_desktop.store.recommendations import fetch_rows

EXCERPT_CHARS = 140
# How much text the list query reads per row: enough for an excerpt, never a whole text.
_EXCERPT_READ = EXCERPT_CHARS + 60
_SPACE = re.compile(r"\s+")
_ID_SLICE = 2_000
# SQLite virtual-machine steps between two looks at a query's cancel flag (well under 1 ms).
_CANCEL_STEPS = 20_000


class Cancelled(Exception):
    """A newer query superseded this one before it finished."""


class SortKey(StrEnum):
    """The orders a list can be sorted in (None means relevance, then record order)."""

    REFERENCE = "reference"
    BODY = "body"
    CYCLE = "cycle"
    TEXT = "text"
    POSITION = "position"
    STATUS = "status"
    LAST_UPDATE = "last_update"


@dataclass(frozen=True, slots=True)
class Listing:
    """The ids matching one query, in order, and how many recommendations there are at all."""

    ids: list[str]
    total: int


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The first rows of one query; `count` is None when more rows match than were read."""

    ids: list[str]
    rows: list[ListRow]
    count: int | None
    total: int


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the recommendations table."""

    id: str
    reference: str
    body: str
    cycle: int | None
    year: int | None
    excerpt: str
    position: str | None
    status: str | None
    last_update_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AssignedAgency:
    code: str
    name_en: str
    name_mi: str
    role: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """Evidence as the detail pane lists it; `path` is the stored file (empty for a link)."""

    evidence: EvidenceRecord
    path: str


@dataclass(frozen=True, slots=True)
class LinkedAction:
    action: ActionRecord
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True, slots=True)
class RecommendationDetail:
    """A recommendation in full, as the detail pane shows it."""

    recommendation: RecommendationRow
    last_update_on: dt.date | None
    assignments: tuple[AssignedAgency, ...] = ()
    progress: tuple[ProgressRecord, ...] = ()  # newest first
    actions: tuple[LinkedAction, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()  # attached to the recommendation itself
    # Due dates of the reporting calendar's follow-up entries covering it, earliest first.
    follow_up_due: tuple[dt.date, ...] = ()


def _sort_columns(key: SortKey, descending: bool) -> list[UnaryExpression[Any]]:
    r = Recommendation
    position_rank = case(
        {Position.SUPPORTED.value: 0, Position.SUPPORTED_IN_PART.value: 1,
         Position.NOTED.value: 2, Position.NOT_APPLICABLE.value: 3},
        value=r.position, else_=4)
    by_key: dict[SortKey, list[SQLCoreOperations[Any]]] = {
        SortKey.REFERENCE: [r.num],
        SortKey.BODY: [r.body],
        SortKey.CYCLE: [r.cycle, r.upr_session, r.year],
        SortKey.TEXT: [func.lower(r.text)],
        SortKey.POSITION: [position_rank],
        SortKey.STATUS: [r.status],
        SortKey.LAST_UPDATE: [r.last_update_on],
    }
    keys = by_key[key]
    ordered = [(k.desc() if descending else k.asc()).nulls_last() for k in keys]
    if key is not SortKey.REFERENCE:
        ordered.append(r.num.asc())
    return ordered


def _ordered(session: Session, filters: Filters, sort: SortKey | None,
             descending: bool) -> Select[Any]:
    """The ids of a query in display order (deterministic: every order ends with num).

    Sorted by a column, a text query is a subquery run once: as a join, SQLite may walk
    the sort or a filter's index and run the MATCH once per row.
    """
    if sort is None:
        return search.matching(filters, rank=search.rank_key(session))
    r = Recommendation
    stmt = select(r.id).where(*search.filter_clauses(filters))
    query = search.fts_query(filters.text) if filters.text else ""
    if query:
        stmt = stmt.where(r.num.in_(search.matches(query)))
    return stmt.order_by(*_sort_columns(sort, descending))


def _check(cancelled: threading.Event | None) -> None:
    if cancelled is not None and cancelled.is_set():
        raise Cancelled


@contextmanager
def _reading(record: Record, cancelled: threading.Event | None) -> Iterator[Session]:
    """A read session whose SQLite statements stop soon after `cancelled` is set."""
    _check(cancelled)
    with record.reading() as session:
        raw = None
        if cancelled is not None and record.is_sqlite:
            raw = session.connection().connection.driver_connection
            raw.set_progress_handler(  # type: ignore[union-attr]
                lambda: 1 if cancelled.is_set() else 0, _CANCEL_STEPS)
        try:
            yield session
        except OperationalError:
            _check(cancelled)  # "interrupted": say so plainly
            raise
        finally:
            if raw is not None:
                raw.set_progress_handler(None, 0)


def first_page(record: Record, filters: Filters, sort: SortKey | None = None,
               descending: bool = False, limit: int = 100,
               cancelled: threading.Event | None = None) -> FirstPage:
    """The first `limit` rows of a query: what the table paints first."""
    query = search.fts_query(filters.text) if filters.text else ""
    with _reading(record, cancelled) as session:
        if sort is None and query:
            ids = search.search_ids(session, filters, limit=limit)
        else:
            ids = list(session.execute(_ordered(session, filters, sort, descending).limit(limit))
                       .scalars())
        _check(cancelled)
        rows = _rows(session, ids)
        total = int(session.execute(
            select(func.count()).select_from(Recommendation)).scalar_one())
    return FirstPage(ids=ids, rows=rows, count=len(ids) if len(ids) < limit else None,
                     total=total)


def count(record: Record, filters: Filters,
          cancelled: threading.Event | None = None) -> int:
    """How many recommendations match a query."""
    with _reading(record, cancelled) as session:
        return search.count(session, filters)


def page(record: Record, filters: Filters, sort: SortKey | None, descending: bool,
         offset: int, limit: int, cancelled: threading.Event | None = None
         ) -> tuple[list[str], list[ListRow]]:
    """The ids and rows at `offset` of a query (its order is deterministic)."""
    query = search.fts_query(filters.text) if filters.text else ""
    with _reading(record, cancelled) as session:
        if sort is None and query:
            ids = search.search_ids(session, filters, limit=limit, offset=offset)
        else:
            ids = list(session.execute(
                _ordered(session, filters, sort, descending).limit(limit).offset(offset)).scalars())
        return ids, _rows(session, ids)


def all_ids(record: Record, filters: Filters, sort: SortKey | None = None,
            descending: bool = False, cancelled: threading.Event | None = None
            ) -> tuple[str, ...]:
    """Every matching id in order (best match first for a text query unless sorted).

    A tuple of strings: the garbage collector untracks it, so 270,000 ids add nothing
    to a collection's pause (which would stall every thread, the GUI's too).
    """
    with _reading(record, cancelled) as session:
        # In slices, letting go of the GIL between them: one long fetch would hold it and
        # stall the GUI thread.
        parts: list[tuple[str, ...]] = []
        for part in session.execute(
                _ordered(session, filters, sort, descending),
                execution_options={"yield_per": _ID_SLICE}).scalars().partitions():
            parts.append(tuple(part))
            _check(cancelled)
            time.sleep(0)
    return tuple(chain.from_iterable(parts))


def list_ids(record: Record, filters: Filters, sort: SortKey | None = None,
             descending: bool = False) -> Listing:
    """Every matching id in order, and how many recommendations there are at all."""
    ids = list(all_ids(record, filters, sort, descending))
    with record.reading() as session:
        total = int(session.execute(
            select(func.count()).select_from(Recommendation)).scalar_one())
    return Listing(ids=ids, total=total)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters of a text on one line, cut at a word, with an ellipsis."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def list_rows(record: Record, ids: Sequence[str]) -> list[ListRow]:
    """Table rows for `ids`, in the order given; ids no longer in the record are skipped."""
    if not ids:
        return []
    with record.reading() as session:
        return _rows(session, ids)


def _rows(session: Session, ids: Sequence[str]) -> list[ListRow]:
    r = Recommendation
    found: dict[str, ListRow] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        for row in session.execute(select(
            r.id, r.reference, r.body, r.cycle, r.year, func.substr(r.text, 1, _EXCERPT_READ),
            r.position, r.status, r.last_update_on,
        ).where(r.id.in_(chunk))):
            found[row[0]] = ListRow(
                id=row[0], reference=row[1], body=row[2], cycle=row[3], year=row[4],
                excerpt=excerpt(row[5] or ""), position=row[6], status=row[7],
                last_update_on=row[8])
    return [found[i] for i in ids if i in found]


def detail(record: Record, rec_id: str) -> RecommendationDetail | None:
    """One recommendation with everything the detail pane shows, or None if it is gone."""
    with record.reading() as session:
        rows = fetch_rows(session, [rec_id])
        if not rows:
            return None
        last = session.execute(
            select(Recommendation.last_update_on).where(Recommendation.id == rec_id)).scalar()
        assigned = tuple(AssignedAgency(*row) for row in session.execute(
            select(Agency.code, Agency.name_en, Agency.name_mi, Assignment.role)
            .join(Assignment, Assignment.agency_code == Agency.code)
            .where(Assignment.recommendation_id == rec_id, Assignment.active.is_(True))
            .order_by(case((Assignment.role == "lead", 0), else_=1), Agency.code)))
        rec = rows[0]
        due = calendar.follow_up_dates(session, rec_id, rec.body, rec.cycle) \
            if rec.follow_up else ()
    blobs = BlobStore(record.evidence_root)

    def item(ev: EvidenceRecord) -> EvidenceItem:
        return EvidenceItem(ev, str(blobs.path_for(ev.sha256)) if ev.sha256 else "")

    actions = tuple(
        LinkedAction(a, tuple(item(e) for e in evidence_for(record, action_id=a.id)))
        for a in actions_for(record, rec_id))
    return RecommendationDetail(
        recommendation=rows[0], last_update_on=last, assignments=assigned,
        progress=tuple(progress_for(record, rec_id)), actions=actions,
        evidence=tuple(item(e) for e in evidence_for(record, recommendation_id=rec_id)),
        follow_up_due=due)
