"""The reads behind a draft, in bulk (a few queries per 500 recommendations, never one per
recommendation): each recommendation with its agencies, actions, progress and evidence.

`public` keeps only what may be published (the rule of services.reports.public): public
actions, public progress updates, public evidence of what is public; no officer is read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import RecommendationRow
from nmrf_desktop.overlap.model import CONFIRM
from nmrf_desktop.services.reports import safe
from nmrf_desktop.services.reports.data import chunks
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Agency,
    Assignment,
    Evidence,
    ProgressUpdate,
    Recommendation,
)
from nmrf_desktop.store.overlap_models import OverlapCluster, OverlapDecision, OverlapMember
from nmrf_desktop.store.recommendations import fetch_rows

BATCH = 500
NARRATIVE_LIMIT = 200_000  # a narrative is whole in a Word draft (entry allows 100,000)


@dataclass(frozen=True, slots=True)
class AgencyName:
    code: str
    en: str
    mi: str = ""


@dataclass(frozen=True, slots=True)
class ActionFact:
    id: str
    title: str
    agency: str
    status: str
    start: dt.date | None
    target: dt.date | None
    completed: dt.date | None


@dataclass(frozen=True, slots=True)
class UpdateFact:
    agency: str
    status: str
    narrative: str
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class EvidenceFact:
    title: str
    detail: str  # the SHA-256 of a file, the address of a link


@dataclass(frozen=True, slots=True)
class Item:
    """One recommendation and what the record holds on it (oldest update first)."""

    row: RecommendationRow
    received: dt.date | None  # the document's date, when the record has it
    agencies: tuple[tuple[str, str], ...]  # (code, role), lead first
    actions: tuple[ActionFact, ...]
    updates: tuple[UpdateFact, ...]
    evidence: tuple[EvidenceFact, ...]
    clusters: tuple[str, ...] = ()

    @property
    def lead(self) -> str | None:
        return next((code for code, role in self.agencies if role == "lead"), None)


@dataclass(frozen=True, slots=True)
class ClusterFact:
    id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gathered:
    items: dict[str, Item]
    agencies: dict[str, AgencyName]
    clusters: dict[str, ClusterFact]  # confirmed clusters holding an item


def gather(session: Session, ids: Sequence[str], public: bool) -> Gathered:
    agencies = {code: AgencyName(code, safe.text(en, safe.NAME_LIMIT),
                                 safe.text(mi, safe.NAME_LIMIT))
                for code, en, mi in session.execute(
                    select(Agency.code, Agency.name_en, Agency.name_mi))}
    items: dict[str, Item] = {}
    for chunk in chunks(list(ids), BATCH):
        items.update(_batch(session, chunk, public))
    of: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks(list(items), BATCH):
        for cid, rid in session.execute(
                select(OverlapMember.cluster_id, OverlapMember.recommendation_id)
                .where(OverlapMember.recommendation_id.in_(chunk))):
            of[rid].append(cid)
    clusters = _confirmed_clusters(session, sorted({c for cids in of.values() for c in cids}))
    for rid, cids in of.items():
        kept = tuple(sorted(c for c in cids if c in clusters))
        if kept:
            old = items[rid]
            items[rid] = Item(old.row, old.received, old.agencies, old.actions, old.updates,
                              old.evidence, kept)
    return Gathered(items, agencies, clusters)


def _batch(session: Session, ids: list[str], public: bool) -> dict[str, Item]:
    rows = {row.id: safe.fields(row) for row in fetch_rows(session, ids)}
    r = Recommendation
    received = dict(session.execute(select(r.id, r.published_on).where(r.id.in_(ids)))
                    .tuples().all())
    roles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rid, code, role in session.execute(
            select(Assignment.recommendation_id, Assignment.agency_code, Assignment.role)
            .where(Assignment.recommendation_id.in_(ids), Assignment.active.is_(True))
            .order_by(Assignment.role.desc(), Assignment.agency_code)):
        roles[rid].append((code, role))
    actions, action_recs = _actions(session, ids, public)
    updates: dict[str, list[UpdateFact]] = defaultdict(list)
    p = ProgressUpdate
    stmt = (select(p.recommendation_id, p.agency_code, p.status, p.narrative, p.as_of)
            .where(p.recommendation_id.in_(ids)).order_by(p.as_of, p.created_at, p.id))
    if public:
        stmt = stmt.where(p.is_public.is_(True))
    for rid, agency, status, narrative, as_of in session.execute(stmt):
        updates[rid].append(UpdateFact(agency, status, safe.text(narrative, NARRATIVE_LIMIT),
                                        as_of))
    evidence = _evidence(session, ids, action_recs, public)
    return {rid: Item(row, received.get(rid), tuple(roles[rid]), tuple(actions[rid]),
                      tuple(updates[rid]), tuple(evidence[rid]))
            for rid, row in rows.items()}


def _actions(session: Session, ids: list[str], public: bool
             ) -> tuple[dict[str, list[ActionFact]], dict[str, list[str]]]:
    a = Action
    stmt = (select(ActionLink.recommendation_id, a.id, a.title, a.agency_code, a.status,
                   a.start_date, a.target_date, a.completed_date)
            .join(a, a.id == ActionLink.action_id)
            .where(ActionLink.recommendation_id.in_(ids))
            .order_by(a.start_date.is_(None), a.start_date, a.title, a.id))
    if public:
        stmt = stmt.where(a.is_public.is_(True))
    actions: dict[str, list[ActionFact]] = defaultdict(list)
    action_recs: dict[str, list[str]] = defaultdict(list)
    for rid, aid, title, agency, status, start, target, done in session.execute(stmt):
        actions[rid].append(ActionFact(aid, safe.text(title, safe.NAME_LIMIT), agency, status,
                                       start, target, done))
        action_recs[aid].append(rid)
    return actions, action_recs


def _evidence(session: Session, ids: list[str], action_recs: dict[str, list[str]],
              public: bool) -> dict[str, list[EvidenceFact]]:
    """Evidence of the recommendations and of their actions (in scope: public ones only
    when `public`); a file by its SHA-256, a link by its address."""
    e = Evidence
    out: dict[str, list[EvidenceFact]] = defaultdict(list)
    mine = set(ids)
    wanted = [(e.recommendation_id, ids)] + [
        (e.action_id, chunk) for chunk in chunks(sorted(action_recs), BATCH)]
    seen: set[str] = set()
    for column, values in wanted:
        stmt = (select(e.id, e.action_id, e.recommendation_id, e.display_name, e.sha256, e.url)
                .where(e.removed.is_(False), column.in_(values))
                .order_by(e.created_at, e.id))
        if public:
            stmt = stmt.where(e.is_public.is_(True))
        for eid, aid, rid, name, sha, url in session.execute(stmt):
            if eid in seen:
                continue
            seen.add(eid)
            detail = safe.sha256(sha, f"evidence {eid}") or safe.text(url, 2000)
            fact = EvidenceFact(safe.text(name, safe.NAME_LIMIT) or detail, detail)
            targets = action_recs.get(aid, []) if aid else []
            if rid in mine and not aid:
                targets = [rid]
            for target in targets:
                out[target].append(fact)
    return out


def _confirmed_clusters(session: Session, cids: list[str]) -> dict[str, ClusterFact]:
    """Of these stored overlap clusters, those in which a coordinator confirmed a pair of
    members (detection alone does not make a group of a report)."""
    holding: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks(cids, BATCH):
        for cid, rid in session.execute(select(OverlapMember.cluster_id,
                                               OverlapMember.recommendation_id)
                                        .where(OverlapMember.cluster_id.in_(chunk))):
            holding[cid].add(rid)
    members = sorted({rid for rids in holding.values() for rid in rids})
    confirmed: set[tuple[str, str]] = set()
    d = OverlapDecision
    for chunk in chunks(members, BATCH):
        confirmed.update(session.execute(select(d.rec_a, d.rec_b).where(
            d.verdict == CONFIRM, d.rec_a.in_(chunk))).tuples().all())
    clusters_of: dict[str, set[str]] = defaultdict(set)
    for cid, rids in holding.items():
        for rid in rids:
            clusters_of[rid].add(cid)
    kept = {cid for a, b in confirmed for cid in clusters_of[a] & clusters_of[b]}
    out: dict[str, ClusterFact] = {}
    for chunk in chunks(sorted(kept), BATCH):
        for cid, reasons in session.execute(select(OverlapCluster.id, OverlapCluster.reasons)
                                            .where(OverlapCluster.id.in_(chunk))):
            out[cid] = ClusterFact(cid, tuple(safe.text(x, 500) for x in json.loads(reasons)))
    return out
