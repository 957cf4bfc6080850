"""Queries of overlap detection: indexed documents, term frequencies, results, decisions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nmrf_desktop.overlap.model import Cluster, Decision, Match
from nmrf_desktop.store.models import Recommendation, utcnow
from nmrf_desktop.store.overlap_models import (
    OverlapCluster,
    OverlapDecision,
    OverlapDoc,
    OverlapMatch,
    OverlapMember,
    OverlapTerm,
)
from nmrf_desktop.store.recommendations import insert_rows


@dataclass(frozen=True, slots=True)
class Features:
    """An indexed text's terms, its asks' terms (when it asks several things), concepts."""

    counts: dict[str, float]
    parts: list[dict[str, float]]
    concepts: tuple[str, ...]

    def dumps(self) -> str:
        return json.dumps({"t": self.counts, "p": self.parts, "k": list(self.concepts)},
                          separators=(",", ":"), sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> Features:
        data = json.loads(text)
        if "t" not in data:  # an index written before clauses were kept: terms only
            return cls(data, [], ())
        return cls(data["t"], data["p"], tuple(data["k"]))


def recommendations(session: Session) -> list[tuple[str, str, str]]:
    """(id, country, text) of every recommendation that is not withdrawn."""
    return _raw(session, f"SELECT id, country, text FROM {Recommendation.__tablename__} "
                         "WHERE NOT withdrawn")


def fingerprints(session: Session) -> dict[str, tuple[str, str]]:
    """id -> (country, fingerprint) of every indexed document."""
    return {i: (c, f) for i, c, f in _raw(
        session, f"SELECT recommendation_id, country, fingerprint FROM {OverlapDoc.__tablename__}")}


def docs_of(session: Session, countries: Iterable[str],
            known: Mapping[str, Features] | None = None
            ) -> list[tuple[str, str, Features, str]]:
    """(id, country, features, asks) of the indexed documents of these countries.

    `known`: features already in memory (just indexed), by id: not decoded again.
    """
    d = OverlapDoc
    known = known or {}
    out = []
    conn = session.connection()
    for chunk in _chunks(sorted(set(countries)), 400):
        for rid, country, terms, asks in conn.execute(
                select(d.recommendation_id, d.country, d.terms, d.asks)
                .where(d.country.in_(chunk))):
            found = known.get(rid)
            out.append((rid, country, found if found is not None else Features.loads(terms),
                        asks))
    return out


def terms_of(session: Session, ids: Sequence[str]) -> dict[str, dict[str, float]]:
    d = OverlapDoc
    out: dict[str, dict[str, float]] = {}
    for chunk in _chunks(list(ids), 500):
        for rid, terms in session.connection().execute(
                select(d.recommendation_id, d.terms).where(d.recommendation_id.in_(chunk))):
            out[rid] = Features.loads(terms).counts
    return out


def document_frequencies(session: Session) -> tuple[dict[str, int], int]:
    df = dict(_raw(session, f"SELECT term, df FROM {OverlapTerm.__tablename__}"))
    docs = session.execute(select(func.count()).select_from(OverlapDoc)).scalar_one()
    return df, int(docs)


def save_docs(session: Session, removed: Sequence[str],
              added: Sequence[tuple[str, str, str, Features, str]]) -> None:
    """Drop `removed` ids and insert `added` (id, country, fingerprint, features, asks)."""
    conn = session.connection()
    for chunk in _chunks(list(removed), 500):
        conn.execute(delete(OverlapDoc).where(OverlapDoc.recommendation_id.in_(chunk)))
    insert_rows(conn, OverlapDoc.__table__, ("recommendation_id", "country", "fingerprint",
                                             "terms", "asks"),
                [(i, c, f, t.dumps(), a) for i, c, f, t, a in added])


def save_frequencies(session: Session, df: dict[str, int], changed: set[str] | None) -> None:
    """Write the document frequencies: all of them, or only the `changed` terms."""
    conn = session.connection()
    if changed is None:
        conn.execute(delete(OverlapTerm))
        rows = sorted(df.items())
    else:
        for chunk in _chunks(sorted(changed), 500):
            conn.execute(delete(OverlapTerm).where(OverlapTerm.term.in_(chunk)))
        rows = sorted((t, df[t]) for t in changed if t in df)
    insert_rows(conn, OverlapTerm.__table__, ("term", "df"), rows)


def clear_results(session: Session, countries: Iterable[str] | None) -> None:
    """Forget the matches and clusters of these countries (None: of all)."""
    conn = session.connection()
    if countries is None:
        for table in (OverlapMember, OverlapCluster, OverlapMatch, OverlapDoc, OverlapTerm):
            conn.execute(delete(table))
        return
    for chunk in _chunks(sorted(set(countries)), 400):
        ids = select(OverlapCluster.id).where(OverlapCluster.country.in_(chunk))
        conn.execute(delete(OverlapMember).where(OverlapMember.cluster_id.in_(ids)))
        conn.execute(delete(OverlapCluster).where(OverlapCluster.country.in_(chunk)))
        conn.execute(delete(OverlapMatch).where(OverlapMatch.country.in_(chunk)))


def save_results(session: Session, matches: Sequence[tuple[str, Match]],
                 clusters: Sequence[Cluster]) -> None:
    conn = session.connection()
    insert_rows(conn, OverlapMatch.__table__,
                ("rec_a", "rec_b", "country", "basis", "score", "reason"),
                [(m.a, m.b, country, m.basis, m.score, m.reason) for country, m in matches])
    insert_rows(conn, OverlapCluster.__table__, ("id", "country", "channel", "size", "reasons"),
                [(c.id, c.group, c.channel, len(c.members), json.dumps(c.reasons))
                 for c in clusters])
    insert_rows(conn, OverlapMember.__table__, ("cluster_id", "recommendation_id"),
                sorted({(c.id, m) for c in clusters for m in c.members}))


def decisions(session: Session) -> list[Decision]:
    d = OverlapDecision
    return [Decision(a, b, v) for a, b, v in session.execute(
        select(d.rec_a, d.rec_b, d.verdict).order_by(d.rec_a, d.rec_b))]


def decide(session: Session, a: str, b: str, verdict: str, actor: str, note: str = "") -> None:
    """Record (or replace) the verdict on a pair; a < b."""
    row = session.get(OverlapDecision, (a, b))
    if row is None:
        session.add(OverlapDecision(rec_a=a, rec_b=b, verdict=verdict, decided_by=actor,
                                    decided_at=utcnow(), note=note))
    else:
        row.verdict, row.decided_by, row.decided_at, row.note = verdict, actor, utcnow(), note
    session.flush()


def clusters(session: Session, country: str | None = None
             ) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(id, country, channel, reasons, member references) of the stored clusters."""
    c, m, r = OverlapCluster, OverlapMember, Recommendation
    query = select(c.id, c.country, c.channel, c.reasons).order_by(c.country, c.id)
    if country:
        query = query.where(c.country == country)
    heads = session.execute(query).all()
    refs: dict[str, list[str]] = {}
    members = select(m.cluster_id, r.reference).join(r, r.id == m.recommendation_id)
    if country:
        members = members.where(r.country == country)
    for cid, ref in session.execute(members.order_by(r.reference)):
        refs.setdefault(cid, []).append(ref)
    return [(cid, ctry, ch, json.loads(reasons), refs.get(cid, []))
            for cid, ctry, ch, reasons in heads]


