"""The browse facets: body, cycle, theme, affected group, SDG, agency and status.

A recommendation is listed under every value it carries (every theme, every group), so a
facet's counts may add up to more than the recommendations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.reports.pdf_styles import human
from nmrf_desktop.reports.site import paths
from nmrf_desktop.reports.site.model import SiteData

FACETS = ("body", "cycle", "theme", "group", "sdg", "agency", "status")
NO_CYCLE = "No cycle"
NO_UPDATE = "No public update"
_STATUS_ORDER = [s.value for s in ImplementationStatus]


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet and the recommendations (indices into SiteData.recs) under it."""

    facet: str
    label: str
    slug: str
    members: tuple[int, ...]
    label_mi: str = ""  # an agency's name in te reo Māori

    @property
    def path(self) -> str:
        return paths.facet_page(self.facet, self.slug)


def status_label(status: str | None) -> str:
    return human(status, NO_UPDATE)


def cycle_label(cycle: int | None) -> str:
    return f"Cycle {cycle}" if cycle else NO_CYCLE


def _values(facet: str, groups: dict[str, list[int]], order: Callable[[str], Any],
            names_mi: dict[str, str] | None = None) -> list[FacetValue]:
    labels = sorted(groups, key=order)
    slugs = paths.unique_slugs(labels)
    return [FacetValue(facet, label, slugs[label], tuple(groups[label]),
                       (names_mi or {}).get(label, "")) for label in labels]


def _alpha(label: str) -> tuple[str, str]:
    return (label.casefold(), label)


def facet_values(data: SiteData) -> dict[str, list[FacetValue]]:
    """Every facet's values in display order, each with its recommendations."""
    index = {rec.row.reference: i for i, rec in enumerate(data.recs)}
    groups: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
    cycles: dict[str, int] = {}
    names_mi: dict[str, str] = {}
    for i, rec in enumerate(data.recs):
        row = rec.row
        groups["body"][row.body].append(i)
        label = cycle_label(row.cycle)
        cycles[label] = row.cycle or 10 ** 6
        groups["cycle"][label].append(i)
        groups["status"][status_label(row.status)].append(i)
        for code in rec.agencies:
            agency = data.agencies.get(code)
            name = agency.name_en if agency else code
            names_mi[name] = agency.name_mi if agency else ""
            groups["agency"][name].append(i)
    for (kind, label), refs in data.terms.items():
        if kind in groups:
            groups[kind][label] = sorted(index[r] for r in refs if r in index)
    statuses = [status_label(s) for s in _STATUS_ORDER] + [NO_UPDATE]
    out = {}
    for facet in FACETS:
        found = {k: v for k, v in groups[facet].items() if v}
        if facet == "cycle":
            out[facet] = _values(facet, found, lambda label: (cycles[label], label))
        elif facet == "status":
            out[facet] = _values(facet, found, lambda label: (
                statuses.index(label) if label in statuses else len(statuses), label))
        else:
            out[facet] = _values(facet, found, _alpha, names_mi if facet == "agency" else None)
    return out


def lookup(values: dict[str, list[FacetValue]]) -> dict[str, dict[str, FacetValue]]:
    """facet -> label -> value, for linking a recommendation's page to its browse pages."""
    return {facet: {v.label: v for v in found} for facet, found in values.items()}
