"""Bulk upsert of imported recommendations and reading them back as plain rows.

The import path is the hot path (41,066 rows in one go), so it works with positional
executemany (the DBAPI cursor on SQLite, Core elsewhere), not ORM objects, and compares a
hash of the imported fields to skip unchanged rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from nmrf_desktop.domain.countries import iso3
from nmrf_desktop.domain.records import RecommendationIn, RecommendationRow
from nmrf_desktop.store import search
from nmrf_desktop.store.models import (
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

# The fields a source owns: an import compares and overwrites these. The coordinator's
# flags (te_tiriti, withdrawn) and the human reference are the record's own.
_FIELDS = ("text", "country", "mechanism", "body", "position", "upr_session", "cycle", "year",
           "published_on", "document_symbol", "paragraph", "action_category")


# uuid5 is SHA-1 over the namespace bytes then the name: hash the namespace once.
_ID_SHA1 = hashlib.sha1(ID_NAMESPACE.bytes, usedforsecurity=False)


def stable_id(source: str, source_id: str) -> str:
    """str(uuid.uuid5(ID_NAMESPACE, f"{source}:{source_id}")), computed without UUID objects."""
    digest = _ID_SHA1.copy()
    digest.update(f"{source}:{source_id}".encode())
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _json_encoder() -> Callable[[object], str]:
    """json.dumps(..., ensure_ascii=False, separators=(",", ":"), default=str), made once.

    JSONEncoder.encode builds its C encoder on every call; the hash needs 41,000 calls.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    chunks = make(None, str, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(chunks(value, 0))


_ENCODE = _json_encoder()


def content_hash(rec: RecommendationIn) -> str:
    """Hash of what the source says: _FIELDS, then states and terms as sets (the database
    keeps links, not their order); flags and reference are not the source's to change."""
    payload = (rec.text, rec.country, rec.mechanism, rec.body, rec.position, rec.upr_session,
               rec.cycle, rec.year, str(rec.published_on or ""), rec.document_symbol,
               rec.paragraph, rec.action_category,
               sorted({(s.name, s.regional_group) for s in rec.states}),
               sorted(set(rec.themes)), sorted(set(rec.groups)), sorted(set(rec.sdgs)))
    return hashlib.sha256(_ENCODE(payload).encode("utf-8")).hexdigest()


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
        self._session = session
        self._loaded: set[str] | None = None  # read on first use: a re-import may need none
        self._next: dict[str, int] = defaultdict(lambda: 1)

    @property
    def _taken(self) -> set[str]:
        if self._loaded is None:
            self._loaded = set(self._session.connection().execute(
                select(Recommendation.reference)).scalars())
        return self._loaded

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

    def links(self, rec_id: str, rec: RecommendationIn
              ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """(recommendation id, state id) and (recommendation id, term id) link rows."""
        unique = rec.states if len(rec.states) < 2 else dict.fromkeys(rec.states)
        states = [(rec_id, self.states[s.name]) for s in unique]
        terms = self.terms
        term_ids = dict.fromkeys(
            [terms[("theme", t)] for t in rec.themes]
            + [terms[("group", g)] for g in rec.groups]
            + [terms[("sdg", s)] for s in rec.sdgs])
        return states, [(rec_id, t) for t in term_ids]


def _meta(reference: str, rec: RecommendationIn) -> str:
    return search_meta(reference, rec.document_symbol, rec.body, [s.name for s in rec.states])


def search_meta(reference: str, symbol: str, body: str, states: Sequence[str]) -> str:
    """Extra searchable text: reference, symbol, body and recommending states."""
    return " ".join([reference, symbol, body, *states])


# A column's place, its bind conversion, and the values it has converted so far.
_Convert = tuple[int, Callable[[Any], Any], dict[Any, Any]]


def insert_rows(conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence[object]]) -> None:
    """INSERT positional `rows` (values in `columns` order) in one executemany.

    On SQLite the rows go to the driver as they are, after the columns' own bind
    conversions (dates, booleans); other databases get a Core insert.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    convert: list[_Convert] = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            convert.append((i, process, {}))
    if convert:
        rows = [_converted(row, convert) for row in rows]
    elif not isinstance(rows, list) or (rows and not isinstance(rows[0], tuple)):
        rows = [tuple(row) for row in rows]
    quote = dialect.identifier_preparer.quote
    conn.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})", rows)


def _converted(row: Sequence[object], convert: list[_Convert]) -> tuple[object, ...]:
    values = list(row)
    for i, process, seen in convert:
        value = values[i]
        try:
            values[i] = seen[value]
        except KeyError:
            values[i] = seen[value] = process(value)
        except TypeError:  # unhashable: convert it every time
            values[i] = process(value)
    return tuple(values)


_INSERT_COLUMNS = ("id", "num", "reference", "source", "source_id", "source_hash", *_FIELDS,
                   "withdrawn", "te_tiriti", "version", "created_at", "updated_at")


def upsert(session: Session, recs: Sequence[RecommendationIn],
           progress: Callable[[int], None] | None = None) -> UpsertCounts:
    """Create new recommendations and update changed ones, keyed by (source, source_id).

    Runs inside the caller's transaction and never commits.
    """
    counts = UpsertCounts()
    if not recs:
        return counts
    conn = session.connection()
    r = Recommendation
    existing: dict[tuple[str, str], tuple[str, int, str, str, bool, bool]] = {
        (src, sid): (rid, num, h, ref, bool(tt), bool(wd))
        for rid, src, sid, num, h, ref, tt, wd in conn.execute(select(
            r.id, r.source, r.source_id, r.num, r.source_hash, r.reference, r.te_tiriti,
            r.withdrawn,
        ).where(r.source.in_({rec.source.value for rec in recs})))
    }
    lookup = _Lookup(session)
    lookup.prepare(recs)
    numbering = _Numbering(session)
    next_num = (conn.execute(select(func.max(r.num))).scalar() or 0) + 1
    now = utcnow()

    inserts: list[tuple[Any, ...]] = []
    new_recs: list[RecommendationIn] = []
    updates: list[tuple[str, int, str, RecommendationIn, str]] = []
    sources: dict[object, str] = {}  # enum -> value: Enum.value is a slow property
    for rec in recs:
        digest = content_hash(rec)
        source = sources.get(rec.source) or sources.setdefault(rec.source, rec.source.value)
        found = existing.get((source, rec.source_id))
        if found is None:
            rid = stable_id(source, rec.source_id)
            reference = numbering.take(rec)
            inserts.append((
                rid, next_num, reference, source, rec.source_id, digest,
                rec.text, rec.country, rec.mechanism, rec.body, rec.position, rec.upr_session,
                rec.cycle, rec.year, rec.published_on, rec.document_symbol, rec.paragraph,
                rec.action_category, bool(rec.withdrawn), bool(rec.te_tiriti), 1, now, now))
            new_recs.append(rec)
            existing[(source, rec.source_id)] = (rid, next_num, digest, reference,
                                                 bool(rec.te_tiriti), bool(rec.withdrawn))
            next_num += 1
        elif found[2] == digest and not _flags_differ(rec, found[4], found[5]):
            counts.unchanged += 1
        else:
            updates.append((found[0], found[1], found[3], rec, digest))

    if inserts:
        insert_rows(conn, Recommendation.__table__, _INSERT_COLUMNS, inserts)
        state_links: list[tuple[str, int]] = []
        term_links: list[tuple[str, int]] = []
        for row, rec in zip(inserts, new_recs, strict=True):
            s, t = lookup.links(row[0], rec)
            state_links += s
            term_links += t
        _insert_links(session, state_links, term_links)
        search.index_rows(session, [(row[1], row[6], _meta(row[2], rec))
                                    for row, rec in zip(inserts, new_recs, strict=True)])
        counts.created = len(inserts)
        if progress:
            progress(len(inserts))
    if updates:
        _apply_updates(session, lookup, updates, now)
        counts.updated = len(updates)
    return counts


def _flags_differ(rec: RecommendationIn, te_tiriti: bool, withdrawn: bool) -> bool:
    return ((rec.te_tiriti is not None and rec.te_tiriti != te_tiriti)
            or (rec.withdrawn is not None and rec.withdrawn != withdrawn))


def _row(rec: RecommendationIn, digest: str) -> dict[str, Any]:
    row = {f: getattr(rec, f) for f in _FIELDS}
    row["source_hash"] = digest
    for flag in ("te_tiriti", "withdrawn"):
        if getattr(rec, flag) is not None:
            row[flag] = getattr(rec, flag)
    return row


def _insert_links(session: Session, state_links: list[tuple[str, int]],
                  term_links: list[tuple[str, int]]) -> None:
    # In key order: the primary-key B-trees then fill from one end instead of at random.
    conn = session.connection()
    insert_rows(conn, RecommendationState.__table__, ("recommendation_id", "state_id"),
                sorted(state_links))
    insert_rows(conn, RecommendationTerm.__table__, ("recommendation_id", "term_id"),
                sorted(term_links))


def _apply_updates(session: Session, lookup: _Lookup,
                   updates: list[tuple[str, int, str, RecommendationIn, str]],
                   now: dt.datetime) -> None:
    ids = [u[0] for u in updates]
    for rid, _num, _ref, rec, digest in updates:
        values = _row(rec, digest) | {"updated_at": now}
        session.execute(update(Recommendation).where(Recommendation.id == rid).values(
            version=Recommendation.version + 1, **values))
    for chunk in _chunks(ids, 500):
        session.execute(delete(RecommendationState).where(
            RecommendationState.recommendation_id.in_(chunk)))
        session.execute(delete(RecommendationTerm).where(
            RecommendationTerm.recommendation_id.in_(chunk)))
    state_links: list[tuple[str, int]] = []
    term_links: list[tuple[str, int]] = []
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


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_r = Recommendation
# Built once: fetch_rows runs on every search, and building statements costs more than
# running these four on 50 ids.
_FETCH_BASE = select(
    _r.id, _r.reference, _r.text, _r.country, _r.mechanism, _r.body, _r.upr_session, _r.cycle,
    _r.year, _r.position, _r.document_symbol, _r.paragraph, _r.te_tiriti, _r.withdrawn,
    _r.status, _r.follow_up, _r.important,
).where(_r.id.in_(_IDS))
_FETCH_STATES = (
    select(RecommendationState.recommendation_id, State.name)
    .join(State, State.id == RecommendationState.state_id)
    .where(RecommendationState.recommendation_id.in_(_IDS)).order_by(State.name))
_FETCH_TERMS = (
    select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
    .join(Term, Term.id == RecommendationTerm.term_id)
    .where(RecommendationTerm.recommendation_id.in_(_IDS)).order_by(Term.label))
_FETCH_AGENCIES = (
    select(Assignment.recommendation_id, Assignment.agency_code, Assignment.role)
    .where(Assignment.recommendation_id.in_(_IDS), Assignment.active.is_(True))
    .order_by(Assignment.role.desc(), Assignment.agency_code))


def fetch_rows(session: Session, ids: Sequence[str]) -> list[RecommendationRow]:
    """Plain rows for `ids`, in the order given, with their lists filled in."""
    if not ids:
        return []
    conn = session.connection()
    base: dict[str, tuple[Any, ...]] = {}
    lists: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(list(ids), 500):
        params = {"ids": chunk}
        for row in conn.execute(_FETCH_BASE, params):
            base[row[0]] = tuple(row)
        for rid, name in conn.execute(_FETCH_STATES, params):
            lists[rid]["states"].append(name)
        for rid, kind, label in conn.execute(_FETCH_TERMS, params):
            lists[rid][kind].append(label)
        for rid, code, role in conn.execute(_FETCH_AGENCIES, params):
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
            follow_up=bool(b[15]), important=bool(b[16]),
        ))
    return out
