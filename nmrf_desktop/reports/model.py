"""The plain records a report is drawn from: what the reporting service gathers, per kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from nmrf_desktop.domain.records import RecommendationRow
from nmrf_desktop.reports.chart_spec import ChartSpec


class ReportKind(StrEnum):
    """The layouts `nmrf report pdf --kind` offers."""

    AGENCY = "agency"
    BODY = "body"
    THEME = "theme"
    TIRITI = "tiriti"
    ANNUAL = "annual"
    THEMATIC_LIST = "thematic-list"
    CLUSTERS = "clusters"  # by overlap cluster: its own layout (pdf_clusters)
    INDICATORS = "indicators"  # by indicator, with charts: its own layout (pdf_indicators)


KIND_TITLES: dict[ReportKind, str] = {
    ReportKind.AGENCY: "Agency progress summary",
    ReportKind.BODY: "Progress by body and cycle",
    ReportKind.THEME: "Progress by theme and affected group",
    ReportKind.TIRITI: "Te Tiriti o Waitangi lens",
    ReportKind.ANNUAL: "Annual report to Ministers",
    ReportKind.THEMATIC_LIST: "Thematic list of recommendations",
    ReportKind.CLUSTERS: "Overlapping recommendations by cluster",
    ReportKind.INDICATORS: "Indicators linked to recommendations",
}


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """The cover and document metadata: who, what, when, and from which database state."""

    title: str
    subtitle: str
    scope: tuple[str, ...]  # the filters, in words, one line each
    generated: dt.datetime
    fingerprint: str  # SHA-256 over the audit log head and the record's counts
    author: str = "NMRF Desktop"
    subject: str = ""
    landscape: bool = False
    public: bool = False
    total: int = 0  # recommendations in the report


@dataclass(frozen=True, slots=True)
class TermCount:
    """How many of a report's recommendations carry one theme or affected group, by status."""

    kind: str  # "theme" | "group" | "" (none recorded)
    label: str
    title: str  # the section heading: "Theme: Rights of the Child"
    counts: tuple[tuple[str, int], ...]  # (status, n), statuses in the summary's order

    @property
    def total(self) -> int:
        return sum(n for _s, n in self.counts)


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts the summary page charts: status by body, and recommendations by cycle;
    for the thematic layouts, status by theme and by affected group too."""

    bodies: tuple[str, ...]
    statuses: tuple[str, ...]
    # counts[status][body index]
    counts: dict[str, tuple[int, ...]]
    by_cycle: tuple[tuple[str, int], ...]
    # Every theme and group section (a recommendation counts under each it carries).
    by_term: tuple[TermCount, ...] = ()

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.counts.values())


@dataclass(frozen=True, slots=True)
class ActionLine:
    title: str
    agency: str
    kind: str
    status: str
    start_date: dt.date | None
    target_date: dt.date | None
    completed_date: dt.date | None
    is_public: bool = False


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    name: str
    date: dt.date | None
    sha256: str
    action_title: str = ""


@dataclass(frozen=True, slots=True)
class LatestUpdate:
    status: str
    narrative: str
    as_of: dt.date
    agency: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One recommendation with everything a report prints about it."""

    row: RecommendationRow
    section: str  # the heading it is listed under (body and cycle, theme, agency, …)
    latest: LatestUpdate | None = None
    actions: tuple[ActionLine, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()
    # What it repeats, or is repeated by, as carried forward: "Repeats NZL-UPR5-064 (cycle 1)".
    lineage: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One thing that happened in an annual report's period."""

    when: dt.date
    agency: str
    what: str  # "Action started", "Status: In progress → Implemented", …
    reference: str
    detail: str = ""


@dataclass(slots=True)
class AnnualSummary:
    """What changed in a period, by agency: the annual report's own pages."""

    start: dt.date
    end: dt.date
    new_recommendations: dict[str, int] = field(default_factory=dict)  # by body
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)  # agency -> column -> n
    changes: dict[str, list[ChangeLine]] = field(default_factory=dict)  # agency -> lines

    COLUMNS = ("Actions started", "Actions completed", "Status changes")


@dataclass(frozen=True, slots=True)
class SeriesLine:
    """One series of an indicator as a report states it: its latest value and trend."""

    label: str  # "Māori, Female", "Total"
    units: str
    latest_period: str
    latest_value: str  # as shown ("41.2")
    status: str  # provisional | final (of the latest value)
    sentence: str  # the trend in words (domain.indicator_words.trend_sentence)
    maori_data: bool  # this series is Māori data
    movement: str = ""  # the same without the latest value, beside it in a table


@dataclass(frozen=True, slots=True)
class IndicatorSection:
    """One indicator with everything a report prints about it."""

    code: str
    title: str
    title_mi: str
    kind: str
    unit: str
    sdg: str | None
    sdg_title: str
    steward: str  # "Ministry of Justice (MOJ)", or "" when none is recorded
    source: str
    method: str
    baseline: str  # "38 (2019)", or ""
    target: str  # "30 by 2030", or ""
    recommendations: tuple[str, ...]  # references, those in the report's scope
    governance: str  # "Māori data — governance: …; note", or "" when not Māori data
    series: tuple[SeriesLine, ...] = ()
    charts: tuple[ChartSpec, ...] = ()  # one per units and set of disaggregations
    withheld: int = 0  # series left out of a public output (Māori data not released)
    # Overlap clusters it is linked to, each with its members in scope: "c7 (NZL-…, …)".
    clusters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one PDF needs; `entries` is consumed once, in order, section by section."""

    kind: ReportKind
    meta: ReportMeta
    summary: Summary
    entries: Iterable[Entry]
    annual: AnnualSummary | None = None
    # The indicators linked to the report's recommendations (agency summary, Te Tiriti
    # report, the public PDF): a compact section, one line per series.
    indicators: tuple[IndicatorSection, ...] = ()
