"""Queries of indicators: find them, their links and values; write versions of values."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from nmrf_desktop.store.indicator_models import (
    Indicator,
    IndicatorCluster,
    IndicatorLink,
    IndicatorValue,
)
from nmrf_desktop.store.models import Agency, Recommendation
from nmrf_desktop.store.overlap_models import OverlapCluster

_CHUNK = 400  # ids per IN (...): under SQLite's variable limit


def by_code(session: Session, code: str) -> Indicator | None:
    """The indicator with this code (exactly, else the one differing only in case)."""
    found = session.execute(select(Indicator).where(Indicator.code == code)).scalar()
    if found is not None:
        return found
    rows = session.execute(select(Indicator).where(
        func.lower(Indicator.code) == code.lower())).scalars().all()
    return rows[0] if len(rows) == 1 else None


def all_indicators(session: Session) -> list[Indicator]:
    return list(session.execute(select(Indicator).order_by(Indicator.code)).scalars())


def agency_code(session: Session, code: str) -> str | None:
    """The agency's code as the record spells it ('moj' -> 'MOJ'), or None."""
    exact = session.execute(select(Agency.code).where(Agency.code == code)).scalar()
    if exact is not None:
        return exact
    rows = session.execute(select(Agency.code).where(
        func.upper(Agency.code) == code.upper())).scalars().all()
    return rows[0] if len(rows) == 1 else None


def recommendation_ids(session: Session, references: Sequence[str]) -> dict[str, str]:
    """Reference (as given) -> recommendation id, for those references the record holds;
    a reference typed in another case ('nzl-upr18-078') finds the one it names, when only
    one differs from it by case alone."""
    out: dict[str, str] = {}
    refs = list(dict.fromkeys(references))
    for start in range(0, len(refs), _CHUNK):
        out.update(session.execute(select(Recommendation.reference, Recommendation.id).where(
            Recommendation.reference.in_(refs[start:start + _CHUNK]))).tuples().all())
    rest = {r.upper(): r for r in refs if r not in out}
    keys = list(rest)
    for start in range(0, len(keys), _CHUNK):
        found: dict[str, list[str]] = {}
        for ref, rid in session.execute(select(Recommendation.reference, Recommendation.id)
                                        .where(func.upper(Recommendation.reference).in_(
                                            keys[start:start + _CHUNK]))).tuples():
            found.setdefault(ref.upper(), []).append(rid)
        out.update({rest[k]: ids[0] for k, ids in found.items() if len(ids) == 1})
    return out


