"""The reads behind reports: section keys, per-recommendation entries, the annual changes.

Every function takes the open (read-only) session of the report's one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import (
    ActionLine,
    AnnualSummary,
    ChangeLine,
    Entry,
    EvidenceLine,
    LatestUpdate,
    ReportKind,
)
from nmrf_desktop.reports.pdf_styles import human
from nmrf_desktop.services.reports import safe
from nmrf_desktop.store import carry_forward as carry_store
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Evidence,
    ProgressUpdate,
    Recommendation,
)
from nmrf_desktop.store.recommendations import fetch_rows

CHUNK = 200  # recommendations read per query batch


@dataclass(frozen=True, slots=True)
class SectionKey:
    sort: tuple  # type: ignore[type-arg]
    title: str  # the body-and-cycle heading (the thematic layouts: services.reports.terms)
    body: str
    status: str | None
    cycle_label: str
    num: int  # the local sequence number: the order within a theme or group


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _body_title(body: str, cycle: int | None, session_no: int | None, year: int | None) -> str:
    if cycle and session_no:
        return f"{body}, cycle {cycle}: session {session_no}" + (f" ({year})" if year else "")
    if cycle:
        return f"{body}, cycle {cycle}"
    return f"{body}, {year}" if year else body


def section_keys(session: Session, ids: Sequence[str], kind: ReportKind, filters: Filters,
                 statuses: dict[str, str | None] | None = None) -> list[SectionKey]:
    """One key per id (same order): where a report by body lists it, what the summary counts.

    The thematic layouts list a recommendation under each of its themes and groups instead
    (terms.sections); `kind` and `filters` are kept for the callers. `statuses` overrides
    the stored status (the public export counts public updates only).
    """
    r = Recommendation
    base: dict[str, tuple] = {}  # type: ignore[type-arg]
    for chunk in chunks(ids, 500):
        for row in session.execute(select(r.id, r.num, r.body, r.cycle, r.upr_session, r.year,
                                          r.status).where(r.id.in_(chunk))):
            base[row[0]] = tuple(row)
    keys = []
    for rid in ids:
        _id, num, body, cycle, session_no, year, status = base[rid]
        if statuses is not None:
            status = statuses.get(rid)
        label = f"Cycle {cycle}" if cycle else "No cycle"
        title = _body_title(body, cycle, session_no, year)
        sort = (body, cycle or 0, session_no or 0, year or 0, num)
        keys.append(SectionKey(sort, title, body, status, label, num))
    return keys


def latest_updates(session: Session, ids: Sequence[str], public: bool) -> dict[str, LatestUpdate]:
    p = ProgressUpdate
    stmt = (select(p.recommendation_id, p.status, p.narrative, p.as_of, p.agency_code)
            .where(p.recommendation_id.in_(ids))
            .order_by(p.recommendation_id, p.as_of.desc(), p.created_at.desc()))
    if public:
        stmt = stmt.where(p.is_public.is_(True))
    out: dict[str, LatestUpdate] = {}
    for rid, status, narrative, as_of, agency in session.execute(stmt):
        out.setdefault(rid, LatestUpdate(status, narrative, as_of, agency))
    return out


def entries(session: Session, ids: list[str], sections: list[str], public: bool = False
            ) -> list[Entry]:
    """The entries for one batch of ids (in order), with only public data if `public`."""
    rows = fetch_rows(session, ids)
    latest = latest_updates(session, ids, public)
    a = Action
    stmt = (select(ActionLink.recommendation_id, a.id, a.title, a.agency_code, a.kind,
                   a.status, a.start_date, a.target_date, a.completed_date, a.is_public)
            .join(a, a.id == ActionLink.action_id)
            .where(ActionLink.recommendation_id.in_(ids)).order_by(a.created_at, a.id))
    if public:
        stmt = stmt.where(a.is_public.is_(True))
    actions: dict[str, list[ActionLine]] = defaultdict(list)
    action_recs: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    for rid, aid, *fields in session.execute(stmt):
        act = safe.fields(ActionLine(*fields), {"title": safe.NAME_LIMIT})
        actions[rid].append(act)
        action_recs[aid].append(rid)
        titles[aid] = act.title
    evidence: dict[str, list[EvidenceLine]] = defaultdict(list)
    e = Evidence
    where = [e.recommendation_id.in_(ids)]
    if action_recs:
        where.append(e.action_id.in_(list(action_recs)))
    estmt = (select(e.id, e.action_id, e.recommendation_id, e.display_name, e.created_at,
                    e.sha256).where(e.removed.is_(False), or_(*where))
             .order_by(e.created_at, e.id))
    if public:
        estmt = estmt.where(e.is_public.is_(True))
    for eid, aid, rid, name, created, sha in session.execute(estmt):
        if aid is not None and aid not in action_recs:
            continue  # evidence of an action that is not in this report (or not public)
        line = EvidenceLine(safe.text(name, safe.NAME_LIMIT),
                            created.date() if created else None,
                            safe.sha256(sha, f"evidence {eid}"),
                            titles.get(aid, "") if aid else "")
        for target in (action_recs[aid] if aid else [rid]):
            evidence[target].append(line)
    by_id = {row.id: safe.fields(row) for row in rows}
    lineage = carry_store.lineage_lines(session, ids)
    latest = {rid: safe.fields(update) for rid, update in latest.items()}
    out = []
    for rid, section in zip(ids, sections, strict=True):
        row = by_id.get(rid)
        if row is None:
            continue
        if public:
            update = latest.get(rid)
            row = replace(row, assigned_agencies=(), status=update.status if update else None)
        out.append(Entry(row, section, latest.get(rid), tuple(actions.get(rid, ())),
                         tuple(evidence.get(rid, ())), tuple(lineage.get(rid, ()))))
    return out


def _references(session: Session, ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in chunks(sorted(set(ids)), 500):
        out.update(session.execute(select(Recommendation.id, Recommendation.reference)
                                   .where(Recommendation.id.in_(chunk))).tuples().all())
    return out


def annual_changes(session: Session, ids: list[str], start: dt.date, end: dt.date
                   ) -> tuple[AnnualSummary, list[str]]:
    """What changed between `start` and `end` (inclusive) among `ids`, and the ids touched."""
    wanted = set(ids)
    summary = AnnualSummary(start, end)
    touched: set[str] = set()
    lines: list[tuple[str, ChangeLine]] = []
    r = Recommendation
    begin, stop = dt.datetime.combine(start, dt.time()), dt.datetime.combine(
        end + dt.timedelta(days=1), dt.time())
    for rid, body in session.execute(select(r.id, r.body).where(r.created_at >= begin,
                                                                r.created_at < stop)):
        if rid in wanted:
            summary.new_recommendations[body] = summary.new_recommendations.get(body, 0) + 1
            touched.add(rid)
    a = Action
    acts = session.execute(
        select(a.id, a.agency_code, a.title, a.start_date, a.completed_date, a.status)
        .where(or_(a.start_date.between(start, end), a.completed_date.between(start, end)))
    ).all()
    links: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks([x[0] for x in acts], 500):
        for aid, rid in session.execute(select(ActionLink.action_id, ActionLink.recommendation_id)
                                        .where(ActionLink.action_id.in_(chunk))):
            if rid in wanted:
                links[aid].append(rid)
    pending: list[tuple[str, dt.date, str, str, list[str]]] = []
    for aid, agency, title, started, completed, _status in acts:
        if not links.get(aid):
            continue
        touched.update(links[aid])
        if started and start <= started <= end:
            pending.append((agency, started, "Actions started", title, links[aid]))
        if completed and start <= completed <= end:
            pending.append((agency, completed, "Actions completed", title, links[aid]))
    p = ProgressUpdate
    updates = [u for u in session.execute(
        select(p.recommendation_id, p.agency_code, p.status, p.as_of, p.narrative)
        .where(p.as_of.between(start, end))).all() if u[0] in wanted]
    before: dict[str, list[tuple[dt.date, dt.datetime, str]]] = defaultdict(list)
    for chunk in chunks(sorted({u[0] for u in updates}), 500):
        for rid, status, as_of, created in session.execute(
                select(p.recommendation_id, p.status, p.as_of, p.created_at)
                .where(p.recommendation_id.in_(chunk))):
            before[rid].append((as_of, created, status))
    refs = _references(session, touched | {u[0] for u in updates})
    for agency, when, column, title, rids in pending:
        more = f" and {len(rids) - 1} more" if len(rids) > 1 else ""
        lines.append((agency, ChangeLine(when, agency, column.rstrip("s").replace(
            "Actions", "Action"), refs[rids[0]] + more, title)))
        _bump(summary, agency, column)
    for rid, agency, status, as_of, narrative in updates:
        touched.add(rid)
        history = sorted(before[rid])
        previous = [s for d, _c, s in history if d < as_of]
        old = previous[-1] if previous else None
        label = human(status)
        if old != status:
            what = f"Status: {human(old)} → {label}"
            _bump(summary, agency, "Status changes")
        else:
            what = f"Update (still {label})"
        lines.append((agency, ChangeLine(as_of, agency, what, refs[rid], narrative)))
    for agency, line in sorted(lines, key=lambda x: (x[0], x[1].when, x[1].reference)):
        summary.changes.setdefault(agency, []).append(line)
    return summary, [i for i in ids if i in touched]


def _bump(summary: AnnualSummary, agency: str, column: str) -> None:
    row = summary.by_agency.setdefault(agency, {})
    row[column] = row.get(column, 0) + 1
