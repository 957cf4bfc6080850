"""How the indicator chart is laid out and painted: series styles, markers, axes, baseline and
target, legend (ui.indicator_chart owns the widget, its cursor and the cached layer)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from nmrf_desktop.reports.chart_spec import (
    DARK_COLOURS,
    LIGHT_COLOURS,
    ChartSpec,
    Scale,
)
from nmrf_desktop.ui.palette import is_dark

MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus")
# Lines 1–8 are solid; the next eight dashed, then dotted, so no two series look alike.
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine,
          Qt.PenStyle.DashDotLine)
MARGIN = 10.0
MARKER = 4.0
LINE_WIDTH, FOCUS_WIDTH = 1.6, 2.8


@dataclass(frozen=True, slots=True)
class SeriesStyle:
    """How one series is told apart: colour, marker shape and dash pattern, never colour alone."""

    colour: QColor
    marker: str
    dash: Qt.PenStyle


def series_style(index: int, palette: QPalette) -> SeriesStyle:
    colours = DARK_COLOURS if is_dark(palette) else LIGHT_COLOURS
    return SeriesStyle(QColor(colours[index % len(colours)]), MARKERS[index % len(MARKERS)],
                       DASHES[(index // len(colours)) % len(DASHES)])


def marker_path(kind: str, centre: QPointF, r: float) -> QPainterPath:
    """The outline of a marker of radius `r` (cross and plus are strokes, not areas)."""
    x, y = centre.x(), centre.y()
    path = QPainterPath()
    if kind == "circle":
        path.addEllipse(centre, r, r)
    elif kind == "square":
        path.addRect(QRectF(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7))
    elif kind in ("triangle", "triangle-down"):
        s = -1 if kind == "triangle" else 1
        path.addPolygon(QPolygonF([QPointF(x, y + s * r * 1.15), QPointF(x - r, y - s * r * 0.75),
                                   QPointF(x + r, y - s * r * 0.75)]))
        path.closeSubpath()
    elif kind == "diamond":
        path.addPolygon(QPolygonF([QPointF(x, y - r * 1.2), QPointF(x + r, y),
                                   QPointF(x, y + r * 1.2), QPointF(x - r, y)]))
        path.closeSubpath()
    elif kind == "cross":
        for dx, dy in ((1, 1), (1, -1)):
            path.moveTo(x - dx * r, y - dy * r)
            path.lineTo(x + dx * r, y + dy * r)
    else:  # plus
        path.moveTo(x - r * 1.2, y)
        path.lineTo(x + r * 1.2, y)
        path.moveTo(x, y - r * 1.2)
        path.lineTo(x, y + r * 1.2)
    return path


def draw_marker(painter: QPainter, style: SeriesStyle, centre: QPointF, r: float,
                edge: QColor) -> None:
    path = marker_path(style.marker, centre, r)
    if style.marker in ("cross", "plus"):
        painter.setPen(QPen(style.colour, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(QPen(edge, 1.0))
        painter.setBrush(style.colour)
    painter.drawPath(path)


class Sprites:
    """Markers drawn once into pixmaps at the screen's pixel ratio and stamped at each point:
    600 antialiased shapes drawn one by one take longer than a frame may."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str, float], QPixmap] = {}

    def stamp(self, painter: QPainter, style: SeriesStyle, points: list[QPointF],
              edge: QColor, ratio: float) -> None:
        key = (style.marker, style.colour.name(), edge.name(), ratio)
        sprite = self._cache.get(key)
        if sprite is None:
            if len(self._cache) > 64:
                self._cache.clear()
            side = math.ceil(2 * MARKER * 1.25 + 4)
            sprite = QPixmap(math.ceil(side * ratio), math.ceil(side * ratio))
            sprite.setDevicePixelRatio(ratio)
            sprite.fill(Qt.GlobalColor.transparent)
            sprite_painter = QPainter(sprite)
            sprite_painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw_marker(sprite_painter, style, QPointF(side / 2, side / 2), MARKER, edge)
            sprite_painter.end()
            self._cache[key] = sprite
        half = sprite.width() / ratio / 2
        for point in points:
            painter.drawPixmap(QPointF(point.x() - half, point.y() - half), sprite)


