"""What the Draft a Report… dialog offers, read from the record on the worker: the treaty
bodies, the paragraphs each flagged for follow-up, the themes, cycles and agencies."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from nmrf_desktop.domain.enums import Mechanism
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.domain.upr import mechanism_of_body
from nmrf_desktop.services import catalog, facets
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.record import Record

log = logging.getLogger(__name__)

# More flagged paragraphs than this in one record is not a follow-up list any more.
FLAGGED_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Flagged:
    """A paragraph a treaty body singled out for follow-up."""

    body: str
    paragraph: str
    reference: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class DraftChoices:
    bodies: tuple[str, ...] = ()  # treaty bodies with recommendations in the record
    flagged: dict[str, tuple[Flagged, ...]] = field(default_factory=dict)  # by body
    themes: tuple[str, ...] = ()
    cycles: tuple[tuple[int, int | None], ...] = ()  # (cycle, first year)
    agencies: tuple[AgencyChoice, ...] = ()

    def paragraphs(self, body: str) -> tuple[str, ...]:
        """The flagged paragraph numbers of `body`, each once, in the record's order."""
        seen: dict[str, None] = {}
        for item in self.flagged.get(body, ()):
            if item.paragraph:
                seen.setdefault(item.paragraph, None)
        return tuple(seen)


def _excerpt(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip(" ,;:.") + "…"


def load_choices(record: Record) -> DraftChoices:
    """Read every choice the dialog offers (a few small queries; run it on the worker)."""
    found = facets.choices(record)
    bodies = tuple(b for b in found.bodies if mechanism_of_body(b) is Mechanism.TREATY_BODY)
    flagged: dict[str, list[Flagged]] = {}
    if found.follow_up:
        rows = catalog.search_recommendations(record, Filters(follow_up=True),
                                              limit=FLAGGED_LIMIT)
        for row in sorted(rows, key=lambda r: (r.body, r.reference)):
            flagged.setdefault(row.body, []).append(
                Flagged(row.body, row.paragraph, row.reference, _excerpt(row.text)))
    log.debug("draft choices: %d treaty bodies, %d flagged", len(bodies),
              sum(len(v) for v in flagged.values()))
    return DraftChoices(bodies=bodies, flagged={b: tuple(v) for b, v in flagged.items()},
                        themes=found.themes, cycles=found.cycles, agencies=found.agencies)
