"""Which recommendations carry each theme, affected group and SDG: one batched read; and the
thematic reports' sections, every recommendation under every theme and group it carries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.reports.model import TermCount
from nmrf_desktop.store.models import RecommendationTerm, Term

KINDS = ("theme", "group", "sdg")  # the order sections and counts follow
KIND_TITLES = {"theme": "Theme", "group": "Affected group", "sdg": "SDG"}
BATCH = 500  # ids per query
NO_TERMS = "No theme or group recorded"


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


@dataclass(frozen=True, slots=True)
class TermSection:
    """One section of a thematic report: a theme, an affected group, or neither."""

    kind: str  # "theme" | "group" | "" (the recommendations that carry neither)
    label: str
    ids: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{KIND_TITLES[self.kind]}: {self.label}" if self.kind else NO_TERMS


def sections(session: Session, ids: Sequence[str], themes: Sequence[str] = (),
             groups: Sequence[str] = ()) -> list[TermSection]:
    """Every theme, then every affected group, that `ids` carry, each with all the ids that
    carry it (in the order of `ids`); then those carrying neither.

    When `themes` or `groups` name some, only those sections (a recommendation matched by
    such a filter carries one of them, so none is left out).
    """
    wanted = {("theme", t) for t in themes} | {("group", g) for g in groups}
    found = memberships(session, ids, kinds=("theme", "group"))
    out = [TermSection(kind, label, tuple(members)) for (kind, label), members in found.items()
           if not wanted or (kind, label) in wanted]
    carried = {rid for members in found.values() for rid in members}
    rest = tuple(rid for rid in dict.fromkeys(ids) if rid not in carried)
    if rest and not wanted:
        out.append(TermSection("", NO_TERMS, rest))
    return out


def counts(found: Sequence[TermSection], statuses: Mapping[str, str | None],
           order: Sequence[str]) -> tuple[TermCount, ...]:
    """Each section's recommendations by current status (`statuses`: id → status, None for
    no update, counted as "none"), the statuses in `order` (those absent are left out)."""
    out = []
    for section in found:
        tally = Counter(statuses.get(rid) or "none" for rid in section.ids)
        ordered = [s for s in order if s in tally] + sorted(s for s in tally if s not in order)
        out.append(TermCount(section.kind, section.label, section.title,
                             tuple((s, tally[s]) for s in ordered)))
    return tuple(out)
