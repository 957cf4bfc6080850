"""Fixtures for overlap tests: the labelled New Zealand set and helpers to read clusters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import Recommendation, RecommendationState, State

LABELS = Path(__file__).resolve().parents[2] / "data" / "overlap" / "nz_labelled_clusters.json"


def ids_by_key(record: Record) -> dict[tuple[int, str], list[tuple[str, str]]]:
    """(session, recommending state) -> [(text, recommendation id)]."""
    r, rs, s = Recommendation, RecommendationState, State
    with record.reading() as session:
        rows = session.execute(select(r.id, r.upr_session, s.name, r.text)
                               .join(rs, rs.recommendation_id == r.id)
                               .join(s, s.id == rs.state_id)).all()
    out: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for rid, sess, state, text in rows:
        out.setdefault((sess, state), []).append((text, rid))
    return out


def _find(keys: dict[tuple[int, str], list[tuple[str, str]]], member: dict) -> str:
    """The one row whose text starts with the label's 60 characters (whitespace squashed)."""
    start = " ".join(member["text60"].split())
    found = [rid for text, rid in keys[(member["session"], member["state"])]
             if text.startswith(start)]
    assert len(found) == 1, member
    return found[0]


def labelled_groups(record: Record) -> list[list[str]]:
    keys = ids_by_key(record)
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    return [[_find(keys, m) for m in g["members"]] for g in data["groups"]]


def cluster_ids(record: Record) -> list[list[str]]:
    refs = {c.id: c.references for c in overlap.clusters(record)}
    with record.reading() as session:
        by_ref = dict(session.execute(select(Recommendation.reference, Recommendation.id)).all())
    return sorted(sorted(by_ref[x] for x in members) for members in refs.values())


@pytest.fixture
def nz_clustered(nz_record: Record) -> Record:
    overlap.update(nz_record)
    return nz_record
