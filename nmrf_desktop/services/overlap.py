"""Overlap use cases: detect (incrementally or from scratch), list, and human decisions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nmrf_desktop import paths
from nmrf_desktop.overlap import meaning
from nmrf_desktop.overlap.detector import Prepared, detect_group
from nmrf_desktop.overlap.instruments import Ask, asks
from nmrf_desktop.overlap.model import CONFIRM, REJECT, Doc, Match, pair
from nmrf_desktop.overlap.scoring import Cache
from nmrf_desktop.overlap.settings import DEFAULT, Settings
from nmrf_desktop.overlap.similarity import TermStats
from nmrf_desktop.overlap.text import analyse
from nmrf_desktop.services.browsing import excerpt
from nmrf_desktop.services.catalog import ids_for_references
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import overlap as store
from nmrf_desktop.store.models import Recommendation
from nmrf_desktop.store.overlap_models import (
    OverlapCluster,
    OverlapDecision,
    OverlapDoc,
    OverlapMatch,
    OverlapMember,
)

log = logging.getLogger(__name__)


class OverlapRefused(Exception):
    """A decision that cannot be taken (unknown reference or cluster): told to the user."""


@dataclass(frozen=True, slots=True)
class ClusterView:
    id: str
    country: str
    channel: str
    references: tuple[str, ...]
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "country": self.country, "references": list(self.references),
                "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class UpdateReport:
    indexed: int
    added: int
    changed: int
    removed: int
    groups: int
    rebuilt: bool


# What an index entry holds; a new version makes every recommendation re-indexed.
_FEATURES = "features-v4\x1f"  # v4: UPR Info wordings of OP-ICESCR and OP-CRC-IC


def _fingerprint(text: str) -> str:
    return hashlib.sha256((_FEATURES + text).encode("utf-8")).hexdigest()


def vectors_path() -> Path:
    """The shipped word vectors (resources/overlap, see its README)."""
    return paths.resources_dir() / "overlap" / meaning.FILE


def vectors() -> meaning.Vectors | None:
    """The word vectors, or None (logged) when the file is missing or damaged: detection
    then goes by wording alone rather than fail an import or a pack."""
    try:
        return meaning.load(vectors_path())
    except meaning.VectorsError as exc:
        log.warning("overlap: %s; matching by wording alone", exc)
        return None


def _parse_asks(text: str) -> tuple[Ask, ...]:
    return tuple(Ask(*k.split(":", 1)) for k in text.split())


def update(record: Record, *, rebuild: bool = False, settings: Settings = DEFAULT,
           progress: Progress = NO_PROGRESS, recheck: Iterable[str] = ()) -> UpdateReport:
    """Bring the overlap index and clusters up to date, in one transaction.

    Only recommendations that are new, changed or gone are (re)indexed, and only the
    states under review they belong to are re-clustered; `rebuild` starts from nothing.
    `recheck`: recommendation ids whose states are re-clustered even if no text changed
    (decisions on them arrived from elsewhere). Cancelling (`progress`) rolls all back.
    """
    with record.unit_of_work() as session:
        report = _update(session, rebuild, settings, progress, set(recheck))
    progress.finish()
    return report


_TICK = 500  # recommendations indexed between two progress reports


def _update(session: Session, rebuild: bool, settings: Settings,
            progress: Progress = NO_PROGRESS, recheck: set[str] | None = None) -> UpdateReport:
    if rebuild:
        store.clear_results(session, None)
    current = store.recommendations(session)
    known = {} if rebuild else store.fingerprints(session)
    df, docs = ({}, 0) if rebuild else store.document_frequencies(session)
    stats = TermStats(df, docs)
    seen: set[str] = set()
    added: list[tuple[str, str, str, store.Features, str]] = []
    stale: list[str] = []
    countries: set[str] = set()
    changed_terms: set[str] = set()
    progress.start(len(current), "Indexing recommendations")
    for n, (rid, country, text) in enumerate(current, start=1):
        if n % _TICK == 0:
            progress.advance(_TICK)
        seen.add(rid)
        if recheck and rid in recheck:
            countries.add(country)
        fp = _fingerprint(text)
        old = known.get(rid)
        if old is not None and old == (country, fp):
            continue
        if old is not None:
            stale.append(rid)
            countries.add(old[0])
        found = analyse(text)
        added.append((rid, country, fp, store.Features(found.counts, found.parts,
                                                        found.concepts),
                       " ".join(a.key for a in asks(text))))
        countries.add(country)
    gone = [rid for rid in known if rid not in seen]
    for rid in gone:
        countries.add(known[rid][0])
    for counts in store.terms_of(session, stale + gone).values():
        stats.remove(counts)
        changed_terms.update(counts)
    for _rid, _c, _fp, feats, _a in added:
        stats.add(feats.counts)
        changed_terms.update(feats.counts)
    store.save_docs(session, stale + gone, added)
    store.save_frequencies(session, stats.df, None if rebuild else changed_terms)
    _detect(session, countries, stats, settings, progress, current,
            {rid: feats for rid, _c, _fp, feats, _a in added})
    report = UpdateReport(indexed=len(seen), added=len(added) - len(stale), changed=len(stale),
                          removed=len(gone), groups=len(countries), rebuilt=rebuild)
    log.info("overlap: %s", report)
    return report


def _detect(session: Session, countries: set[str], stats: TermStats | None = None,
            settings: Settings = DEFAULT, progress: Progress = NO_PROGRESS,
            current: list[tuple[str, str, str]] | None = None,
            known: dict[str, store.Features] | None = None) -> None:
    """Re-cluster the given states under review, with the current idf and decisions.

    `current`: every recommendation's (id, country, text), when the caller has read them;
    `known`: the features of those it has just indexed.
    """
    if not countries:
        return
    if stats is None:
        stats = TermStats(*store.document_frequencies(session))
    store.clear_results(session, countries)
    by_country: dict[str, list[Prepared]] = defaultdict(list)
    texts = {rid: text for rid, country, text in (
        store.recommendations(session) if current is None else current) if country in countries}
    for rid, country, feats, ask_text in store.docs_of(session, countries, known):
        by_country[country].append(Prepared(Doc(rid, country, texts.get(rid, "")),
                                            feats.counts, _parse_asks(ask_text), feats.parts,
                                            feats.concepts))
    decisions = store.decisions(session)
    matches: list[tuple[str, Match]] = []
    clusters = []
    words = vectors()
    cache = Cache()
    progress.start(len(by_country), "Finding overlaps")
    for country in sorted(by_country):
        progress.advance()
        result = detect_group(by_country[country], stats, decisions, settings, words, cache)
        matches += [(country, m) for m in result.matches]
        clusters += result.clusters
    store.save_results(session, matches, clusters)


def clusters(record: Record, country: str | None = None) -> list[ClusterView]:
    with record.reading() as session:
        return [ClusterView(cid, ctry, ch, tuple(refs), tuple(reasons))
                for cid, ctry, ch, reasons, refs in store.clusters(session, country)]


def related(record: Record, reference: str) -> list[tuple[str, str, float, str]]:
    """(other reference, basis, score, reason) for the matches of one recommendation."""
    rid = _ids(record, [reference])[0]
    with record.reading() as session:
        return [(ref, basis, score, reason)
                for _o, ref, basis, score, reason in store.related(session, rid)]


def _ids(record: Record, references: list[str]) -> list[str]:
    found = ids_for_references(record, references)
    missing = [r for r in references if r not in found]
    if missing:
        raise OverlapRefused(f"no recommendation with reference {', '.join(missing)}")
    return [found[r] for r in references]


def _decide(record: Record, pairs: list[tuple[str, str]], verdict: str,
            more: list[tuple[str, str]] = (), more_verdict: str = CONFIRM) -> int:  # type: ignore[assignment]
    """Store verdicts on pairs, then re-cluster their states under review: one transaction."""
    actor = record.actor()
    with record.unit_of_work() as session:
        everything = [(p, verdict) for p in pairs] + [(p, more_verdict) for p in more]
        countries = {c for _i, c in _countries(session, {x for p, _v in everything for x in p})}
        for (x, y), v in everything:
            a, b = pair(x, y)
            store.decide(session, a, b, v, actor)
        _detect(session, countries)
    return len(everything)


def _countries(session: Session, ids: set[str]) -> list[tuple[str, str]]:
    return [(rid, country) for rid, country, _t in store.recommendations(session)
            if rid in ids]


def confirm(record: Record, ref_a: str, ref_b: str) -> int:
    """These two ask the same thing: always linked from now on."""
    a, b = _ids(record, [ref_a, ref_b])
    return _decide(record, [(a, b)], CONFIRM)


def reject(record: Record, ref_a: str, ref_b: str) -> int:
    """These two do not ask the same thing: never linked again, never in one cluster."""
    a, b = _ids(record, [ref_a, ref_b])
    return _decide(record, [(a, b)], REJECT)


def _cluster_members(record: Record, cluster_id: str) -> list[str]:
    with record.reading() as session:
        found = [rid for rid, _c in store.members(session, cluster_id)]
    if not found:
        raise OverlapRefused(f"no overlap cluster {cluster_id}: the clusters were found again "
                             "since; choose it from the list anew")
    return found


def merge(record: Record, first: str, second: str) -> int:
    """One cluster from two: every cross pair is confirmed."""
    left, right = _cluster_members(record, first), _cluster_members(record, second)
    return _decide(record, sorted({pair(a, b) for a in left for b in right if a != b}), CONFIRM)


def split(record: Record, cluster_id: str, references: list[str]) -> int:
    """Take `references` out of a cluster into their own: cross pairs rejected, inner confirmed."""
    members = _cluster_members(record, cluster_id)
    out = _ids(record, references)
    strays = [r for r, i in zip(references, out, strict=True) if i not in members]
    if strays:
        raise OverlapRefused(f"not in cluster {cluster_id}: {', '.join(strays)}")
    stay = [m for m in members if m not in out]
    rejected = sorted({pair(a, b) for a in out for b in stay})
    inner = sorted({pair(a, b) for i, a in enumerate(out) for b in out[i + 1:]})
    return _decide(record, rejected, REJECT, inner, CONFIRM)



# ---------------------------------------------------------------- what the GUI and reports show


@dataclass(frozen=True, slots=True)
class Member:
    """A recommendation as a cluster lists it; `why` is its strongest match inside the cluster."""

    id: str
    reference: str
    body: str
    cycle: int | None
    year: int | None
    status: str | None
    text: str
    why: str = ""

    @property
    def excerpt(self) -> str:
        return excerpt(self.text)


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    """One cluster with its members: what the clusters view and the clusters report show."""

    id: str
    country: str
    channel: str
    reasons: tuple[str, ...]
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def bodies(self) -> tuple[str, ...]:
        return tuple(sorted({m.body for m in self.members}))

    @property
    def cycles(self) -> tuple[int, ...]:
        return tuple(sorted({m.cycle for m in self.members if m.cycle is not None}))

    @property
    def status_mix(self) -> tuple[tuple[str, int], ...]:
        """(status or "none", count), most frequent first."""
        counts = Counter(m.status or "none" for m in self.members)
        return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """Another recommendation in a cluster of the one shown, and why it is there."""

    id: str
    reference: str
    body: str
    cycle: int | None
    year: int | None
    status: str | None
    excerpt: str
    basis: str  # "instrument", "text", "confirmed", or "cluster" (no direct match)
    score: float
    reason: str
    cluster_id: str


@dataclass(frozen=True, slots=True)
class Related:
    """The related recommendations of one, or why there are none to show."""

    recommendation_id: str
    detected: bool  # has detection ever run on this database
    indexed: bool  # was this recommendation there when it last ran
    items: tuple[RelatedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class OverlapState:
    detected: bool
    indexed: int
    clusters: int


def state(record: Record) -> OverlapState:
    """Whether detection has run, and what it found."""
    with record.reading() as session:
        docs = session.execute(select(func.count()).select_from(OverlapDoc)).scalar_one()
        found = session.execute(select(func.count()).select_from(OverlapCluster)).scalar_one()
    return OverlapState(docs > 0, int(docs), int(found))


def _members(session: Session, cluster_ids: Iterable[str] | None
             ) -> dict[str, list[Member]]:
    """cluster id -> members (by reference), for these clusters (None: all)."""
    m, r = OverlapMember, Recommendation
    query = (select(m.cluster_id, r.id, r.reference, r.body, r.cycle, r.year, r.status, r.text)
             .join(r, r.id == m.recommendation_id).order_by(m.cluster_id, r.num))
    out: dict[str, list[Member]] = defaultdict(list)
    if cluster_ids is None:
        rows: Iterable[Any] = session.execute(query)
    else:
        wanted = sorted(set(cluster_ids))
        rows = [row for start in range(0, len(wanted), 400)
                for row in session.execute(query.where(
                    m.cluster_id.in_(wanted[start:start + 400])))]
    for cid, *fields in rows:
        out[cid].append(Member(*fields))
    return out


def _best_reasons(session: Session, groups: dict[str, list[Member]]) -> dict[str, list[Member]]:
    """Each member's `why`: its strongest direct match to another member of its cluster."""
    clusters_of: dict[str, set[str]] = defaultdict(set)
    for cid, ms in groups.items():
        for x in ms:
            clusters_of[x.id].add(cid)
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for _basis, a, b, score, reason in _matches_among(session, sorted(clusters_of)):
        for cid in clusters_of.get(a, set()) & clusters_of.get(b, set()):
            for rid in (a, b):
                if (cid, rid) not in best or score > best[(cid, rid)][0]:
                    best[(cid, rid)] = (score, reason)
    return {cid: [Member(x.id, x.reference, x.body, x.cycle, x.year, x.status, x.text,
                         best.get((cid, x.id), (0.0, ""))[1]) for x in ms]
            for cid, ms in groups.items()}


