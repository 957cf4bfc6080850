"""Bulk upsert of imported recommendations and reading them back as plain rows.

The import path is the hot path (41,066 rows in one go), so it works with Core
statements and executemany, not ORM objects, and compares a hash of the imported
fields to skip unchanged rows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain.countries import iso3
from ..domain.records import RecommendationIn, RecommendationRow
from . import search
from .models import (
    Assignment,
    Recommendation,
    RecommendationState,
    RecommendationTerm,
    State,
    Term,
    utcnow,
)

# Namespace for deterministic recommendation ids: the same source row gets the same
# UUID in every database (central record and laptops alike).
ID_NAMESPACE = uuid.UUID("6f1d6c3e-3b5e-4c36-9d52-2f3f0d4a8c11")

_FIELDS = ("text", "country", "mechanism", "body", "position", "upr_session", "cycle", "year",
           "published_on", "document_symbol", "paragraph", "action_category", "withdrawn")


def stable_id(source: str, source_id: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{source}:{source_id}"))


def content_hash(rec: RecommendationIn) -> str:
    payload = [getattr(rec, f) for f in _FIELDS]
    payload[_FIELDS.index("published_on")] = str(rec.published_on or "")
    payload += [[(s.name, s.regional_group) for s in rec.states], list(rec.themes),
                list(rec.groups), list(rec.sdgs), rec.te_tiriti, rec.reference]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _reference_prefix(rec: RecommendationIn) -> str:
    when = rec.upr_session if rec.body == "UPR" and rec.upr_session else rec.year
    return f"{iso3(rec.country)}-{rec.body}{when or ''}"


class _Numbering:
    """Hands out human references 'NZL-UPR18-042' that are unique in the database."""

    def __init__(self, session: Session) -> None:
        self._taken = set(session.execute(select(Recommendation.reference)).scalars())
        self._next: dict[str, int] = defaultdict(lambda: 1)

    def take(self, rec: RecommendationIn) -> str:
        if rec.reference and rec.reference not in self._taken:
            self._taken.add(rec.reference)
            return rec.reference
        prefix = rec.reference or _reference_prefix(rec)
        n = self._next[prefix]
        while (candidate := f"{prefix}-{n:03d}") in self._taken:
            n += 1
        self._next[prefix] = n + 1
        self._taken.add(candidate)
        return candidate


class _Lookup:
    """Ids of states and taxonomy terms, created on first sight."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.states = {n: i for i, n in session.execute(select(State.id, State.name))}
        self.terms = {(k, lbl): i for i, k, lbl in session.execute(
            select(Term.id, Term.kind, Term.label))}

    def prepare(self, recs: Sequence[RecommendationIn]) -> None:
        new_states: dict[str, str] = {}
        new_terms: set[tuple[str, str]] = set()
        for rec in recs:
            for s in rec.states:
                if s.name not in self.states:
                    new_states.setdefault(s.name, s.regional_group)
            for kind, labels in (("theme", rec.themes), ("group", rec.groups),
                                 ("sdg", rec.sdgs)):
                new_terms.update((kind, lbl) for lbl in labels if (kind, lbl) not in self.terms)
        if new_states:
            self.session.execute(insert(State), [
                {"name": n, "regional_group": g} for n, g in new_states.items()])
            self.states = {n: i for i, n in self.session.execute(select(State.id, State.name))}
        if new_terms:
            self.session.execute(insert(Term), [{"kind": k, "label": lbl}
                                                for k, lbl in sorted(new_terms)])
            self.terms = {(k, lbl): i for i, k, lbl in self.session.execute(
                select(Term.id, Term.kind, Term.label))}

    def links(self, rec_id: str, rec: RecommendationIn) -> tuple[list[dict], list[dict]]:
        states = [{"recommendation_id": rec_id, "state_id": self.states[s.name]}
                  for s in dict.fromkeys(rec.states)]
        term_ids = dict.fromkeys(
            [self.terms[("theme", t)] for t in rec.themes]
            + [self.terms[("group", g)] for g in rec.groups]
            + [self.terms[("sdg", s)] for s in rec.sdgs])
        terms = [{"recommendation_id": rec_id, "term_id": t} for t in term_ids]
        return states, terms


def _meta(reference: str, rec: RecommendationIn) -> str:
    """Extra searchable text: reference, symbol, body and recommending states."""
    return " ".join([reference, rec.document_symbol, rec.body, *(s.name for s in rec.states)])


