"""The record as the progress workbook's extra sheets: rows by recommendation, or by key.

The export reads them by recommendation; the import reads the rows a workbook names by
their keys and compares them cell by cell, so both go through the same functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from nmrf_desktop.importers import template_sheets as sheets
from nmrf_desktop.services.reports import safe
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Assignment,
    Evidence,
    ProgressUpdate,
    Recommendation,
)

# (key, cells): the key is what the sheet's rows are identified by.
Rows = Iterator[tuple[str, list[object]]]
Reader = Callable[[Session, Sequence[str]], Rows]


def assignment_key(rec_id: str, agency: str) -> str:
    return f"{rec_id}\x1f{agency}"


def assignments(session: Session, rec_ids: Sequence[str]) -> Rows:
    """The assignments of these recommendations (in their order), keyed by rec and agency."""
    a, r = Assignment, Recommendation
    rows = session.execute(select(a.recommendation_id, r.reference, a.agency_code, a.role,
                                  a.active).join(r, r.id == a.recommendation_id)
                           .where(a.recommendation_id.in_(rec_ids))).all()
    order = {rid: i for i, rid in enumerate(rec_ids)}
    for rid, ref, agency, role, active in sorted(rows, key=lambda x: (order[x[0]], x[2])):
        yield assignment_key(rid, agency), sheets.assignment_values(rid, ref, agency, role,
                                                                    bool(active))


def actions_of(session: Session, rec_ids: Sequence[str]) -> Rows:
    found = list(session.execute(select(ActionLink.action_id).where(
        ActionLink.recommendation_id.in_(rec_ids)).distinct()).scalars())
    return actions(session, found)


def actions(session: Session, action_ids: Sequence[str]) -> Rows:
    """These actions, oldest first, each with the references of every recommendation."""
    links: dict[str, list[str]] = defaultdict(list)
    for aid, ref in session.execute(
            select(ActionLink.action_id, Recommendation.reference)
            .join(Recommendation, Recommendation.id == ActionLink.recommendation_id)
            .where(ActionLink.action_id.in_(action_ids))):
        links[aid].append(ref)
    a = Action
    for row in session.execute(
            select(a.id, a.agency_code, a.title, a.kind, a.status, a.start_date, a.target_date,
                   a.completed_date, a.is_public, a.description)
            .where(a.id.in_(action_ids)).order_by(a.created_at, a.id)):
        (aid, agency, title, kind, status, start, target, completed, public, about) = row
        yield aid, sheets.action_values(aid, agency, title, kind, status, start, target,
                                        completed, bool(public), links[aid], about)


def _progress(session: Session, where: ColumnElement[bool]) -> list[tuple[str, list[object]]]:
    p, r = ProgressUpdate, Recommendation
    return [(row.id, sheets.progress_values(row.id, row.recommendation_id, row.reference,
                                            row.agency_code, row.as_of, row.status,
                                            row.narrative, bool(row.is_public)))
            for row in session.execute(
                select(p.id, p.recommendation_id, r.reference, p.agency_code, p.as_of,
                       p.status, p.narrative, p.is_public)
                .join(r, r.id == p.recommendation_id).where(where)
                .order_by(p.as_of, p.created_at, p.id))]


def progress_of(session: Session, rec_ids: Sequence[str]) -> Rows:
    """Every update on these recommendations: each one's history oldest first."""
    order = {rid: i for i, rid in enumerate(rec_ids)}
    rows = _progress(session, ProgressUpdate.recommendation_id.in_(rec_ids))
    yield from sorted(rows, key=lambda row: order[str(row[1][1])])  # stable: keeps the dates


def progress(session: Session, update_ids: Sequence[str]) -> Rows:
    yield from _progress(session, ProgressUpdate.id.in_(update_ids))


def _evidence(session: Session, where: ColumnElement[bool]) -> Rows:
    e = Evidence
    for row in session.execute(
            select(e.id, e.agency_code, e.action_id, Recommendation.reference, e.display_name,
                   e.created_at, e.sha256, e.size, e.media_type, e.url, e.is_public)
            .outerjoin(Recommendation, Recommendation.id == e.recommendation_id)
            .where(e.removed.is_(False), where).order_by(e.created_at, e.id)):
        (eid, agency, action_id, ref, name, created, sha, size, media, url, public) = row
        yield eid, sheets.evidence_values(eid, agency, action_id, ref or "", name,
                                          created.date() if created else None,
                                          safe.sha256(sha, f"evidence {eid}"), size,
                                          media, url, bool(public))


def evidence_of(session: Session, rec_ids: Sequence[str]) -> Rows:
    """Evidence of these recommendations and of the actions answering them."""
    answering = select(ActionLink.action_id).where(ActionLink.recommendation_id.in_(rec_ids))
    return _evidence(session, or_(Evidence.recommendation_id.in_(rec_ids),
                                  Evidence.action_id.in_(answering)))


def evidence(session: Session, evidence_ids: Sequence[str]) -> Rows:
    return _evidence(session, Evidence.id.in_(evidence_ids))


BY_RECOMMENDATIONS: dict[str, Reader] = {
    sheets.ASSIGNMENTS: assignments, sheets.ACTIONS: actions_of,
    sheets.PROGRESS: progress_of, sheets.EVIDENCE: evidence_of,
}