def _matches_among(session: Session, ids: list[str]) -> list[tuple[str, str, str, float, str]]:
    x = OverlapMatch
    out = []
    for start in range(0, len(ids), 400):
        chunk = ids[start:start + 400]
        for a, b, basis, score, reason in session.execute(
                select(x.rec_a, x.rec_b, x.basis, x.score, x.reason).where(x.rec_a.in_(chunk))):
            out.append((basis, a, b, score, reason))
    return out


def cluster_summaries(record: Record, country: str | None = None,
                      ids: Iterable[str] | None = None) -> list[ClusterSummary]:
    """Every stored cluster (of one state under review, or holding one of `ids`), largest first."""
    with record.reading() as session:
        query = select(OverlapCluster.id, OverlapCluster.country, OverlapCluster.channel,
                       OverlapCluster.reasons)
        if country:
            query = query.where(OverlapCluster.country == country)
        heads = session.execute(query).all()
        if ids is not None:
            wanted = set(ids)
            having = {cid for cid, rid in session.execute(
                select(OverlapMember.cluster_id, OverlapMember.recommendation_id))
                if rid in wanted}
            heads = [h for h in heads if h[0] in having]
        groups = _best_reasons(session, _members(session, None if ids is None and not country
                                                 else [h[0] for h in heads]))
    found = [ClusterSummary(cid, ctry, ch, tuple(json.loads(reasons)),
                            tuple(groups.get(cid, ()))) for cid, ctry, ch, reasons in heads]
    return sorted(found, key=lambda c: (-c.size, c.members[0].reference if c.members else "",
                                        c.id))


