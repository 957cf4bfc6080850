"""The indicators a report shows: those linked to its recommendations (or all), with their
series, trends in words, charts and values; in a public output only what may be published.

The Māori-data rule (services.indicators.is_public) decides for public outputs: an
indicator that is Māori data and not released is left out whole — its title, its values,
every series — and a series marked Māori data is left out of an indicator that is public.
Every function takes the open (read-only) session of the report's one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.indicator_words import (
    governance_line,
    series_label,
    short_number,
    trend_sentence,
)
from nmrf_desktop.domain.indicators import (
    Direction,
    Observation,
    describe_disaggregation,
    period_sort_key,
    trend,
)
from nmrf_desktop.reports.chart_spec import ChartSeries, ChartSpec
from nmrf_desktop.reports.model import IndicatorSection, SeriesLine
from nmrf_desktop.services import sdg
from nmrf_desktop.services.indicators import is_public
from nmrf_desktop.services.reports import safe
from nmrf_desktop.store import indicators as store
from nmrf_desktop.store.indicator_models import Indicator, IndicatorCluster, IndicatorLink
from nmrf_desktop.store.models import Agency, Recommendation
from nmrf_desktop.store.overlap_models import OverlapMember

log = logging.getLogger(__name__)

_CHUNK = 400
SERIES_PER_CHART = 8  # the chart's distinct colours; more series make more charts


@dataclass(frozen=True, slots=True)
class ValueLine:
    """One current value, as the workbook and the public tables list it."""

    period: str
    disaggregation: dict[str, str]
    units: str
    value: str  # canonical number text
    status: str
    observation_status: str
    maori_data: bool  # this value's series is Māori data
    sentence: str  # its series' trend in words


@dataclass(frozen=True, slots=True)
class Gathered:
    """One indicator: the section a PDF prints and the values a table lists."""

    section: IndicatorSection
    values: tuple[ValueLine, ...]
    maori_data: bool
    release_public: bool


def linked_ids(session: Session, rec_ids: Sequence[str] | None) -> list[str]:
    """The indicators linked to these recommendations, directly or through an overlap
    cluster one of them belongs to (every indicator for None), by code."""
    if rec_ids is None:
        return [row.id for row in store.all_indicators(session)]
    found: set[str] = set()
    ids = list(rec_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found.update(session.execute(select(IndicatorLink.indicator_id).where(
            IndicatorLink.recommendation_id.in_(chunk))).scalars())
        found.update(session.execute(
            select(IndicatorCluster.indicator_id)
            .join(OverlapMember, OverlapMember.cluster_id == IndicatorCluster.cluster_id)
            .where(OverlapMember.recommendation_id.in_(chunk))).scalars())
    if not found:
        return []
    return list(session.execute(select(Indicator.id).where(Indicator.id.in_(found))
                                .order_by(Indicator.code)).scalars())


def _in_scope(session: Session, rec_ids: Sequence[str] | None) -> set[str] | None:
    """The references of the recommendations in scope (None: every one)."""
    if rec_ids is None:
        return None
    refs: set[str] = set()
    ids = list(rec_ids)
    for start in range(0, len(ids), _CHUNK):
        refs.update(session.execute(select(Recommendation.reference).where(
            Recommendation.id.in_(ids[start:start + _CHUNK]))).scalars())
    return refs


def _through_clusters(session: Session, indicator_ids: list[str], scope: set[str] | None
                      ) -> dict[str, tuple[str, ...]]:
    """Indicator id -> its overlap clusters, each with its members in scope:
    'c7 (NZL-UPR5-013, NZL-UPR18-040)'."""
    clusters = store.linked_clusters(session, indicator_ids)
    wanted = sorted({c for found in clusters.values() for c in found})
    members: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(wanted), _CHUNK):
        for cluster, ref in session.execute(
                select(OverlapMember.cluster_id, Recommendation.reference)
                .join(Recommendation, Recommendation.id == OverlapMember.recommendation_id)
                .where(OverlapMember.cluster_id.in_(wanted[start:start + _CHUNK]))
                .order_by(Recommendation.num)):
            if scope is None or ref in scope:
                members[cluster].append(ref)
    return {i: tuple(f"{c} ({', '.join(members[c])})" if members[c] else c for c in found
                     if scope is None or members[c])
            for i, found in clusters.items()}


def gather(session: Session, rec_ids: Sequence[str] | None, *, public: bool = False
           ) -> list[Gathered]:
    """Every indicator linked to `rec_ids` (all for None), by code; with `public`, only
    what the Māori-data rule lets out."""
    ids = linked_ids(session, rec_ids)
    if not ids:
        return []
    names = dict(session.execute(select(Agency.code, Agency.name_en)).tuples().all())
    refs = store.linked_references(session, ids)
    scope = _in_scope(session, rec_ids)
    through = _through_clusters(session, ids, scope)
    rows = {row.id: row for row in session.execute(
        select(Indicator).where(Indicator.id.in_(ids))).scalars()}
    out = []
    for indicator_id in ids:
        row = rows[indicator_id]
        if public and not is_public(row.maori_data, row.release_public):
            log.info("public output: indicator %s left out (Māori data, not released)",
                     row.code)
            continue
        linked = tuple(r for r in refs.get(row.id, ()) if scope is None or r in scope)
        out.append(_gathered(session, row, linked, names, public, through.get(row.id, ())))
    return out


def _gathered(session: Session, row: Indicator, linked: tuple[str, ...],
              names: dict[str, str], public: bool, clusters: tuple[str, ...]) -> Gathered:
    series: dict[tuple[str, str], list[Any]] = defaultdict(list)
    withheld: set[tuple[str, str]] = set()
    for value in store.values_of(session, row.id):
        key = (value.units, value.disaggregation)
        if public and not is_public(row.maori_data, row.release_public, value.maori_data):
            withheld.add(key)
            continue
        series[key].append(value)
    ordered = sorted(series, key=_series_order)
    for key in ordered:
        series[key].sort(key=lambda v: period_sort_key(v.period))
    charts, spec_of = _charts(row, ordered, series)
    lines, values = [], []
    direction = Direction(row.direction) if row.direction else None
    for key in ordered:
        found = series[key]
        dis = json.loads(key[1])
        spec = spec_of[key]

        def number(text: str, spec: ChartSpec = spec) -> str:
            return spec.format(float(text))

        t = trend([Observation(v.period, v.value) for v in found], direction=direction,
                  target=row.target_value, baseline_period=row.baseline_period,
                  baseline_value=row.baseline_value, disaggregation=dis, units=key[0])
        assert t is not None  # a series has values
        sentence = trend_sentence(t, target=row.target_value, target_period=row.target_period,
                                  number=number)
        movement = trend_sentence(t, target=row.target_value, target_period=row.target_period,
                                  number=number, with_latest=False)
        maori = _maori(row.maori_data, found[-1].maori_data)
        lines.append(SeriesLine(_label(dis, key[0], ordered), key[0], t.latest_period,
                                number(t.latest_value), found[-1].status, sentence, maori,
                                movement))
        values += [ValueLine(v.period, dis, v.units, v.value, v.status, v.observation_status,
                             _maori(row.maori_data, v.maori_data), sentence) for v in found]
    steward = f"{names.get(row.steward, row.steward)} ({row.steward})" if row.steward else ""
    section = IndicatorSection(
        code=row.code, title=safe.text(row.title), title_mi=safe.text(row.title_mi),
        kind=row.kind, unit=row.unit, sdg=row.sdg, sdg_title=sdg.title_of(row.sdg),
        steward=steward, source=safe.text(row.source), method=safe.text(row.method),
        baseline=_reference(row.baseline_value, row.baseline_period, "({})"),
        target=_reference(row.target_value, row.target_period, "by {}"),
        recommendations=linked, clusters=clusters,
        governance=governance_line(safe.text(row.governance),
                                   safe.text(row.governance_note)) if row.maori_data else "",
        series=tuple(lines), charts=tuple(charts), withheld=len(withheld))
    return Gathered(section, tuple(values), row.maori_data, row.release_public)


def _series_order(key: tuple[str, str]) -> tuple[str, int, tuple[str, ...], str]:
    """By units, then the total, then by each set of columns (Ethnicity; Sex; Ethnicity and
    Sex), as the charts group them."""
    columns = tuple(json.loads(key[1]))
    return (key[0], len(columns), columns, key[1])


def _maori(indicator: bool, series: bool | None) -> bool:
    return indicator if series is None else series


def _reference(value: str | None, period: str | None, shape: str) -> str:
    if value is None:
        return ""
    return short_number(value) + (" " + shape.format(period) if period else "")


def _label(dis: dict[str, str], units: str, keys: list[tuple[str, str]]) -> str:
    """The series' label: its values; its units too when the indicator has several."""
    label = series_label(dis)
    return f"{label} ({units})" if units and len({u for u, _d in keys}) > 1 else label


