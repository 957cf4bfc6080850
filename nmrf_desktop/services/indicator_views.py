"""What the app shows of indicators: the list with each one's headline trend, one indicator
in full (its chart, series trends and linked recommendations), and a recommendation's."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from nmrf_desktop.domain.indicators import (
    IndicatorRecord,
    SeriesTrend,
    ValueRecord,
    canonical_disaggregation,
    period_sort_key,
)
from nmrf_desktop.reports.chart_spec import ChartSeries, ChartSpec
from nmrf_desktop.services import indicators
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.indicator_models import Indicator, IndicatorCluster, IndicatorLink
from nmrf_desktop.store.laptop import is_laptop
from nmrf_desktop.store.models import Recommendation
from nmrf_desktop.store.overlap_models import OverlapMember

log = logging.getLogger(__name__)

EXCERPT = 160  # characters of a linked recommendation's text


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator in the list, with the trend of its headline series (the total, else
    its first series), None while it has no values."""

    indicator: IndicatorRecord
    headline: SeriesTrend | None


@dataclass(frozen=True, slots=True)
class Overview:
    """Every indicator, and whether indicators may be added and values imported here (the
    central record: not a laptop copy)."""

    rows: tuple[IndicatorRow, ...]
    central: bool


@dataclass(frozen=True, slots=True)
class LinkedRecommendation:
    id: str
    reference: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class SeriesView:
    """One series as the chart draws it: its label, trend and whether it is Māori data."""

    label: str
    trend: SeriesTrend
    maori_data: bool


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    """One indicator in full: the chart of its current values (one line per series, in the
    order of `series`), each series' trend, and the recommendations it measures."""

    indicator: IndicatorRecord
    chart: ChartSpec
    series: tuple[SeriesView, ...]
    recommendations: tuple[LinkedRecommendation, ...]


def headline(trends: list[SeriesTrend]) -> SeriesTrend | None:
    """The series a one-line summary speaks of: the total, else the first."""
    for found in trends:
        if not found.disaggregation:
            return found
    return trends[0] if trends else None


def is_central(record: Record) -> bool:
    """Whether this is the central record (indicators are added and values imported here)."""
    with record.reading() as session:
        return not is_laptop(session)


def overview(record: Record) -> Overview:
    """Every indicator by code with its headline trend."""
    rows = tuple(IndicatorRow(found, headline(indicators.trends(record, found.code))
                              if found.values else None)
                 for found in indicators.list_indicators(record))
    return Overview(rows, is_central(record))


def display_unit(unit: str, series_units: set[str]) -> str:
    """The unit a chart writes after its numbers: the indicator's, else the one its series
    share; 'Percentage (%)' is '%'."""
    text = unit or (next(iter(series_units)) if len(series_units) == 1 else "")
    return "%" if text == "%" or text.endswith("(%)") or text.casefold() == "percentage" \
        else text


def series_label(disaggregation: dict[str, str], units: str, with_units: bool) -> str:
    """'Māori, Female', 'Total', with its units when the chart mixes units."""
    label = ", ".join(disaggregation.values()) or "Total"
    return f"{label} ({units})" if with_units and units else label


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def chart_of(indicator: IndicatorRecord, current: list[ValueRecord]
             ) -> tuple[ChartSpec, list[tuple[str, str, str]]]:
    """The chart of an indicator's current values, and each series' (label, units,
    canonical disaggregation) in the chart's order: by units, the total first, then
    breakdowns by one thing, then crossed ones."""
    points: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    shown: dict[tuple[str, str], dict[str, str]] = {}
    for value in current:
        key = (value.units, canonical_disaggregation(value.disaggregation))
        shown.setdefault(key, value.disaggregation)
        points[key].append((value.period, float(value.value)))
    # The total first, then one-way breakdowns (Māori, Female), then crossed ones.
    order = sorted(points, key=lambda k: (k[0], len(shown[k]), list(shown[k].values())))
    units = {u for u, _d in points}
    labels: dict[tuple[str, str], str] = {}
    for key, dis in shown.items():
        label = series_label(dis, key[0], len(units) > 1)
        if label in labels.values():  # two disaggregations with the same values
            label = ", ".join(f"{k}: {v}" for k, v in dis.items())
        labels[key] = label
    periods = sorted({p for found in points.values() for p, _v in found}, key=period_sort_key)
    spec = ChartSpec(
        title=f"{indicator.code} {indicator.title}", unit=display_unit(indicator.unit, units),
        periods=periods, series=[ChartSeries(labels[k], points[k]) for k in order],
        baseline=_number(indicator.baseline_value), baseline_period=indicator.baseline_period,
        target=_number(indicator.target_value), target_period=indicator.target_period)
    return spec, [(labels[k], k[0], k[1]) for k in order]