@dataclass(slots=True)
class Layout:
    """Where things go at one size: the plot area, the value scale, legend entries and the
    period labels shown (thinned so that they never overlap)."""

    plot: QRectF
    scale: Scale
    count: int
    legend: list[tuple[int, QRectF]]
    labels: list[int]

    def x(self, period: int) -> float:
        return self.plot.left() + (period + 0.5) * self.plot.width() / max(1, self.count)

    def y(self, value: float) -> float:
        span = self.scale.high - self.scale.low
        return self.plot.bottom() - (value - self.scale.low) / span * self.plot.height()

    def point(self, period: int, value: float) -> QPointF:
        return QPointF(self.x(period), self.y(value))

    def period_rect(self, period: int, label: str, metrics: QFontMetricsF) -> QRectF:
        w = metrics.horizontalAdvance(label) + 8
        return QRectF(self.x(period) - w / 2, self.plot.bottom() + 4, w, metrics.height())


def compute_layout(spec: ChartSpec, width: float, height: float,
                   metrics: QFontMetricsF) -> Layout:
    line = metrics.height()
    scale = spec.scale()
    entries: list[tuple[int, float, int, float]] = []
    x, rows = MARGIN, 1
    for i, s in enumerate(spec.series):  # legend entries flow in rows under the plot
        w = 30 + metrics.horizontalAdvance(s.label) + 18
        if x + w > width - MARGIN and x > MARGIN:
            x, rows = MARGIN, rows + 1
        entries.append((i, x, rows, w))
        x += w
    legend_top = height - MARGIN - rows * (line + 4)
    legend = [(i, QRectF(lx, legend_top + (row - 1) * (line + 4), w, line + 4))
              for i, lx, row, w in entries]
    tick_width = max(metrics.horizontalAdvance(scale.format(t)) for t in scale.ticks())
    top = MARGIN + line * 2 + 10  # the title, then the unit
    plot = QRectF(MARGIN + tick_width + 8, top,
                  max(10.0, width - 2 * MARGIN - tick_width - 8),
                  max(10.0, legend_top - 10 - line - 6 - top))
    count = max(1, len(spec.periods))
    widest = max((metrics.horizontalAdvance(p) for p in spec.periods), default=0.0) + 12
    step = max(1, math.ceil(widest / (plot.width() / count)))
    labels = list(range(0, len(spec.periods), step))
    return Layout(plot, scale, len(spec.periods), legend, labels)


def paint_title(painter: QPainter, title: str, width: float, font: QFont,
                colour: QColor) -> None:
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(colour)
    metrics = QFontMetricsF(bold)
    painter.drawText(QRectF(MARGIN, MARGIN, width - 2 * MARGIN, metrics.height()),
                     Qt.AlignmentFlag.AlignLeft,
                     metrics.elidedText(title, Qt.TextElideMode.ElideRight, width - 2 * MARGIN))
    painter.setFont(font)


def paint_backdrop(painter: QPainter, spec: ChartSpec, layout: Layout, font: QFont,
                   palette: QPalette, reference_names: tuple[str, str]) -> None:
    """What lies under the series: title, axes, gridlines, baseline and target lines."""
    text = palette.color(QPalette.ColorRole.WindowText)
    muted = palette.color(QPalette.ColorRole.PlaceholderText)
    paint_title(painter, spec.title, layout.plot.right() + MARGIN, font, text)
    _paint_axes(painter, spec, layout, QFontMetricsF(font), text, muted)
    for _caption, value, dash, target in references(spec, reference_names):
        y = layout.y(value)
        painter.setPen(QPen(text if target else muted, 1.4, dash))
        painter.drawLine(QPointF(layout.plot.left(), y), QPointF(layout.plot.right(), y))


def paint_foreground(painter: QPainter, spec: ChartSpec, layout: Layout, font: QFont,
                     palette: QPalette, sprites: Sprites, ratio: float,
                     reference_names: tuple[str, str]) -> None:
    """What lies over the series: the baseline and target labels, the legend."""
    text = palette.color(QPalette.ColorRole.WindowText)
    _paint_reference_labels(painter, spec, layout, QFontMetricsF(font),
                            references(spec, reference_names),
                            palette.color(QPalette.ColorRole.Window), text)
    edge = palette.color(QPalette.ColorRole.Base)
    for s, rect in layout.legend:
        paint_legend_entry(painter, spec.series[s].label, rect, series_style(s, palette),
                           sprites, edge, text, ratio)


