"""Which recommendations carry each theme, affected group and SDG: one batched read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.store.models import RecommendationTerm, Term

KINDS = ("theme", "group", "sdg")  # the order sections and counts follow
KIND_TITLES = {"theme": "Theme", "group": "Affected group", "sdg": "SDG"}
BATCH = 500  # ids per query


def sort_key(key: tuple[str, str]) -> tuple[int, str, str]:
    """Themes, then groups, then SDGs; each alphabetically (case-folded, then exact)."""
    kind, label = key
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), label.casefold(), label)


def memberships(session: Session, ids: Sequence[str], kinds: Sequence[str] = KINDS
                ) -> dict[tuple[str, str], list[str]]:
    """(kind, label) → the ids among `ids` that carry it, in the order of `ids`.

    kind is "theme", "group" or "sdg"; keys come in `sort_key` order. Read in batches of
    BATCH ids, never one query per recommendation. An id carrying nothing is in no list.
    """
    position = {rid: i for i, rid in enumerate(dict.fromkeys(ids))}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    ordered = list(position)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start:start + BATCH]
        for rid, kind, label in session.execute(
                select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
                .join(Term, Term.id == RecommendationTerm.term_id)
                .where(RecommendationTerm.recommendation_id.in_(chunk),
                       Term.kind.in_(list(kinds)))):
            found[(kind, label)].append(rid)
    return {key: sorted(found[key], key=position.__getitem__)
            for key in sorted(found, key=sort_key)}
