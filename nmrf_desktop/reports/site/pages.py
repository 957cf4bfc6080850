"""Every page of the public site, planned from the gathered data: home, one page per
recommendation and indicator, the browse pages, open data, about, and search."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from nmrf_desktop.reports.chart_spec import ChartSpec
from nmrf_desktop.reports.model import IndicatorSection
from nmrf_desktop.reports.site import paths
from nmrf_desktop.reports.site.facets import (
    FACETS,
    FacetValue,
    cycle_label,
    facet_values,
    lookup,
    status_label,
)
from nmrf_desktop.reports.site.model import SiteData, SiteRec
from nmrf_desktop.reports.site.open_data import DICTIONARY, DataFile
from nmrf_desktop.reports.site.render import Page
from nmrf_desktop.reports.site.strings import Chrome
from nmrf_desktop.reports.site.svg import bar_chart, line_chart

PAGE_SIZE = 100  # recommendations per browse page
EXCERPT = 220


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rsplit(" ", 1)[0] + "…"


class Plan:
    """The pages of one site, made lazily in a stable order; `count` is known up front."""

    def __init__(self, data: SiteData, files: list[DataFile], chrome: Chrome) -> None:
        self.data = data
        self.t = chrome.plain
        self.files = files
        self.facets = facet_values(data)
        self.by_label = lookup(self.facets)
        self.rec_slugs = paths.unique_slugs(r.row.reference for r in data.recs)
        self.ind_slugs = paths.unique_slugs(s.code for s in data.indicators)
        self.sections = {s.code: s for s in data.indicators}
        self.rec_path = {r.row.reference: paths.recommendation(self.rec_slugs[r.row.reference])
                         for r in data.recs}

    @property
    def count(self) -> int:
        browse = sum(1 + sum(_pages(len(v.members)) for v in values)
                     for values in self.facets.values())
        return 5 + browse + len(self.data.recs) + 1 + len(self.data.indicators)

    def pages(self) -> Iterator[Page]:
        yield self._home()
        yield Page(paths.SEARCH, "search.html", self.t("search"), section="search")
        yield Page(paths.ABOUT, "about.html", self.t("about"), {
            "data": self.data}, indexed=True, section="about")
        yield Page(paths.DATA, "data.html", self.t("open_data"), {
            "files": self.files, "dictionary": DICTIONARY}, indexed=True, section="data")
        yield Page(paths.BROWSE, "browse.html", self.t("browse"), {
            "facets": self.facets, "total": len(self.data.recs)}, section="browse")
        for facet in FACETS:
            yield from self._facet(facet, self.facets[facet])
        for rec in self.data.recs:
            yield self._recommendation(rec)
        yield Page(paths.INDICATORS, "indicators.html", self.t("indicators"), {
            "indicators": [(s, paths.indicator(self.ind_slugs[s.code]))
                           for s in self.data.indicators]}, section="indicators")
        for section in self.data.indicators:
            yield Page(paths.indicator(self.ind_slugs[section.code]), "indicator.html",
                       f"{section.code}: {section.title}", {
                           "s": section, "charts": _charts(section),
                           "recs": [(r, self.rec_path[r])
                                                  for r in section.recommendations
                                                  if r in self.rec_path]},
                       indexed=True, section="indicators")

    def _home(self) -> Page:
        recs = self.data.recs
        charts = [
            ("by_status", "status", self.facets["status"]),
            ("by_body", "body", self.facets["body"]),
            ("by_cycle", "cycle", self.facets["cycle"]),
        ]
        country = Counter(r.row.country for r in recs).most_common(1)
        return Page(paths.HOME, "home.html", self.t("home"), {
            "total": len(recs), "country": country[0][0] if country else "",
            "svg": {facet: bar_chart(f"chart-{facet}", self.t(key),
                                     [(v.label, len(v.members)) for v in values])
                    for key, facet, values in charts},
            "charts": [
                (key, facet, [(v.label, len(v.members), v.path) for v in values])
                for key, facet, values in charts],
            "indicators": len(self.data.indicators),
            "updated": Counter(r.row.status is not None for r in recs)[True],
            "last_change": self.data.last_change}, indexed=True, section="home")

    def _facet(self, facet: str, values: list[FacetValue]) -> Iterator[Page]:
        yield Page(paths.facet_index(facet), "facet_index.html", self.t(f"by_{facet}"), {
            "facet": facet, "values": values}, section="browse")
        for value in values:
            members = value.members
            total = _pages(len(members))
            for number in range(1, total + 1):
                chunk = members[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
                yield Page(paths.facet_page(facet, value.slug, number), "facet_page.html",
                           value.label, {
                               "facet": facet, "value": value, "number": number,
                               "pages": [paths.facet_page(facet, value.slug, n)
                                         for n in range(1, total + 1)],
                               "items": [self._item(self.data.recs[i]) for i in chunk]},
                           section="browse")

    def _item(self, rec: SiteRec) -> dict[str, Any]:
        row = rec.row
        return {"reference": row.reference, "path": self.rec_path[row.reference],
                "excerpt": excerpt(row.text), "body": row.body,
                "cycle": cycle_label(row.cycle), "status": status_label(row.status)}

    def _recommendation(self, rec: SiteRec) -> Page:
        row = rec.row
        link = self.by_label

        def facet_link(facet: str, label: str) -> FacetValue | None:
            return link[facet].get(label)

        return Page(self.rec_path[row.reference], "recommendation.html",
                    f"{self.t('recommendation')} {row.reference}", {
                        "rec": rec, "row": row, "facet": facet_link,
                        "status": status_label(row.status), "cycle": cycle_label(row.cycle),
                        "agencies": [self.data.agencies.get(c) for c in rec.agencies],
                        "related": [(r, self.rec_path[r]) for r in rec.related
                                    if r in self.rec_path],
                        "indicators": [(self.sections[c], paths.indicator(self.ind_slugs[c]),
                                        _charts(self.sections[c], self.ind_slugs[c]))
                                       for c in rec.indicators if c in self.sections]},
                    indexed=True, section="browse")


def _charts(section: IndicatorSection, prefix: str = "chart") -> list[tuple[Markup, ChartSpec]]:
    """An indicator's charts as SVG, each with its spec (for the table beside it)."""
    return [(line_chart(f"{prefix}-{n}", spec), spec)
            for n, spec in enumerate(section.charts, start=1) if not spec.is_empty]


def _pages(members: int) -> int:
    return max(1, -(-members // PAGE_SIZE))