def cluster(record: Record, cluster_id: str) -> ClusterSummary | None:
    with record.reading() as session:
        head = session.execute(select(OverlapCluster.country, OverlapCluster.channel,
                                      OverlapCluster.reasons)
                               .where(OverlapCluster.id == cluster_id)).first()
        if head is None:
            return None
        groups = _best_reasons(session, _members(session, [cluster_id]))
    return ClusterSummary(cluster_id, head[0], head[1], tuple(json.loads(head[2])),
                          tuple(groups.get(cluster_id, ())))


def related_to(record: Record, rec_id: str) -> Related:
    """The other members of this recommendation's clusters, each with why it matched."""
    with record.reading() as session:
        detected = session.execute(select(OverlapDoc.recommendation_id).limit(1)).first()
        indexed = session.get(OverlapDoc, rec_id) is not None
        if detected is None or not indexed:
            return Related(rec_id, detected is not None, indexed)
        cids = list(session.execute(select(OverlapMember.cluster_id).where(
            OverlapMember.recommendation_id == rec_id)).scalars())
        groups = _members(session, cids)
        reasons: dict[str, str] = {cid: why for cid, why in session.execute(
            select(OverlapCluster.id, OverlapCluster.reasons).where(OverlapCluster.id.in_(cids)))}
        direct = {other: (basis, score, reason)
                  for other, _ref, basis, score, reason in store.related(session, rec_id)}
    items: dict[str, RelatedItem] = {}
    for cid in sorted(groups):
        why = "; ".join(json.loads(reasons.get(cid, "[]")))
        for m in groups[cid]:
            if m.id == rec_id or m.id in items:
                continue
            basis, score, reason = direct.get(m.id, ("cluster", 0.0, why))
            items[m.id] = RelatedItem(m.id, m.reference, m.body, m.cycle, m.year, m.status,
                                      m.excerpt, basis, score, reason, cid)
    ordered = sorted(items.values(), key=lambda i: (i.basis == "cluster", -i.score, i.reference))
    return Related(rec_id, True, True, tuple(ordered))


