"""The summary page's charts (reportlab.graphics): status by body, recommendations by cycle."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from nmrf_desktop.reports.model import Summary
from nmrf_desktop.reports.pdf_styles import (
    GREY,
    NAVY,
    RULE,
    SANS,
    SANS_BOLD,
    STATUS_COLOURS,
    TEAL,
    human,
)

MAX_BODIES = 12


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value`: 5, 10, 20, 25, 50, 100, 200, 250, …"""
    step = 1
    while True:
        for m in (1, 2, 2.5, 5):
            if m * step >= max(value, 5):
                return int(m * step)
        step *= 10


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 12, text, fontName=SANS_BOLD, fontSize=10, fillColor=NAVY))
    drawing.add(String(0, height - 24, "Number of recommendations", fontName=SANS,
                       fontSize=7.5, fillColor=GREY))


def status_by_body(summary: Summary, width: float, title: str = "Current status by body",
                   label_width: float = 70) -> Drawing:
    """Stacked horizontal bars: one bar per body (or theme: `summary.bodies` names the bars),
    one segment per current status."""
    bodies = list(summary.bodies[:MAX_BODIES])
    rows = max(1, len(bodies))
    height = 70 + rows * 22 + 16 * ((len(summary.statuses) + 3) // 4)
    d = Drawing(width, height, initialFontName=SANS)
    _title(d, title, width, height)
    chart = HorizontalBarChart()
    legend_h = 16 * ((len(summary.statuses) + 3) // 4)
    chart.x, chart.y = label_width, legend_h + 20
    chart.width, chart.height = width - label_width - 20, rows * 22
    chart.data = [tuple(summary.counts[s][:MAX_BODIES]) or (0,) for s in summary.statuses] \
        or [(0,)]
    chart.categoryAxis.categoryNames = bodies or ["—"]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = RULE
    totals = [sum(summary.counts[s][i] for s in summary.statuses) for i in range(len(bodies))]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max(totals, default=1))
    chart.valueAxis.valueSteps = None
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E4E8ED")
    chart.barWidth = 14
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.5
    for i, status in enumerate(summary.statuses):
        chart.bars[i].fillColor = STATUS_COLOURS.get(status, TEAL)
    d.add(chart)
    if not summary.statuses:
        return d
    legend = Legend()
    legend.x, legend.y = label_width, legend_h + 2
    legend.fontName, legend.fontSize = SANS, 7.5
    legend.alignment = "right"
    legend.deltax = (width - label_width - 20) / 4
    legend.dx = legend.dy = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(STATUS_COLOURS.get(s, TEAL), human(s)) for s in summary.statuses]
    legend.strokeColor = None
    legend.dxTextSpace = 4
    legend.columnMaximum = (len(summary.statuses) + 3) // 4
    d.add(legend)
    return d


def by_cycle(summary: Summary, width: float) -> Drawing:
    """Vertical bars: recommendations per cycle (or year, for the treaty bodies)."""
    height = 190
    d = Drawing(width, height, initialFontName=SANS)
    _title(d, "Recommendations by cycle", width, height)
    items = list(summary.by_cycle) or [("—", 0)]
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 30
    chart.width, chart.height = min(width - 60, 60 * len(items) + 40), height - 70
    chart.data = [tuple(n for _label, n in items)]
    chart.categoryAxis.categoryNames = [label for label, _n in items]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max((n for _l, n in items), default=1))
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E4E8ED")
    chart.bars[0].fillColor = TEAL
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    d.add(chart)
    return d
