"""The HTML of one indicator's facts and series trends (the Indicators tab), and of a
recommendation's indicators (the detail pane's section)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.domain.indicators import IndicatorRecord
from nmrf_desktop.services.indicator_views import (
    IndicatorDetail,
    RecommendationIndicator,
    display_unit,
)
from nmrf_desktop.ui.indicators.text import (
    direction_label,
    kind_label,
    maori_marker,
    number,
    short_trend,
    title_with_mi,
    trend_sentence,
    with_unit,
)

RECOMMENDATION_SCHEME = "nmrf-rec"  # as the related recommendations' links
INDICATOR_SCHEME = "nmrf-indicator"
ANCHOR = "indicators"  # the detail pane section's anchor
_T = QCoreApplication.translate
_C = "Indicators"


def _reference(value: str | None, period: str | None, unit: str, decimals: int) -> str:
    if value is None:
        return period or ""
    shown = with_unit(number(value, decimals), unit)
    return _T(_C, "{0} ({1})").format(shown, period) if period else shown


def _unit(found: IndicatorRecord) -> str:
    if found.unit_multiplier:
        return _T(_C, "{0} (× 10^{1})").format(found.unit or "—", found.unit_multiplier)
    return found.unit


def _governance(found: IndicatorRecord) -> str:
    if not found.maori_data:
        return _T(_C, "Not marked as Māori data")
    parts = [maori_marker(True, found.governance)]
    if found.governance_note:
        parts.append(found.governance_note)
    parts.append(_T(_C, "Release for publication recorded") if found.release_public
                 else _T(_C, "Not for publication: kept out of every public output"))
    return ". ".join(parts)


def indicator_html(view: IndicatorDetail, muted: str) -> str:
    """The facts of one indicator, its linked recommendations (links) and series trends."""
    found = view.indicator
    unit, places = view.chart.unit, view.chart.decimals  # written as the chart writes them
    sdg = f"{found.sdg} — {found.sdg_title}" if found.sdg and found.sdg_title \
        else (found.sdg or "")
    fields = [
        (_T(_C, "Kind"), escape(kind_label(found.kind))),
        (_T(_C, "SDG indicator"), escape(sdg)),
        (_T(_C, "Unit"), escape(_unit(found))),
        (_T(_C, "Direction"), escape(direction_label(found.direction))),
        (_T(_C, "Baseline"), escape(_reference(found.baseline_value, found.baseline_period,
                                               unit, places))),
        (_T(_C, "Target"), escape(_reference(found.target_value, found.target_period, unit,
                                             places))),
        (_T(_C, "Steward"), escape(found.steward or "")),
        (_T(_C, "Source"), escape(found.source)),
        (_T(_C, "Method"), escape(found.method)),
        (_T(_C, "Data governance"), escape(_governance(found))),
        (_T(_C, "Recommendations"), ", ".join(
            f'<a href="{RECOMMENDATION_SCHEME}:{escape(r.id)}" title="{escape(r.excerpt)}">'
            f"{escape(r.reference)}</a>" for r in view.recommendations)),
    ]
    if found.clusters:
        fields.append((_T(_C, "Overlap clusters"), escape(", ".join(found.clusters))))
    rows = "".join(
        f'<tr><td style="color:{muted}; padding:1px 14px 1px 0; white-space:nowrap">'
        f"{escape(name)}</td><td style=\"padding:1px 0\">{value or '—'}</td></tr>"
        for name, value in fields)
    title = f'<h3 style="margin:0">{escape(found.code)} {escape(found.title)}</h3>'
    if found.title_mi:
        title += f'<p style="margin:2px 0 0 0"><i lang="mi">{escape(found.title_mi)}</i></p>'
    out = [title, f'<table cellspacing=0 style="margin-top:6px">{rows}</table>']
    heading = _T(_C, "Series ({0})").format(len(view.series)) if view.series \
        else _T(_C, "Series")
    out.append(f'<h4 style="margin:10px 0 2px 0">{escape(heading)}</h4>')
    if not view.series:
        out.append(f'<p style="color:{muted}">{escape(_T(_C, "No values recorded yet."))}'
                   "</p>")
    for series in view.series:
        marker = f' <span style="color:{muted}">· {escape(_T(_C, "Māori data"))}</span>' \
            if series.maori_data else ""
        sentence = trend_sentence(series.trend, unit, view.chart.decimals)
        out.append(f'<p style="margin:2px 0"><b>{escape(series.label)}</b>: '
                   f"{escape(sentence)}{marker}</p>")
    return "".join(out)


def recommendation_indicators_html(items: list[RecommendationIndicator] | None,
                                   muted: str) -> str:
    """The detail pane's "Indicators" section: each linked indicator, its latest value and
    trend; nothing when the recommendation has none (or they are not read yet)."""
    if not items:
        return ""
    heading = _T(_C, "Indicators ({0})").format(len(items))
    out = [f'<h4 style="margin:16px 0 4px 0"><a name="{ANCHOR}"></a>{escape(heading)}</h4>']
    for item in items:
        trend = item.headline
        unit = display_unit(item.unit, {trend.units} if trend else set())
        facts = [trend_sentence(trend, unit) if trend else short_trend(None)]
        if item.maori_data:
            facts.append(maori_marker(True, item.governance))
        if item.cluster:
            facts.append(_T(_C, "linked through overlap cluster {0}").format(item.cluster))
        out.append(
            f'<p style="margin:6px 0 0 0"><a href="{INDICATOR_SCHEME}:{escape(item.code)}">'
            f"{escape(item.code)}</a> {escape(title_with_mi(item.title, item.title_mi))}<br>"
            f'<span style="color:{muted}">{escape(" · ".join(facts))}</span></p>')
    return "".join(out)