def references_of(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """Recommendation id -> its reference, as the record writes it."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        out.update(session.execute(select(Recommendation.id, Recommendation.reference).where(
            Recommendation.id.in_(list(ids[start:start + _CHUNK])))).tuples().all())
    return out


def known_clusters(session: Session, ids: Sequence[str]) -> set[str]:
    return set(session.execute(select(OverlapCluster.id).where(
        OverlapCluster.id.in_(list(ids)))).scalars())


def linked_references(session: Session, indicator_ids: Iterable[str]
                      ) -> dict[str, tuple[str, ...]]:
    """Indicator id -> references of its recommendations, in record order."""
    out: dict[str, list[str]] = defaultdict(list)
    ids = list(indicator_ids)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(IndicatorLink.indicator_id, Recommendation.reference)
            .join(Recommendation, Recommendation.id == IndicatorLink.recommendation_id)
            .where(IndicatorLink.indicator_id.in_(ids[start:start + _CHUNK]))
            .order_by(Recommendation.num))
        for indicator_id, reference in rows:
            out[indicator_id].append(reference)
    return {k: tuple(v) for k, v in out.items()}


def linked_clusters(session: Session, indicator_ids: Iterable[str]
                    ) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    ids = list(indicator_ids)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(IndicatorCluster.indicator_id, IndicatorCluster.cluster_id)
            .where(IndicatorCluster.indicator_id.in_(ids[start:start + _CHUNK]))
            .order_by(IndicatorCluster.cluster_id))
        for indicator_id, cluster in rows:
            out[indicator_id].append(cluster)
    return {k: tuple(v) for k, v in out.items()}


def add_links(session: Session, indicator_id: str, recommendation_ids: Iterable[str],
              clusters: Iterable[str]) -> tuple[list[str], list[str]]:
    """Link recommendations and clusters not linked yet; return the new ones (ids)."""
    held_recs = set(session.execute(select(IndicatorLink.recommendation_id).where(
        IndicatorLink.indicator_id == indicator_id)).scalars())
    held_clusters = set(session.execute(select(IndicatorCluster.cluster_id).where(
        IndicatorCluster.indicator_id == indicator_id)).scalars())
    new_recs = [r for r in dict.fromkeys(recommendation_ids) if r not in held_recs]
    new_clusters = [c for c in dict.fromkeys(clusters) if c not in held_clusters]
    session.add_all(IndicatorLink(indicator_id=indicator_id, recommendation_id=r)
                    for r in new_recs)
    session.add_all(IndicatorCluster(indicator_id=indicator_id, cluster_id=c)
                    for c in new_clusters)
    session.flush()
    return new_recs, new_clusters


def current_counts(session: Session) -> dict[str, int]:
    """Indicator id -> how many current values it has."""
    return dict(session.execute(
        select(IndicatorValue.indicator_id, func.count()).where(
            IndicatorValue.current.is_(True)).group_by(IndicatorValue.indicator_id)
    ).tuples().all())


_COMPARED = (IndicatorValue.id, IndicatorValue.key, IndicatorValue.version,
             IndicatorValue.value, IndicatorValue.observation_status,
             IndicatorValue.attributes, IndicatorValue.maori_data)


def current_by_key(session: Session, indicator_id: str) -> dict[str, Any]:
    """Key -> (id, key, version, value, observation status, attributes, Māori data) of
    each current value: what an import compares a row with."""
    return {row.key: row for row in session.execute(
        select(*_COMPARED).where(IndicatorValue.indicator_id == indicator_id,
                                 IndicatorValue.current.is_(True)))}


def disaggregation_names(session: Session, indicator_id: str) -> set[str]:
    """The disaggregations (column names: 'Sex', 'Ethnicity') the indicator's current values
    use."""
    names: set[str] = set()
    for (text,) in session.execute(
            select(IndicatorValue.disaggregation).where(
                IndicatorValue.indicator_id == indicator_id,
                IndicatorValue.current.is_(True)).distinct()):
        found = json.loads(text or "{}")
        if isinstance(found, dict):
            names.update(str(k) for k in found)
    return names


def insert_values(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Add value rows (dicts of IndicatorValue's columns) in one executemany."""
    if rows:  # Core executemany: no ORM objects made for rows only written
        session.execute(insert(IndicatorValue.__table__), list(rows))


def supersede(session: Session, successors: Sequence[tuple[str, str]]) -> None:
    """Mark each (old id, new id): the old value is no longer current, the new one follows."""
    if successors:  # Core executemany of one UPDATE by primary key
        table = IndicatorValue.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("old"))
            .values(current=False, superseded_by=bindparam("new")),
            [{"old": old, "new": new} for old, new in successors])


def values_of(session: Session, indicator_id: str, *, history: bool = False
              ) -> list[Any]:
    """The indicator's current values (every version with `history`), unordered: rows with
    IndicatorValue's columns as attributes (read only: no ORM objects for thousands)."""
    table = IndicatorValue.__table__
    stmt = select(table).where(table.c.indicator_id == indicator_id)
    if not history:
        stmt = stmt.where(table.c.current.is_(True))
    return list(session.execute(stmt))


def series_ids(session: Session, indicator_id: str, disaggregation: str, units: str
               ) -> list[str]:
    """The ids of a series' current values."""
    v = IndicatorValue
    return list(session.execute(select(v.id).where(
        v.indicator_id == indicator_id, v.current.is_(True),
        v.disaggregation == disaggregation, v.units == units)).scalars())


def set_series_maori(session: Session, ids: Sequence[str], maori_data: bool | None) -> None:
    """Set the Māori data flag of these values (a governance fact about the series, not a
    change of value: no new version)."""
    for start in range(0, len(ids), _CHUNK):
        session.execute(update(IndicatorValue).where(
            IndicatorValue.id.in_(ids[start:start + _CHUNK])).values(maori_data=maori_data))
