"""Browsing the record: the ids of one query in a chosen order, list rows by id, one in full."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, select

from ..domain.entry import ActionRecord, EvidenceRecord, ProgressRecord
from ..domain.enums import Position
from ..domain.records import Filters, RecommendationRow
from ..store import search
from ..store.blobs import BlobStore
from ..store.models import Agency, Assignment, Recommendation
from ..store.recommendations import fetch_rows
from .entry import actions_for, evidence_for, progress_for
from .record import Record

EXCERPT_CHARS = 140
# How much text the list query reads per row: enough for an excerpt, never a whole text.
_EXCERPT_READ = EXCERPT_CHARS + 60
_SPACE = re.compile(r"\s+")
_ID_SLICE = 2_000


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


def _sort_columns(key: SortKey, descending: bool) -> list:  # type: ignore[type-arg]
    r = Recommendation
    position_rank = case(
        {Position.SUPPORTED.value: 0, Position.SUPPORTED_IN_PART.value: 1,
         Position.NOTED.value: 2, Position.NOT_APPLICABLE.value: 3},
        value=r.position, else_=4)
    keys = {
        SortKey.REFERENCE: [r.num],
        SortKey.BODY: [r.body],
        SortKey.CYCLE: [r.cycle, r.upr_session, r.year],
        SortKey.TEXT: [func.lower(r.text)],
        SortKey.POSITION: [position_rank],
        SortKey.STATUS: [r.status],
        SortKey.LAST_UPDATE: [r.last_update_on],
    }[key]
    ordered = [(k.desc() if descending else k.asc()).nulls_last() for k in keys]
    if key is not SortKey.REFERENCE:
        ordered.append(r.num.asc())
    return ordered


def list_ids(record: Record, filters: Filters, sort: SortKey | None = None,
             descending: bool = False) -> Listing:
    """Every matching id in order (best match first for a text query unless sorted)."""
    stmt = search.matching(filters)
    if sort is not None:
        stmt = stmt.order_by(None).order_by(*_sort_columns(sort, descending))
    with record.reading() as session:
        # In slices: one long C-level fetch would hold the GIL and stall the GUI thread.
        ids: list[str] = []
        for part in session.execute(
                stmt, execution_options={"yield_per": _ID_SLICE}).scalars().partitions():
            ids.extend(part)
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
    r = Recommendation
    found: dict[str, ListRow] = {}
    with record.reading() as session:
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
    blobs = BlobStore(record.evidence_root)

    def item(ev: EvidenceRecord) -> EvidenceItem:
        return EvidenceItem(ev, str(blobs.path_for(ev.sha256)) if ev.sha256 else "")

    actions = tuple(
        LinkedAction(a, tuple(item(e) for e in evidence_for(record, action_id=a.id)))
        for a in actions_for(record, rec_id))
    return RecommendationDetail(
        recommendation=rows[0], last_update_on=last, assignments=assigned,
        progress=tuple(progress_for(record, rec_id)), actions=actions,
        evidence=tuple(item(e) for e in evidence_for(record, recommendation_id=rec_id)))
