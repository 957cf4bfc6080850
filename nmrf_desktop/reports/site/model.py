"""The plain records the public site is drawn from: what the site service gathers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nmrf_desktop.domain.records import RecommendationRow
from nmrf_desktop.reports.model import IndicatorSection
from nmrf_desktop.reports.public_files import Table


@dataclass(frozen=True, slots=True)
class AgencyName:
    code: str
    name_en: str
    name_mi: str = ""


@dataclass(frozen=True, slots=True)
class ProgressLine:
    """One public progress update."""

    agency: str
    status: str
    as_of: dt.date | None
    narrative: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One public action, as a recommendation's page lists it."""

    agency: str
    title: str
    description: str
    kind: str
    status: str
    start_date: dt.date | None
    target_date: dt.date | None
    completed_date: dt.date | None


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """Public evidence: its name, date and SHA-256 (never the file)."""

    name: str
    date: dt.date | None
    sha256: str
    action: str = ""


@dataclass(frozen=True, slots=True)
class SiteRec:
    """One recommendation with everything its public page shows."""

    row: RecommendationRow  # status: the latest public update's; no assignments
    status_as_of: dt.date | None = None
    progress: tuple[ProgressLine, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    agencies: tuple[str, ...] = ()  # codes of the agencies with public updates or actions
    related: tuple[str, ...] = ()  # references, from overlap clusters with a confirmed pair
    indicators: tuple[str, ...] = ()  # codes of the public indicators linked to it


@dataclass(frozen=True, slots=True)
class Source:
    """Where recommendations came from, as the about page lists it."""

    name: str
    mechanism: str
    count: int


@dataclass(slots=True)
class SiteData:
    """The whole public subset of the record, in publishing order."""

    recs: list[SiteRec]
    agencies: dict[str, AgencyName]
    # (kind, label) -> references, kind "theme" | "group" | "sdg": every term a rec carries
    terms: dict[tuple[str, str], list[str]]
    indicators: tuple[IndicatorSection, ...]
    tables: list[Table]  # the open data: the same tables as `nmrf report public`
    last_change: dt.date | None
    sources: tuple[Source, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    left_out: tuple[tuple[str, int], ...] = ()  # other states the record holds: not published
