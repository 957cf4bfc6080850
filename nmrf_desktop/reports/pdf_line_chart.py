"""An indicator's line chart for PDFs (reportlab LinePlot) and the table of the same numbers."""

from __future__ import annotations

import logging

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from nmrf_desktop.reports.chart_spec import LIGHT_COLOURS, ChartSpec
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    GREY,
    NAVY,
    RULE,
    SANS,
    SANS_BOLD,
    TINT,
    esc,
    register_fonts,
    styles,
)

log = logging.getLogger(__name__)

MARKERS = ("FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond",
           "FilledPentagon", "FilledStarSix", "FilledCross")
DASHES: tuple[list[float] | None, ...] = (None, [4, 2], [1, 2], [5, 2, 1, 2])
SERIES_PER_TABLE = 8
_FONT = 7.5
_HEAD_FONT = 7.0
_LEGEND_ROW = 12.0
_GRID = colors.HexColor("#E4E8ED")


def _style(index: int) -> tuple[colors.Color, str, list[float] | None]:
    """Colour, marker and dash of series `index`: the app's colours, never colour alone."""
    return (colors.HexColor(LIGHT_COLOURS[index % len(LIGHT_COLOURS)]),
            MARKERS[index % len(MARKERS)],
            DASHES[(index // len(LIGHT_COLOURS)) % len(DASHES)])


def _legend_rows(spec: ChartSpec, width: float) -> list[list[tuple[int, float, float]]]:
    """Legend entries (series, x, entry width) flowed into rows `width` wide."""
    rows: list[list[tuple[int, float, float]]] = [[]]
    x = 0.0
    for i, s in enumerate(spec.series):
        w = 26 + stringWidth(s.label, SANS, _FONT) + 14
        if x + w > width and rows[-1]:
            rows.append([])
            x = 0.0
        rows[-1].append((i, x, w))
        x += w
    return rows


def line_chart(spec: ChartSpec, width: float, height: float = 250) -> Drawing:
    """The chart: one line with markers per series, dashed baseline and target lines with
    their labels, the unit over the value axis, a legend; fonts are the embedded SANS."""
    register_fonts()
    legend = _legend_rows(spec, width - 10)
    legend_h = len(legend) * _LEGEND_ROW if not spec.is_empty else 0
    total = height + legend_h
    d = Drawing(width, total, initialFontName=SANS)
    d.add(String(0, total - 12, spec.title, fontName=SANS_BOLD, fontSize=10, fillColor=NAVY))
    if spec.is_empty:
        d.add(String(width / 2, total / 2 - 12, "No values recorded yet", fontName=SANS,
                     fontSize=9, fillColor=GREY, textAnchor="middle"))
        return d
    scale = spec.scale()
    tick_w = max(stringWidth(scale.format(t), SANS, 7) for t in scale.ticks())
    chart = LinePlot()
    chart.x, chart.y = tick_w + 12, legend_h + 22
    chart.width, chart.height = width - chart.x - 6, total - 40 - chart.y
    count = len(spec.periods)
    data, styles_of = [], []
    for s in range(len(spec.series)):
        run: list[tuple[float, float]] = []
        for p, value in enumerate(spec.row(s)):
            if value is None:  # a gap breaks the line
                if run:
                    data.append(run)
                    styles_of.append(s)
                run = []
            else:
                run.append((float(p), value))
        if run:
            data.append(run)
            styles_of.append(s)
    chart.data = data
    for i, s in enumerate(styles_of):
        colour, marker, dash = _style(s)
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.3
        chart.lines[i].strokeDashArray = dash
        chart.lines[i].symbol = makeMarker(marker, size=4.5, fillColor=colour,
                                           strokeColor=colour)
    xa = chart.xValueAxis
    xa.valueMin, xa.valueMax = -0.5, count - 0.5
    widest = max(stringWidth(p, SANS, 7) for p in spec.periods) + 6
    step = max(1, -(-widest * count // chart.width))
    xa.valueSteps = [float(i) for i in range(0, count, int(step))]
    xa.labelTextFormat = lambda v: spec.periods[round(v)]
    ya = chart.yValueAxis
    ya.valueMin, ya.valueMax, ya.valueStep = scale.low, scale.high, scale.step
    ya.labelTextFormat = scale.format
    ya.visibleGrid = 1
    ya.gridStrokeColor = _GRID
    for axis in (xa, ya):
        axis.labels.fontName = SANS
        axis.labels.fontSize = 7
        axis.strokeColor = RULE
    d.add(chart)
    if spec.unit:
        d.add(String(0, chart.y + chart.height + 6, spec.unit, fontName=SANS, fontSize=7,
                     fillColor=GREY))
    _references(d, spec, chart, scale.low, scale.high)
    _legend(d, spec, legend, legend_h)
    return d


def _references(d: Drawing, spec: ChartSpec, chart: LinePlot, low: float,
                high: float) -> None:
    """Baseline and target: a dashed line across the plot and a label at the end of it
    (left or right, above or below) that covers the fewest points and not the other label."""
    count = len(spec.periods)

    def at(p: float, v: float) -> tuple[float, float]:
        return (chart.x + (p + 0.5) / count * chart.width,
                chart.y + (v - low) / (high - low) * chart.height)

    points = [at(p, v) for s in range(len(spec.series)) for p, v in enumerate(spec.row(s))
              if v is not None]
    taken: list[tuple[float, float, float, float]] = []
    for which, value, period, dash, colour in (
            ("Baseline", spec.baseline, spec.baseline_period, [3, 2], GREY),
            ("Target", spec.target, spec.target_period, [5, 2, 1, 2], NAVY)):
        if value is None:
            continue
        _x, y = at(0, value)
        d.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=colour, strokeWidth=1,
                   strokeDashArray=dash))
        caption = (f"{which} {period}: " if period else f"{which}: ") \
            + spec.format(value, unit=True)
        w, h = stringWidth(caption, SANS, _FONT) + 4, _FONT + 3
        best: tuple[float, int, tuple[float, float, float, float]] | None = None
        for n, (x0, y0) in enumerate(((chart.x + chart.width - w - 2, y + 1.5),
                                      (chart.x + 2, y + 1.5),
                                      (chart.x + chart.width - w - 2, y - h - 1.5),
                                      (chart.x + 2, y - h - 1.5))):
            if y0 < chart.y or y0 + h > chart.y + chart.height:
                continue
            box = (x0, y0, x0 + w, y0 + h)
            hits = sum(box[0] - 3 <= px <= box[2] + 3 and box[1] - 3 <= py <= box[3] + 3
                       for px, py in points)
            hits += 1000 * sum(_overlap(box, t) for t in taken)
            if best is None or (hits, n) < best[:2]:
                best = (hits, n, box)
        if best is None:
            continue
        box = best[2]
        taken.append(box)
        d.add(Rect(box[0], box[1], w, h, fillColor=colors.white, strokeColor=None))
        d.add(String(box[0] + 2, box[1] + 2.5, caption, fontName=SANS, fontSize=_FONT,
                     fillColor=colour))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(d: Drawing, spec: ChartSpec, rows: list[list[tuple[int, float, float]]],
            legend_h: float) -> None:
    for r, row in enumerate(rows):
        y = legend_h - (r + 1) * _LEGEND_ROW + 4
        for s, x, _w in row:
            colour, marker, dash = _style(s)
            d.add(Line(x, y + 3, x + 20, y + 3, strokeColor=colour, strokeWidth=1.3,
                       strokeDashArray=dash))
            symbol = makeMarker(marker, size=4.5, fillColor=colour, strokeColor=colour)
            symbol.x, symbol.y = x + 10, y + 3
            d.add(symbol)
            d.add(String(x + 26, y, spec.series[s].label, fontName=SANS, fontSize=_FONT,
                         fillColor=colors.black))


def _column_width(spec: ChartSpec, s: int) -> float:
    """Wide enough for the header's longest word (never split mid-word) and every number."""
    words = spec.series[s].label.split() or [""]
    head = max(stringWidth(w, SANS_BOLD, _HEAD_FONT) for w in words)
    cells = max((stringWidth(spec.format(v), SANS, _FONT) for v in spec.row(s)), default=0)
    return float(max(36.0, head, cells)) + 12


def _chunks(spec: ChartSpec, room: float) -> list[list[int]]:
    """Series split into tables that fit `room` (at most SERIES_PER_TABLE each)."""
    chunks: list[list[int]] = [[]]
    used = 0.0
    for s in range(len(spec.series)):
        w = _column_width(spec, s)
        if chunks[-1] and (used + w > room or len(chunks[-1]) == SERIES_PER_TABLE):
            chunks.append([])
            used = 0.0
        chunks[-1].append(s)
        used += w
    return chunks


def numbers_table(spec: ChartSpec, width: float) -> list[Flowable]:
    """The chart's numbers: one row per period, one column per series (as many per table as
    fit the width, at most eight), then the baseline and target; a chart is never the only
    carrier of its numbers."""
    st = styles()
    head_style = ParagraphStyle("chart-head", parent=st.head_right, fontSize=_HEAD_FONT,
                                leading=_HEAD_FONT + 1.5)
    refs = [(w, v) for w, v in (("baseline", spec.baseline), ("target", spec.target))
            if v is not None]
    labels = ["Period", *spec.periods, *(spec.reference_label(w) for w, _v in refs)]
    first = max(max(stringWidth(label, SANS, _FONT) for label in labels),
                stringWidth("Period", SANS_BOLD, _HEAD_FONT)) + 12
    out: list[Flowable] = []
    for chunk in _chunks(spec, width - first):
        head = [Paragraph("Period", ParagraphStyle("chart-head-left", parent=head_style,
                                                   alignment=TA_LEFT))] + [
            Paragraph(esc(spec.series[s].label), head_style) for s in chunk]
        rows: list[list[object]] = [head]
        for p, period in enumerate(spec.periods):
            rows.append([period, *(spec.format(spec.value(s, p)) for s in chunk)])
        for which, value in refs:
            rows.append([spec.reference_label(which), spec.format(value, unit=True),
                         *([""] * (len(chunk) - 1))])
        widths = [first, *(_column_width(spec, s) for s in chunk)]
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [CELL_FONT, ("FONTSIZE", (0, 0), (-1, -1), _FONT),
                 ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                 ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                 ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                 ("VALIGN", (0, 0), (-1, 0), "BOTTOM")]
        for i in range(len(refs)):
            row = len(spec.periods) + 1 + i
            style += [("SPAN", (1, row), (-1, row)), ("ALIGN", (1, row), (-1, row), "LEFT"),
                      ("BACKGROUND", (0, row), (-1, row), TINT)]
        table.setStyle(TableStyle(style))
        out.append(table)
        out.append(Spacer(1, 6))
    if spec.unit:
        out.append(Paragraph(esc(f"Unit: {spec.unit}"), st.small))
    return out


def chart_flowables(spec: ChartSpec, width: float) -> list[Flowable]:
    """The chart kept with the start of its table, then the table (none when empty)."""
    drawing = line_chart(spec, width)
    if spec.is_empty:
        return [drawing]
    table = numbers_table(spec, width)
    log.debug("indicator chart %r: %d series, %d periods", spec.title, len(spec.series),
              len(spec.periods))
    return [KeepTogether([drawing, Spacer(1, 8), table[0]]), *table[1:]]