def paint_series(painter: QPainter, spec: ChartSpec, layout: Layout, s: int,
                 style: SeriesStyle, width: float, sprites: Sprites, edge: QColor,
                 ratio: float) -> None:
    """One series: separate segments, not one polyline (Qt strokes a wide polyline as one
    path, which at 20 × 30 points costs more than a frame may), broken at gaps; flat caps
    (round ones on wide pens cost ~30 times more; the markers cover the joins)."""
    painter.setPen(QPen(style.colour, width, style.dash, Qt.PenCapStyle.FlatCap))
    segments: list[QLineF] = []
    points: list[QPointF] = []
    previous: QPointF | None = None
    for p, value in enumerate(spec.row(s)):
        if value is None:
            previous = None
            continue
        point = layout.point(p, value)
        if previous is not None:
            segments.append(QLineF(previous, point))
        points.append(point)
        previous = point
    painter.drawLines(segments)
    sprites.stamp(painter, style, points, edge, ratio)


def paint_legend_entry(painter: QPainter, label: str, rect: QRectF, style: SeriesStyle,
                       sprites: Sprites, edge: QColor, text: QColor, ratio: float) -> None:
    y = rect.center().y()
    painter.setPen(QPen(style.colour, 2.0, style.dash, Qt.PenCapStyle.FlatCap))
    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.left() + 24, y))
    sprites.stamp(painter, style, [QPointF(rect.left() + 12, y)], edge, ratio)
    painter.setPen(text)
    painter.drawText(QRectF(rect.left() + 30, rect.top(), rect.width() - 30, rect.height()),
                     Qt.AlignmentFlag.AlignVCenter, label)


def _paint_axes(painter: QPainter, spec: ChartSpec, layout: Layout, metrics: QFontMetricsF,
                text: QColor, muted: QColor) -> None:
    plot = layout.plot
    grid = QColor(muted)
    grid.setAlpha(70)
    if spec.unit:
        painter.setPen(muted)
        painter.drawText(QPointF(MARGIN, plot.top() - 8 - metrics.descent()), spec.unit)
    for tick in layout.scale.ticks():
        y = layout.y(tick)
        painter.setPen(QPen(grid, 1.0))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        painter.drawText(QRectF(MARGIN, y - metrics.height() / 2, plot.left() - 8 - MARGIN,
                                metrics.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         layout.scale.format(tick))
    painter.setPen(QPen(muted, 1.0))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.setPen(text)
    for i in layout.labels:
        painter.drawText(layout.period_rect(i, spec.periods[i], metrics),
                         Qt.AlignmentFlag.AlignCenter, spec.periods[i])


def references(spec: ChartSpec, names: tuple[str, str]) -> list[tuple[str, float, Qt.PenStyle,
                                                                     bool]]:
    """(caption, value, dash, is target) of the baseline and target that are set; `names`
    are the translated words for "Baseline" and "Target"."""
    found = []
    for name, value, period, dash, target in (
            (names[0], spec.baseline, spec.baseline_period, Qt.PenStyle.DashLine, False),
            (names[1], spec.target, spec.target_period, Qt.PenStyle.DashDotLine, True)):
        if value is None:
            continue
        caption = f"{name} {period}: " if period else f"{name}: "
        found.append((caption + spec.format(value, unit=True), value, dash, target))
    return found


def _paint_reference_labels(painter: QPainter, spec: ChartSpec, layout: Layout,
                            metrics: QFontMetricsF,
                            refs: list[tuple[str, float, Qt.PenStyle, bool]], back: QColor,
                            text: QColor) -> None:
    """Each label beside its line, at the end (left or right, above or below) that covers
    the fewest data points and not the other label."""
    plot = layout.plot
    points = [(layout.x(p), layout.y(v)) for s in range(len(spec.series))
              for p, v in enumerate(spec.row(s)) if v is not None]
    taken: list[QRectF] = []
    for caption, value, _dash, _target in refs:
        y = layout.y(value)
        w, h = metrics.horizontalAdvance(caption) + 8, metrics.height()
        near = [(px, py) for px, py in points if abs(py - y) <= h + 2 * MARKER]
        candidates: list[tuple[int, int, QRectF]] = []
        for x in (plot.right() - w - 2, plot.left() + 2):
            for top in (y - h - 1, y + 1):
                rect = QRectF(x, top, w, h)
                if rect.top() < plot.top() or rect.bottom() > plot.bottom():
                    continue
                left, right = rect.left() - MARKER, rect.right() + MARKER
                upper, lower = rect.top() - MARKER, rect.bottom() + MARKER
                hits = sum(left <= px <= right and upper <= py <= lower for px, py in near)
                hits += 1000 * sum(rect.intersects(t) for t in taken)
                candidates.append((hits, len(candidates), rect))
        if not candidates:
            continue
        rect = min(candidates, key=lambda c: (c[0], c[1]))[2]
        taken.append(rect)
        painter.fillRect(rect, back)
        painter.setPen(text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, caption)