def upsert(session: Session, recs: Sequence[RecommendationIn],
           progress: Callable[[int], None] | None = None) -> UpsertCounts:
    """Create new recommendations and update changed ones, keyed by (source, source_id).

    Runs inside the caller's transaction and never commits.
    """
    counts = UpsertCounts()
    if not recs:
        return counts
    existing: dict[tuple[str, str], tuple[str, int, str, str]] = {
        (src, sid): (rid, num, h, ref)
        for rid, src, sid, num, h, ref in session.execute(select(
            Recommendation.id, Recommendation.source, Recommendation.source_id,
            Recommendation.num, Recommendation.source_hash, Recommendation.reference,
        ).where(Recommendation.source.in_({r.source.value for r in recs})))
    }
    lookup = _Lookup(session)
    lookup.prepare(recs)
    numbering = _Numbering(session)
    next_num = (session.execute(select(func.max(Recommendation.num))).scalar() or 0) + 1
    now = utcnow()

    inserts: list[dict] = []
    new_recs: list[RecommendationIn] = []
    updates: list[tuple[str, int, str, RecommendationIn, str]] = []
    for rec in recs:
        digest = content_hash(rec)
        found = existing.get((rec.source.value, rec.source_id))
        if found is None:
            rid = stable_id(rec.source.value, rec.source_id)
            reference = numbering.take(rec)
            inserts.append(_row(rec, digest) | {
                "id": rid, "num": next_num, "reference": reference, "source": rec.source.value,
                "source_id": rec.source_id, "version": 1, "created_at": now, "updated_at": now,
                "te_tiriti": rec.te_tiriti,
            })
            new_recs.append(rec)
            existing[(rec.source.value, rec.source_id)] = (rid, next_num, digest, reference)
            next_num += 1
        elif found[2] == digest:
            counts.unchanged += 1
        else:
            updates.append((found[0], found[1], found[3], rec, digest))

    if inserts:
        session.execute(insert(Recommendation), inserts)
        state_links: list[dict] = []
        term_links: list[dict] = []
        for row, rec in zip(inserts, new_recs, strict=True):
            s, t = lookup.links(row["id"], rec)
            state_links += s
            term_links += t
        _insert_links(session, state_links, term_links)
        search.index_rows(session, ((row["num"], row["text"], _meta(row["reference"], rec))
                                    for row, rec in zip(inserts, new_recs, strict=True)))
        counts.created = len(inserts)
        if progress:
            progress(len(inserts))
    if updates:
        _apply_updates(session, lookup, updates, now)
        counts.updated = len(updates)
    return counts


def _row(rec: RecommendationIn, digest: str) -> dict:
    row = {f: getattr(rec, f) for f in _FIELDS}
    row["source_hash"] = digest
    return row


def _insert_links(session: Session, state_links: list[dict], term_links: list[dict]) -> None:
    if state_links:
        session.execute(insert(RecommendationState), state_links)
    if term_links:
        session.execute(insert(RecommendationTerm), term_links)


def _apply_updates(session: Session, lookup: _Lookup,
                   updates: list[tuple[str, int, str, RecommendationIn, str]], now) -> None:  # type: ignore[no-untyped-def]
    ids = [u[0] for u in updates]
    for rid, _num, _ref, rec, digest in updates:
        values = _row(rec, digest) | {"updated_at": now, "te_tiriti": rec.te_tiriti}
        session.execute(update(Recommendation).where(Recommendation.id == rid).values(
            version=Recommendation.version + 1, **values))
    for chunk in _chunks(ids, 500):
        session.execute(delete(RecommendationState).where(
            RecommendationState.recommendation_id.in_(chunk)))
        session.execute(delete(RecommendationTerm).where(
            RecommendationTerm.recommendation_id.in_(chunk)))
    state_links: list[dict] = []
    term_links: list[dict] = []
    for rid, _num, _ref, rec, _d in updates:
        s, t = lookup.links(rid, rec)
        state_links += s
        term_links += t
    _insert_links(session, state_links, term_links)
    search.unindex(session, [u[1] for u in updates])
    search.index_rows(session, ((num, rec.text, _meta(ref, rec))
                                for _rid, num, ref, rec, _d in updates))


def _chunks(items: Sequence[str], size: int):  # type: ignore[no-untyped-def]
    for start in range(0, len(items), size):
        yield items[start:start + size]


def fetch_rows(session: Session, ids: Sequence[str]) -> list[RecommendationRow]:
    """Plain rows for `ids`, in the order given, with their lists filled in."""
    if not ids:
        return []
    r = Recommendation
    base: dict[str, tuple] = {}
    lists: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(list(ids), 500):
        for row in session.execute(select(
            r.id, r.reference, r.text, r.country, r.mechanism, r.body, r.upr_session, r.cycle,
            r.year, r.position, r.document_symbol, r.paragraph, r.te_tiriti, r.withdrawn, r.status,
        ).where(r.id.in_(chunk))):
            base[row[0]] = tuple(row)
        for rid, name in session.execute(
            select(RecommendationState.recommendation_id, State.name)
            .join(State, State.id == RecommendationState.state_id)
            .where(RecommendationState.recommendation_id.in_(chunk)).order_by(State.name)
        ):
            lists[rid]["states"].append(name)
        for rid, kind, label in session.execute(
            select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.recommendation_id.in_(chunk)).order_by(Term.label)
        ):
            lists[rid][kind].append(label)
        for rid, code, role in session.execute(
            select(Assignment.recommendation_id, Assignment.agency_code, Assignment.role)
            .where(Assignment.recommendation_id.in_(chunk), Assignment.active.is_(True))
            .order_by(Assignment.role.desc(), Assignment.agency_code)
        ):
            lists[rid]["agencies"].append(code if role == "lead" else f"{code} (contributing)")
    out = []
    for rid in ids:
        if rid not in base:
            continue
        b = base[rid]
        extra = lists[rid]
        out.append(RecommendationRow(
            id=b[0], reference=b[1], text=b[2], country=b[3], mechanism=b[4], body=b[5],
            session=b[6], cycle=b[7], year=b[8], position=b[9], document_symbol=b[10],
            paragraph=b[11], te_tiriti=bool(b[12]), withdrawn=bool(b[13]), status=b[14],
            recommending_states=tuple(extra["states"]), themes=tuple(extra["theme"]),
            affected_groups=tuple(extra["group"]), sdgs=tuple(extra["sdg"]),
            assigned_agencies=tuple(extra["agencies"]),
        ))
    return out
