"""Queries of carrying work forward: cluster members, the work on them, and the decisions."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, delete, func, select, type_coerce
from sqlalchemy.orm import Session

from nmrf_desktop.store.history import describe_lineage
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Agency,
    Assignment,
    Evidence,
    ProgressUpdate,
    Recommendation,
)
from nmrf_desktop.store.overlap_models import (
    CarryForward,
    OverlapCluster,
    OverlapDecision,
    OverlapMatch,
    OverlapMember,
)

log = logging.getLogger(__name__)

_CHUNK = 400


@dataclass(frozen=True, slots=True)
class Row:
    """A recommendation as carrying forward needs it: who it is and when it was made."""

    id: str
    reference: str
    country: str
    cycle: int | None
    year: int | None
    upr_session: int | None
    published_on: dt.date | None
    text: str


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    values = list(items)
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def clusters(session: Session, country: str | None = None
             ) -> list[tuple[str, str, list[Row]]]:
    """(cluster id, joined reasons, members) of the stored clusters, by id."""
    c, m, r = OverlapCluster, OverlapMember, Recommendation
    heads = select(c.id, c.reasons).order_by(c.id)
    if country:
        heads = heads.where(c.country == country)
    reasons = {cid: "; ".join(json.loads(text or "[]")) for cid, text in session.execute(heads)}
    query = (select(m.cluster_id, r.id, r.reference, r.country, r.cycle, r.year, r.upr_session,
                    r.published_on, r.text)
             .join(r, r.id == m.recommendation_id)
             .where(r.withdrawn.is_(False)).order_by(m.cluster_id, r.num))
    if country:
        query = query.where(r.country == country)
    members: dict[str, list[Row]] = defaultdict(list)
    for cid, *fields in session.execute(query):
        if cid in reasons:
            members[cid].append(Row(*fields))
    return [(cid, reasons[cid], members[cid]) for cid in reasons if len(members[cid]) > 1]


def rows(session: Session, ids: Iterable[str]) -> dict[str, Row]:
    r = Recommendation
    out: dict[str, Row] = {}
    for chunk in _chunks(sorted(set(ids))):
        for fields in session.execute(select(
                r.id, r.reference, r.country, r.cycle, r.year, r.upr_session, r.published_on,
                r.text).where(r.id.in_(chunk))):
            out[fields[0]] = Row(*fields)
    return out


def id_of(session: Session, reference: str) -> str | None:
    return session.execute(select(Recommendation.id).where(
        Recommendation.reference == reference)).scalar()


def countries_of(session: Session, references: Iterable[str]) -> set[str]:
    """The states under review of these recommendations (by reference)."""
    r = Recommendation
    out: set[str] = set()
    for chunk in _chunks(sorted(set(references))):
        out.update(session.execute(select(r.country).where(r.reference.in_(chunk))).scalars())
    return out


def rejected_pairs(session: Session) -> set[frozenset[str]]:
    d = OverlapDecision
    return {frozenset((a, b)) for a, b in session.execute(
        select(d.rec_a, d.rec_b).where(d.verdict == "reject"))}


def confirmed_pairs(session: Session) -> set[frozenset[str]]:
    d = OverlapDecision
    return {frozenset((a, b)) for a, b in session.execute(
        select(d.rec_a, d.rec_b).where(d.verdict == "confirm"))}


def match_reasons(session: Session, ids: Sequence[str]) -> dict[frozenset[str], str]:
    """{a, b} -> the reason detection gave for matching them, among `ids`."""
    x = OverlapMatch
    wanted = set(ids)
    out: dict[frozenset[str], str] = {}
    for chunk in _chunks(sorted(wanted)):
        for a, b, reason in session.execute(select(x.rec_a, x.rec_b, x.reason)
                                            .where(x.rec_a.in_(chunk))):
            if b in wanted:
                out[frozenset((a, b))] = reason
    return out


def decided_pairs(session: Session) -> set[tuple[str, str]]:
    """(new id, earlier id) of every decision taken (carried or declined)."""
    c = CarryForward
    return set(session.execute(select(c.recommendation_id, c.earlier_id)).tuples())


def agencies_on(session: Session, ids: Sequence[str]
                ) -> dict[str, list[tuple[str, str, str]]]:
    """id -> [(agency code, English name, role)] of its active assignments, by code."""
    a, g = Assignment, Agency
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(ids))):
        for rid, code, name, role in session.execute(
                select(a.recommendation_id, a.agency_code, g.name_en, a.role)
                .join(g, g.code == a.agency_code)
                .where(a.recommendation_id.in_(chunk), a.active.is_(True))
                .order_by(a.agency_code)):
            out[rid].append((code, name, role))
    return out


def actions_on(session: Session, ids: Sequence[str]) -> dict[str, list[tuple[str, str, str]]]:
    """id -> [(action id, title, agency code)] linked to it, oldest first."""
    a, link = Action, ActionLink
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(ids))):
        for rid, aid, title, code in session.execute(
                select(link.recommendation_id, a.id, a.title, a.agency_code)
                .join(a, a.id == link.action_id)
                .where(link.recommendation_id.in_(chunk))
                .order_by(a.created_at, a.id)):
            out[rid].append((aid, title, code))
    return out


def progress_counts(session: Session, ids: Sequence[str]) -> dict[str, int]:
    p = ProgressUpdate
    out: dict[str, int] = {}
    for chunk in _chunks(sorted(set(ids))):
        for rid, n in session.execute(select(p.recommendation_id, func.count())
                                      .where(p.recommendation_id.in_(chunk))
                                      .group_by(p.recommendation_id)):
            out[rid] = int(n)
    return out


def add(session: Session, row: CarryForward) -> None:
    session.add(row)
    session.flush()


def get(session: Session, decision_id: str) -> CarryForward | None:
    return session.get(CarryForward, decision_id)


def remove(session: Session, decision_id: str) -> None:
    session.execute(delete(CarryForward).where(CarryForward.id == decision_id))


def assignment(session: Session, rec_id: str, agency: str) -> Assignment | None:
    return session.execute(select(Assignment).where(
        Assignment.recommendation_id == rec_id, Assignment.agency_code == agency)).scalar()


def links_of(session: Session, action_id: str) -> set[str]:
    """The recommendations an action is linked to."""
    return set(session.execute(select(ActionLink.recommendation_id).where(
        ActionLink.action_id == action_id)).scalars())


def work_since(session: Session, rec_id: str, agency: str, since: dt.datetime,
               carried_actions: Iterable[str]) -> list[str]:
    """What the agency recorded on this recommendation since `since` (progress updates,
    evidence, actions other than those carried): why its assignment is kept on undo."""
    found = []
    p = ProgressUpdate
    n = session.execute(select(func.count()).select_from(p).where(
        p.recommendation_id == rec_id, p.agency_code == agency,
        p.created_at >= since)).scalar_one()
    if n:
        found.append(f"{n} progress update{'s' if n != 1 else ''}")
    e = Evidence
    n = session.execute(select(func.count()).select_from(e).where(
        e.recommendation_id == rec_id, e.agency_code == agency, e.removed.is_(False),
        e.created_at >= since)).scalar_one()
    if n:
        found.append(f"{n} evidence entr{'ies' if n != 1 else 'y'}")
    carried = set(carried_actions)
    others = [aid for aid in session.execute(
        select(ActionLink.action_id).join(Action, Action.id == ActionLink.action_id)
        .where(ActionLink.recommendation_id == rec_id, Action.agency_code == agency))
        .scalars() if aid not in carried]
    if others:
        found.append(f"{len(others)} action{'s' if len(others) != 1 else ''}")
    return found


def lineage_lines(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """id -> its carried-forward lineage as a report prints it, oldest decision first:
    "Repeats NZL-UPR5-064 (cycle 1)", "Repeated by NZL-UPR18-008 (cycle 2)"."""
    c, r = CarryForward, Recommendation
    wanted = set(ids)
    found: list[tuple[str, bool, str]] = []
    for chunk in _chunks(sorted(wanted)):
        for new, old in session.execute(
                select(c.recommendation_id, c.earlier_id)
                .where(c.verdict == "carried",
                       c.recommendation_id.in_(chunk) | c.earlier_id.in_(chunk))
                .order_by(c.decided_at, c.id)):
            if new in wanted:
                found.append((new, True, old))
            if old in wanted:
                found.append((old, False, new))
    named = {rid: (ref, cycle) for rid, ref, cycle in session.execute(
        select(r.id, r.reference, r.cycle).where(r.id.in_(sorted({o for _i, _r, o in found}))))
             } if found else {}
    out: dict[str, list[str]] = defaultdict(list)
    for rid, repeats, other in dict.fromkeys(found):
        ref, cycle = named.get(other, ("?", None))
        text = describe_lineage(repeats, "carried", ref, cycle)
        out[rid].append(text[:1].upper() + text[1:])
    return out


# ---------------------------------------------------------------- packs


def for_pack(session: Session, rec_ids: Iterable[str], left_out: list[str] | None = None
             ) -> list[dict[str, Any]]:
    """The decisions between recommendations inside `rec_ids`, as a pack carries them.

    What the database holds is not trusted: a decision whose time or lists cannot be read
    is left out and named in `left_out` (the pack's schema screens the rest)."""
    wanted = set(rec_ids)
    c = CarryForward
    out = []
    for rid, new, old, verdict, agencies, actions, by, at, note in session.execute(
            select(c.id, c.recommendation_id, c.earlier_id, c.verdict, c.agencies, c.actions,
                   c.decided_by, type_coerce(c.decided_at, String), c.note)
            .order_by(c.decided_at, c.id)):
        if new not in wanted or old not in wanted:
            continue
        try:
            when = dt.datetime.fromisoformat(str(at)).replace(microsecond=0).isoformat()
            lists = json.loads(agencies), json.loads(actions)
        except (ValueError, TypeError) as exc:
            text = f"carry-forward decision {rid}: a value cannot be read ({str(exc)[:120]})"
            log.warning("pack export: left out %s", text)
            if left_out is not None:
                left_out.append(text)
            continue
        out.append({"id": rid, "recommendation_id": new, "earlier_id": old, "verdict": verdict,
                    "agencies": lists[0], "actions": lists[1], "decided_by": by,
                    "decided_at": when, "note": note})
    return out


def replace_all(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """On a laptop: the decisions are the central record's, as the pack says (a decision
    undone there disappears here). Returns how many the laptop now holds."""
    session.execute(delete(CarryForward))
    items = [CarryForward(
        id=r["id"], recommendation_id=r["recommendation_id"], earlier_id=r["earlier_id"],
        verdict=r["verdict"], agencies=json.dumps(r["agencies"]),
        actions=json.dumps(r["actions"]), decided_by=r["decided_by"],
        decided_at=dt.datetime.fromisoformat(r["decided_at"]).replace(tzinfo=None),
        note=r["note"]) for r in rows]
    session.add_all(items)
    session.flush()
    return len(items)
