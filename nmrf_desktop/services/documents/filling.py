"""Fill in what a held recommendation lacks from another route's reading of it.

Only what is missing is written: an empty position, paragraph, symbol, session, date; the
themes, affected groups and SDGs it does not have yet; recommending states when it has
none; the treaty-body flags. What the record already says is never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import RecommendationIn
from nmrf_desktop.store import search
from nmrf_desktop.store.models import (
    Recommendation,
    RecommendationState,
    RecommendationTerm,
    State,
    Term,
    utcnow,
)
from nmrf_desktop.store.recommendations import search_meta

# Scalar fields filled when the record has none: (column, label for people).
_SCALARS = (("position", "position"), ("paragraph", "paragraph"),
            ("document_symbol", "document symbol"), ("upr_session", "session"),
            ("cycle", "cycle"), ("year", "year"), ("published_on", "date"),
            ("action_category", "action category"))


def _empty(value: object) -> bool:
    return value is None or value == ""


def missing(row: Recommendation, rec: RecommendationIn, held_terms: set[tuple[str, str]],
            has_states: bool, *, follow_up: bool = False, important: bool = False
            ) -> list[str]:
    """The names of what `rec` would fill in on `row` (nothing: [])."""
    out = [label for column, label in _SCALARS
           if _empty(getattr(row, column)) and not _empty(getattr(rec, column))]
    for kind, label, values in (("theme", "themes", rec.themes),
                                ("group", "affected groups", rec.groups),
                                ("sdg", "SDGs", rec.sdgs)):
        if any((kind, v) not in held_terms for v in values):
            out.append(label)
    if rec.states and not has_states:
        out.append("recommending states")
    if follow_up and not row.follow_up:
        out.append("follow-up")
    if important and not row.important:
        out.append("particular importance")
    return out


def held_terms(session: Session, rec_id: str) -> set[tuple[str, str]]:
    return {(k, lbl) for k, lbl in session.execute(
        select(Term.kind, Term.label)
        .join(RecommendationTerm, RecommendationTerm.term_id == Term.id)
        .where(RecommendationTerm.recommendation_id == rec_id))}


def held_states(session: Session, rec_id: str) -> list[str]:
    return list(session.execute(
        select(State.name).join(RecommendationState, RecommendationState.state_id == State.id)
        .where(RecommendationState.recommendation_id == rec_id)).scalars())


def _state_ids(session: Session, rec: RecommendationIn) -> list[int]:
    ids = []
    for ref in dict.fromkeys(rec.states):
        sid = session.execute(select(State.id).where(State.name == ref.name)).scalar()
        if sid is None:
            sid = session.execute(insert(State).values(
                name=ref.name, regional_group=ref.regional_group).returning(State.id)).scalar_one()
        ids.append(int(sid))
    return ids


def _term_id(session: Session, kind: str, label: str) -> int:
    tid = session.execute(select(Term.id).where(Term.kind == kind, Term.label == label)).scalar()
    if tid is None:
        tid = session.execute(insert(Term).values(kind=kind, label=label)
                              .returning(Term.id)).scalar_one()
    return int(tid)


def fill(session: Session, rec_id: str, rec: RecommendationIn, *, follow_up: bool = False,
         important: bool = False) -> list[str]:
    """Write what `rec` adds to the held recommendation `rec_id`; return what it filled."""
    row = session.get(Recommendation, rec_id)
    if row is None:
        return []
    terms = held_terms(session, rec_id)
    states = held_states(session, rec_id)
    filled = missing(row, rec, terms, bool(states), follow_up=follow_up, important=important)
    if not filled:
        return []
    for column, _label in _SCALARS:
        if _empty(getattr(row, column)) and not _empty(getattr(rec, column)):
            setattr(row, column, getattr(rec, column))
    if follow_up:
        row.follow_up = True
    if important:
        row.important = True
    new_terms = [(kind, v) for kind, values in (("theme", rec.themes), ("group", rec.groups),
                                                ("sdg", rec.sdgs))
                 for v in values if (kind, v) not in terms]
    for kind, label in dict.fromkeys(new_terms):
        session.add(RecommendationTerm(recommendation_id=rec_id,
                                       term_id=_term_id(session, kind, label)))
    if rec.states and not states:
        for sid in _state_ids(session, rec):
            session.add(RecommendationState(recommendation_id=rec_id, state_id=sid))
        states = [s.name for s in rec.states]
    row.updated_at = utcnow()  # links only are a new version of the record too
    session.flush()
    _reindex(session, row, states)
    return filled


def _reindex(session: Session, row: Recommendation, states: Sequence[str]) -> None:
    """The search index's row for `row` again: its symbol or states may be new."""
    search.unindex(session, [row.num])
    search.index_rows(session, [(row.num, row.text, search_meta(
        row.reference, row.document_symbol, row.body, states))])