# ---------------------------------------------------------------- decisions in packs


def decisions_for(session: Session, rec_ids: Iterable[str]) -> list[dict[str, str]]:
    """The decisions on pairs inside `rec_ids`, as a pack carries them (by UUID)."""
    wanted = set(rec_ids)
    d = OverlapDecision
    return [{"a": a, "b": b, "decision": v, "by": by, "at": at.isoformat()}
            for a, b, v, by, at in session.execute(
                select(d.rec_a, d.rec_b, d.verdict, d.decided_by, d.decided_at)
                .order_by(d.rec_a, d.rec_b))
            if a in wanted and b in wanted]


def apply_decisions(session: Session, rows: Iterable[dict[str, str]]) -> set[str]:
    """Take the sender's decisions as they are (a pack from central wins).

    Returns the recommendation ids whose verdict is new or changed: their clusters are
    stale until `update(..., recheck=ids)` runs.
    """
    touched: set[str] = set()
    for row in rows:
        a, b = pair(row["a"], row["b"])
        found = session.get(OverlapDecision, (a, b))
        at = dt.datetime.fromisoformat(row["at"])
        if found is None:
            session.add(OverlapDecision(rec_a=a, rec_b=b, verdict=row["decision"],
                                        decided_by=row["by"], decided_at=at, note=""))
        elif found.verdict != row["decision"]:
            found.verdict, found.decided_by, found.decided_at = row["decision"], row["by"], at
        else:
            continue
        touched.update((a, b))
    session.flush()
    return touched


__all__ = ["REJECT", "ClusterSummary", "ClusterView", "Member", "OverlapRefused", "OverlapState",
           "Related", "RelatedItem", "UpdateReport", "apply_decisions", "cluster",
           "cluster_summaries", "clusters", "confirm", "decisions_for", "merge", "reject",
           "related", "related_to", "split", "state", "update"]