def members(session: Session, cluster_id: str) -> list[tuple[str, str]]:
    """(id, country) of a cluster's members."""
    m, r = OverlapMember, Recommendation
    return [tuple(x) for x in session.execute(
        select(r.id, r.country).join(m, m.recommendation_id == r.id)
        .where(m.cluster_id == cluster_id).order_by(r.id))]


def related(session: Session, rec_id: str) -> list[tuple[str, str, str, float, str]]:
    """(other id, other reference, basis, score, reason) of every match of one recommendation."""
    x, r = OverlapMatch, Recommendation
    out = []
    for a, b, basis, score, reason in session.execute(
            select(x.rec_a, x.rec_b, x.basis, x.score, x.reason)
            .where((x.rec_a == rec_id) | (x.rec_b == rec_id))):
        other = b if a == rec_id else a
        out.append((other, basis, score, reason))
    refs = dict(session.execute(select(r.id, r.reference).where(
        r.id.in_([o[0] for o in out]))).tuples().all()) if out else {}
    return sorted(((o, refs.get(o, ""), bs, s, rs) for o, bs, s, rs in out),
                  key=lambda t: (-t[3], t[1]))


def _raw(session: Session, sql: str) -> list[Any]:
    """Rows of a parameterless query straight from the driver's cursor, in the session's
    transaction: for the whole-table reads of an update (41,000 recommendations, 125,000
    terms), whose columns need no conversion and where SQLAlchemy's result rows would cost
    more than the query itself (SQLite and PostgreSQL alike)."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _chunks(items: list, size: int):  # type: ignore[no-untyped-def, type-arg]
    for start in range(0, len(items), size):
        yield items[start:start + size]
