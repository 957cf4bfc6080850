"""Overlap use cases: detect (incrementally or from scratch), list, and human decisions."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..overlap.detector import DEFAULT, Prepared, Settings, detect_group
from ..overlap.instruments import Ask, asks
from ..overlap.model import CONFIRM, REJECT, Doc, Match, pair
from ..overlap.similarity import TermStats
from ..overlap.text import features
from ..store import overlap as store
from .catalog import ids_for_references
from .record import Record

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


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_asks(text: str) -> tuple[Ask, ...]:
    return tuple(Ask(*k.split(":", 1)) for k in text.split())


def update(record: Record, *, rebuild: bool = False,
           settings: Settings = DEFAULT) -> UpdateReport:
    """Bring the overlap index and clusters up to date, in one transaction.

    Only recommendations that are new, changed or gone are (re)indexed, and only the
    states under review they belong to are re-clustered; `rebuild` starts from nothing.
    """
    with record.unit_of_work() as session:
        return _update(session, rebuild, settings)


def _update(session: Session, rebuild: bool, settings: Settings) -> UpdateReport:
    if rebuild:
        store.clear_results(session, None)
    current = store.recommendations(session)
    known = {} if rebuild else store.fingerprints(session)
    df, docs = ({}, 0) if rebuild else store.document_frequencies(session)
    stats = TermStats(df, docs)
    seen: set[str] = set()
    added: list[tuple[str, str, str, dict[str, float], str]] = []
    stale: list[str] = []
    countries: set[str] = set()
    changed_terms: set[str] = set()
    for rid, country, text in current:
        seen.add(rid)
        fp = _fingerprint(text)
        old = known.get(rid)
        if old is not None and old == (country, fp):
            continue
        if old is not None:
            stale.append(rid)
            countries.add(old[0])
        counts = features(text)
        added.append((rid, country, fp, counts, " ".join(a.key for a in asks(text))))
        countries.add(country)
    gone = [rid for rid in known if rid not in seen]
    for rid in gone:
        countries.add(known[rid][0])
    for counts in store.terms_of(session, stale + gone).values():
        stats.remove(counts)
        changed_terms.update(counts)
    for _rid, _c, _fp, counts, _a in added:
        stats.add(counts)
        changed_terms.update(counts)
    store.save_docs(session, stale + gone, added)
    store.save_frequencies(session, stats.df, None if rebuild else changed_terms)
    _detect(session, countries, stats, settings)
    report = UpdateReport(indexed=len(seen), added=len(added) - len(stale), changed=len(stale),
                          removed=len(gone), groups=len(countries), rebuilt=rebuild)
    log.info("overlap: %s", report)
    return report


def _detect(session: Session, countries: set[str], stats: TermStats | None = None,
            settings: Settings = DEFAULT) -> None:
    """Re-cluster the given states under review, with the current idf and decisions."""
    if not countries:
        return
    if stats is None:
        stats = TermStats(*store.document_frequencies(session))
    store.clear_results(session, countries)
    by_country: dict[str, list[Prepared]] = defaultdict(list)
    texts = {rid: text for rid, country, text in store.recommendations(session)
             if country in countries}
    for rid, country, counts, ask_text in store.docs_of(session, countries):
        by_country[country].append(Prepared(Doc(rid, country, texts.get(rid, "")), counts,
                                             _parse_asks(ask_text)))
    decisions = store.decisions(session)
    matches: list[tuple[str, Match]] = []
    clusters = []
    for country in sorted(by_country):
        result = detect_group(by_country[country], stats, decisions, settings)
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
        raise OverlapRefused(f"no overlap cluster {cluster_id} (see `nmrf overlap`)")
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


__all__ = ["REJECT", "ClusterView", "OverlapRefused", "UpdateReport", "clusters", "confirm",
           "merge", "reject", "related", "split", "update"]
