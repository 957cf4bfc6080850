"""Related recommendations for the public site: those in an overlap cluster that a
coordinator confirmed (a cluster holding a pair they confirmed), and pairs confirmed
directly. Machine-found clusters nobody has looked at are not published."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.overlap.model import CONFIRM
from nmrf_desktop.store.overlap_models import OverlapDecision, OverlapMember


def confirmed_related(session: Session, wanted: set[str]) -> dict[str, list[str]]:
    """Recommendation id -> the ids related to it (among `wanted`), sorted."""
    d = OverlapDecision
    pairs = [(a, b) for a, b in session.execute(
        select(d.rec_a, d.rec_b).where(d.verdict == CONFIRM)) if a in wanted and b in wanted]
    if not pairs:
        return {}
    members: dict[str, set[str]] = defaultdict(set)
    for cluster, rid in session.execute(select(OverlapMember.cluster_id,
                                               OverlapMember.recommendation_id)):
        if rid in wanted:
            members[cluster].add(rid)
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    for found in members.values():
        if any(a in found and b in found for a, b in pairs):
            for rid in found:
                out[rid] |= found - {rid}
    return {rid: sorted(others) for rid, others in out.items()}