def _charts(row: Indicator, keys: list[tuple[str, str]],
            series: dict[tuple[str, str], list[Any]]
            ) -> tuple[list[ChartSpec], dict[tuple[str, str], ChartSpec]]:
    """One chart per units and set of disaggregation columns (Open SDG's way: by sex, by
    age…), the total drawn in each for reference (alone when there is no breakdown); at
    most eight series a chart. Returns the charts, and the chart each series is drawn (and
    formatted) in."""
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = defaultdict(list)
    for key in keys:
        groups[(key[0], tuple(json.loads(key[1])))].append(key)
    units_count = len({u for u, _d in keys})
    charts: list[ChartSpec] = []
    spec_of: dict[tuple[str, str], ChartSpec] = {}
    broken_down = {units for units, columns in groups if columns}
    for (units, columns), members in groups.items():
        total = (units, "{}")
        if not columns and units in broken_down:
            continue  # the total is drawn (and tabled) in each breakdown of its units
        extra = [total] if columns and total in series else []
        width = SERIES_PER_CHART - len(extra)
        parts = [members[i:i + width] for i in range(0, len(members), width)]
        for n, part in enumerate(parts):
            drawn = extra + part
            title = row.code + (f" — {units}" if units_count > 1 and units else "")
            title += f" by {', '.join(columns)}" if columns else " — total"
            if len(parts) > 1:
                title += f" ({n + 1} of {len(parts)})"
            spec = _spec(row, title, units, drawn, series, units_count)
            charts.append(spec)
            for key in drawn:  # a total: formatted as in the first chart it is drawn in
                spec_of.setdefault(key, spec)
    return charts, spec_of


def _spec(row: Indicator, title: str, units: str, drawn: list[tuple[str, str]],
          series: dict[tuple[str, str], list[Any]], units_count: int) -> ChartSpec:
    periods = sorted({v.period for key in drawn for v in series[key]}, key=period_sort_key)
    labels: list[str] = []
    for key in drawn:
        dis = json.loads(key[1])
        label = series_label(dis)
        labels.append(describe_disaggregation(dis) if label in labels else label)
    own_unit = units_count == 1 or units == row.unit
    return ChartSpec(
        title=title, unit=units or row.unit, periods=periods,
        series=[ChartSeries(label, [(v.period, float(v.value)) for v in series[key]])
                for label, key in zip(labels, drawn, strict=True)],
        baseline=float(row.baseline_value) if own_unit and row.baseline_value else None,
        baseline_period=row.baseline_period,
        target=float(row.target_value) if own_unit and row.target_value else None,
        target_period=row.target_period)


def sections(session: Session, rec_ids: Sequence[str] | None, *, public: bool = False
             ) -> tuple[IndicatorSection, ...]:
    """The sections alone (the PDFs)."""
    return tuple(g.section for g in gather(session, rec_ids, public=public))