def detail(record: Record, code: str) -> IndicatorDetail:
    """One indicator in full (IndicatorRefused when there is none with that code)."""
    found = indicators.get_indicator(record, code)
    current = indicators.values(record, found.code)
    trends = {(t.units, canonical_disaggregation(t.disaggregation)): t
              for t in indicators.trends(record, found.code)}
    maori: dict[tuple[str, str], bool] = {}
    for value in current:
        key = (value.units, canonical_disaggregation(value.disaggregation))
        own = value.maori_data
        maori[key] = maori.get(key, False) or (found.maori_data if own is None else own)
    spec, order = chart_of(found, current)
    series = tuple(SeriesView(label, trends[(units, dis)], maori.get((units, dis), False))
                   for label, units, dis in order if (units, dis) in trends)
    return IndicatorDetail(found, spec, series, _linked(record, found.id))


def _linked(record: Record, indicator_id: str) -> tuple[LinkedRecommendation, ...]:
    with record.reading() as session:
        rows = session.execute(
            select(Recommendation.id, Recommendation.reference, Recommendation.text)
            .join(IndicatorLink, IndicatorLink.recommendation_id == Recommendation.id)
            .where(IndicatorLink.indicator_id == indicator_id)
            .order_by(Recommendation.num)).tuples().all()
    return tuple(LinkedRecommendation(i, ref, _excerpt(text)) for i, ref, text in rows)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class RecommendationIndicator:
    """An indicator linked to a recommendation, with its headline trend."""

    code: str
    title: str
    title_mi: str
    unit: str
    maori_data: bool
    governance: str
    headline: SeriesTrend | None
    cluster: str | None = None  # linked through this overlap cluster, not directly


def indicators_for_recommendation(record: Record, rec_id: str
                                  ) -> list[RecommendationIndicator]:
    """The indicators linked to one recommendation, directly or through an overlap cluster
    it belongs to, by code, each with its latest value and trend (of its total series,
    else its first)."""
    with record.reading() as session:
        direct = set(session.execute(
            select(Indicator.code).join(IndicatorLink, IndicatorLink.indicator_id
                                        == Indicator.id)
            .where(IndicatorLink.recommendation_id == rec_id)).scalars())
        through = dict(session.execute(
            select(Indicator.code, IndicatorCluster.cluster_id)
            .join(IndicatorCluster, IndicatorCluster.indicator_id == Indicator.id)
            .join(OverlapMember, OverlapMember.cluster_id == IndicatorCluster.cluster_id)
            .where(OverlapMember.recommendation_id == rec_id)
            .order_by(IndicatorCluster.cluster_id.desc())).tuples().all())
    out = []
    for code in sorted(direct | set(through)):
        found = indicators.get_indicator(record, code)
        trends = indicators.trends(record, code) if found.values else []
        out.append(RecommendationIndicator(found.code, found.title, found.title_mi,
                                           found.unit, found.maori_data, found.governance,
                                           headline(trends),
                                           None if code in direct else through[code]))
    return out


def references_of(record: Record, rec_ids: list[str]) -> list[str]:
    """The references of these recommendations, in record order (to link a new indicator
    to the recommendations selected in the browser)."""
    with record.reading() as session:
        return list(session.execute(
            select(Recommendation.reference).where(Recommendation.id.in_(rec_ids[:500]))
            .order_by(Recommendation.num)).scalars())
