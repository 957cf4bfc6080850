"""Export use case: the recommendations matching some filters, as the round-trippable template."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice, permutations, product
from pathlib import Path
from typing import TypeVar

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from ..domain.enums import Mechanism, Position, Source
from ..domain.records import Filters, RecommendationIn, StateRef
from ..importers.template_layout import TemplateRow
from ..reports.xlsx_template import write_template
from ..store import search
from ..store.models import Recommendation, RecommendationState, RecommendationTerm, State, Term
from ..store.recommendations import content_hash
from .progress import NO_PROGRESS, Progress
from .record import Record

log = logging.getLogger(__name__)
T = TypeVar("T")

_CHUNK = 500
_PERMUTE = 4  # lists this short are also tried in every order
_BUDGET = 48  # orderings tried per row before it is exported as stored
_KINDS = {"theme": "themes", "group": "groups", "sdg": "sdgs"}


def export_template(record: Record, filters: Filters, out: Path,
                    progress: Progress = NO_PROGRESS) -> int:
    """Write every recommendation matching `filters` to `out`; returns the rows written."""
    with record.reading() as session:
        ids = search.search_ids(session, filters)
        progress.start(len(ids), "Exporting recommendations")
        check = _HashCheck()
        count = write_template(_rows(session, ids, record.is_sqlite, check, progress), out)
    progress.finish()
    if check.mismatched:
        log.warning("%d of %d exported rows differ from their imported form (e.g. %s); "
                    "importing the file back will count them as updated",
                    check.mismatched, count, check.example)
    return count


class _HashCheck:
    """Rebuilds each row as it was imported, by matching the hash stored at import.

    The database keeps states and terms as unordered links, but the stored hash covers
    them in the order the source listed them, and a re-import of the file compares that
    hash. So the likely orders (insertion, alphabetical, then every permutation of short
    lists) are tried until one matches; the hash also tells whether the reference was
    the source's own or numbered by the record.
    """

    def __init__(self) -> None:
        self.mismatched = 0
        self.example = ""

    def row(self, rid: str, rec: RecommendationIn, lists: _Lists, stored: str) -> TemplateRow:
        """`rec` holds its lists in insertion order; find the order and reference imported."""
        for candidate in self._candidates(rec, lists):
            if content_hash(candidate) == stored:
                return TemplateRow(rid, candidate, reference_assigned=False)
            if content_hash(replace(candidate, reference="")) == stored:
                return TemplateRow(rid, candidate, reference_assigned=True)
        # Changed since import by another route: export as stored, keep the reference.
        self.mismatched += 1
        self.example = self.example or rec.reference
        return TemplateRow(rid, rec)

    @staticmethod
    def _candidates(rec: RecommendationIn, lists: _Lists) -> Iterator[RecommendationIn]:
        yield rec
        if all(len(items) < 2 for items in (lists.states, lists.themes, lists.groups,
                                              lists.sdgs)):
            return
        orders = product(_orders(lists.states), _orders(lists.themes),
                         _orders(lists.groups), _orders(lists.sdgs))
        for states, themes, groups, sdgs in islice(orders, 1, _BUDGET):
            yield replace(rec, states=states, themes=themes, groups=groups, sdgs=sdgs)


@dataclass(slots=True)
class _Lists:
    """A recommendation's links: (insertion rank, id, value) per list."""

    states: list[tuple[int, int, StateRef]] = field(default_factory=list)
    themes: list[tuple[int, int, str]] = field(default_factory=list)
    groups: list[tuple[int, int, str]] = field(default_factory=list)
    sdgs: list[tuple[int, int, str]] = field(default_factory=list)


def _values(items: list[tuple[int, int, T]]) -> tuple[T, ...]:
    return tuple(v for *_, v in items)


def _orders(items: list[tuple[int, int, T]]) -> list[tuple[T, ...]]:
    """Candidate orders of one list, insertion order first, without repeats."""
    ranked = [_values(items)] + [_values(sorted(items, key=key)) for key in (
        lambda i: _sort_key(i[2]), lambda i: i[1])]
    if 1 < len(items) <= _PERMUTE:
        ranked += permutations(v for *_, v in items)
    return list(dict.fromkeys(ranked))


def _sort_key(value: object) -> str:
    return value.name if isinstance(value, StateRef) else str(value)


def _insertion_order(table: type, is_sqlite: bool, fallback):  # type: ignore[no-untyped-def]
    """Links in the order they were written (SQLite's rowid); elsewhere by id."""
    if is_sqlite:
        return literal_column(f"{table.__tablename__}.rowid")  # type: ignore[attr-defined]
    return fallback


def _rows(session: Session, ids: Sequence[str], is_sqlite: bool, check: _HashCheck,
          progress: Progress) -> Iterator[TemplateRow]:
    r = Recommendation
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        base = {row.id: row for row in session.execute(select(
            r.id, r.reference, r.source, r.source_id, r.source_hash, r.text, r.country,
            r.mechanism, r.body, r.position, r.upr_session, r.cycle, r.year, r.published_on,
            r.document_symbol, r.paragraph, r.action_category, r.te_tiriti, r.withdrawn,
        ).where(r.id.in_(chunk)))}
        lists: dict[str, _Lists] = defaultdict(_Lists)
        for rank, (rid, sid, name, group) in enumerate(session.execute(
            select(RecommendationState.recommendation_id, State.id, State.name,
                   State.regional_group)
            .join(State, State.id == RecommendationState.state_id)
            .where(RecommendationState.recommendation_id.in_(chunk))
            .order_by(_insertion_order(RecommendationState, is_sqlite, State.id))
        )):
            lists[rid].states.append((rank, sid, StateRef(name, group)))
        for rank, (rid, tid, kind, label) in enumerate(session.execute(
            select(RecommendationTerm.recommendation_id, Term.id, Term.kind, Term.label)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.recommendation_id.in_(chunk))
            .order_by(_insertion_order(RecommendationTerm, is_sqlite, Term.id))
        )):
            getattr(lists[rid], _KINDS[kind]).append((rank, tid, label))
        for rid in chunk:
            b, links = base[rid], lists[rid]
            rec = RecommendationIn(
                source=Source(b.source), source_id=b.source_id, text=b.text,
                country=b.country, mechanism=Mechanism(b.mechanism), body=b.body,
                position=Position(b.position) if b.position else None,
                upr_session=b.upr_session, cycle=b.cycle, year=b.year,
                published_on=b.published_on, document_symbol=b.document_symbol,
                paragraph=b.paragraph, action_category=b.action_category,
                te_tiriti=bool(b.te_tiriti), withdrawn=bool(b.withdrawn),
                reference=b.reference, states=_values(links.states),
                themes=_values(links.themes), groups=_values(links.groups),
                sdgs=_values(links.sdgs),
            )
            yield check.row(rid, rec, links, b.source_hash)
        progress.advance(len(chunk))
