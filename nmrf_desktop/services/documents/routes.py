"""An import meets recommendations another route brought: rows of UPR Info or UHRI that the
record already holds from a UN document (or a document filled in) fill it in, not duplicate."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import RecommendationIn
from nmrf_desktop.services.documents import filling, matching
from nmrf_desktop.store.models import Recommendation

log = logging.getLogger(__name__)

DOCUMENT = "document"


@dataclass(slots=True)
class Folded:
    """Rows an import did not write as their own: they filled in (or already were) held
    recommendations of another route."""

    updated: int = 0
    unchanged: int = 0


def fold(session: Session, records: list[RecommendationIn]
         ) -> tuple[list[RecommendationIn], Folded]:
    """The rows still to upsert, and what the others did to the held recommendations.

    A row already held under its own key is that record and is left to the upsert. The
    others are matched on State, review and paragraph (or text) against rows of other
    routes that carry a paragraph or came from a document; a match is filled in.
    """
    folded = Folded()
    if not records:
        return records, folded
    sources = {r.source.value for r in records}
    if sources == {DOCUMENT} or len(sources) != 1:
        return records, folded
    source = sources.pop()
    found = matching.load(session, {r.body for r in records},
                          {matching.country_key(r.country) for r in records},
                          exclude_source=source, only_sources={DOCUMENT},
                          with_paragraph=True)
    if not found.by_paragraph and not found.by_text:
        return records, folded
    own = set(session.execute(select(Recommendation.source_id).where(
        Recommendation.source == source)).scalars())
    out: list[RecommendationIn] = []
    for rec in records:
        if rec.source_id in own:
            out.append(rec)
            continue
        country, review = matching.key_of(rec)
        held = found.find(country, review, rec.paragraph, rec.text,
                          [s.name for s in rec.states])
        if not held:
            out.append(rec)
            continue
        changed = False
        for h in held:
            if filling.fill(session, h.id, rec):
                changed = True
        if changed:
            folded.updated += 1
        else:
            folded.unchanged += 1
        log.debug("%s row %s is %s: filled in", rec.origin[0], rec.origin[1],
                  ", ".join(h.reference for h in held))
    return out, folded
