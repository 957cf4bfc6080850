"""Human decisions win: confirmed pairs stay linked, rejected pairs stay apart, rebuild or not."""

from __future__ import annotations

import pytest

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record


def _together(record: Record, a: str, b: str) -> bool:
    return any(a in c.references and b in c.references for c in overlap.clusters(record))


def _cluster_of(record: Record, text_start: str) -> overlap.ClusterView:
    from sqlalchemy import select

    from nmrf_desktop.store.models import Recommendation

    with record.reading() as session:
        ref = session.execute(select(Recommendation.reference).where(
            Recommendation.text.startswith(text_start))).scalars().first()
    return next(c for c in overlap.clusters(record) if ref in c.references)


def test_reject_and_confirm_survive_a_rebuild(nz_clustered: Record) -> None:
    icrmw = _cluster_of(nz_clustered, "Ratify the ICRMW, signed in 2007")
    a, b = icrmw.references[0], icrmw.references[1]
    overlap.reject(nz_clustered, a, b)
    assert not _together(nz_clustered, a, b)

    pay = _cluster_of(nz_clustered, "Take steps to eliminate the gender pay gap")
    c = pay.references[0]
    assert not _together(nz_clustered, a, c)
    overlap.confirm(nz_clustered, a, c)
    assert _together(nz_clustered, a, c)

    overlap.update(nz_clustered, rebuild=True)
    assert not _together(nz_clustered, a, b)
    assert _together(nz_clustered, a, c)
    related = {ref: reason for ref, _b, _s, reason in overlap.related(nz_clustered, a)}
    assert related[c] == "confirmed by a coordinator"
    assert b not in related


def test_merge_and_split(nz_clustered: Record) -> None:
    pay = _cluster_of(nz_clustered, "Take steps to eliminate the gender pay gap")
    ced = _cluster_of(nz_clustered, "Ratify the CPED")
    overlap.merge(nz_clustered, pay.id, ced.id)
    assert _together(nz_clustered, pay.references[0], ced.references[0])

    merged = _cluster_of(nz_clustered, "Take steps to eliminate the gender pay gap")
    overlap.split(nz_clustered, merged.id, list(pay.references))
    overlap.update(nz_clustered, rebuild=True)
    assert not _together(nz_clustered, pay.references[0], ced.references[0])
    assert _together(nz_clustered, pay.references[0], pay.references[1])


def test_unknown_reference_is_refused(nz_clustered: Record) -> None:
    with pytest.raises(overlap.OverlapRefused, match="NZL-NOPE"):
        overlap.confirm(nz_clustered, "NZL-NOPE", "NZL-NOPE-2")
