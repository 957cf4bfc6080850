"""An indicator's line chart drawn with QPainter: one line per series, baseline and target,
a keyboard cursor whose point is announced (PySide6-Essentials has no QtCharts)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from nmrf_desktop.reports.chart_spec import (
    DARK_COLOURS,
    LIGHT_COLOURS,
    ChartSpec,
    Scale,
    nice_scale,
)
from nmrf_desktop.ui.palette import is_dark

MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus")
# Lines 1–8 are solid; the next eight dashed, then dotted, so no two series look alike.
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine,
          Qt.PenStyle.DashDotLine)
_MARGIN = 10.0
_MARKER = 4.0
_HIT = 14.0


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


@dataclass(slots=True)
class _Layout:
    """Where things go for one size: title, plot area, legend rows, axis label sizes."""

    plot: QRectF
    scale: Scale
    legend: list[tuple[int, QRectF]]
    label_step: int

    def x(self, period: int, count: int) -> float:
        return self.plot.left() + (period + 0.5) * self.plot.width() / max(1, count)

    def y(self, value: float) -> float:
        span = self.scale.high - self.scale.low
        return self.plot.bottom() - (value - self.scale.low) / span * self.plot.height()


class IndicatorChart(QWidget):
    """A line chart of a ChartSpec with a cursor: Left/Right move through the periods,
    Up/Down through the series, Home/End to the first and last period; the point under the
    cursor is announced (accessible description, tooltip, `announced` signal)."""

    cursor_moved = Signal(int, int)  # series, period
    announced = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: ChartSpec | None = None
        self._series = 0
        self._period = 0
        self._layout: _Layout | None = None
        self._layout_key: tuple[float, float, int, str] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Indicator chart"))
        self._announce()

    # --- data and cursor -----------------------------------------------------------------

    def set_spec(self, spec: ChartSpec | None) -> None:
        """Show `spec`; the cursor goes to the latest period that has a value."""
        self._spec = spec
        self._layout_key = None
        if spec is not None and spec.title:
            self.setAccessibleName(spec.title)
        self._series, self._period = 0, 0
        if spec is not None and spec.series:
            filled = [i for i, v in enumerate(spec.row(0)) if v is not None]
            self._period = filled[-1] if filled else max(0, len(spec.periods) - 1)
        self._announce()
        self.cursor_moved.emit(self._series, self._period)
        self.update()

    def spec(self) -> ChartSpec | None:
        return self._spec

    def current_point(self) -> tuple[int, int]:
        """(series index, period index) of the cursor."""
        return self._series, self._period

    def set_current_point(self, series: int, period: int) -> None:
        """Move the cursor (clamped to the chart); emits cursor_moved when it moved."""
        spec = self._spec
        if spec is None or not spec.series or not spec.periods:
            return
        series = max(0, min(series, len(spec.series) - 1))
        period = max(0, min(period, len(spec.periods) - 1))
        if (series, period) == (self._series, self._period):
            return
        self._series, self._period = series, period
        self._announce()
        self.cursor_moved.emit(series, period)
        self.update()

    def point_position(self, series: int, period: int) -> QPointF | None:
        """Where a point is drawn (widget coordinates), or None if it has no value."""
        spec = self._spec
        if spec is None or spec.is_empty or not (0 <= series < len(spec.series)) \
                or not (0 <= period < len(spec.periods)):
            return None
        value = spec.value(series, period)
        if value is None:
            return None
        layout = self._compute_layout(spec, QFontMetricsF(self.font()))
        return QPointF(layout.x(period, len(spec.periods)), layout.y(value))

    def announcement(self) -> str:
        """What the cursor is on, in words: 'Māori, 2019: 38.2% (series 1 of 4)'."""
        spec = self._spec
        if spec is None or spec.is_empty:
            return self.tr("No values recorded yet")
        label = spec.series[self._series].label
        period = spec.periods[self._period]
        value = spec.value(self._series, self._period)
        said = spec.format(value, unit=True) if value is not None \
            else self.tr("no value recorded")
        where = self.tr("series %1 of %2").replace("%1", str(self._series + 1)) \
            .replace("%2", str(len(spec.series)))
        return f"{label}, {period}: {said} ({where})"

    def summary(self) -> str:
        """The chart in one sentence for screen readers: its series, periods and references."""
        spec = self._spec
        if spec is None or spec.is_empty:
            return self.tr("No values recorded yet")
        parts = [self.tr("Line chart of %1 series over %2 periods, %3 to %4")
                 .replace("%1", str(len(spec.series))).replace("%2", str(len(spec.periods)))
                 .replace("%3", spec.periods[0]).replace("%4", spec.periods[-1])]
        for which, value in (("baseline", spec.baseline), ("target", spec.target)):
            if value is not None:
                parts.append(f"{spec.reference_label(which)}: {spec.format(value, unit=True)}")
        return "; ".join(parts)

    def _announce(self) -> None:
        text = self.announcement()
        self.setToolTip(text)
        self.setAccessibleDescription(f"{text}. {self.summary()}")
        if QAccessible.isActive():
            QAccessible.updateAccessibility(
                QAccessibleEvent(self, QAccessible.Event.DescriptionChanged))
        self.announced.emit(text)

    # --- input ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        spec = self._spec
        moves = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
                 Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
        key = Qt.Key(event.key())
        if spec is None or spec.is_empty:
            super().keyPressEvent(event)
        elif key in moves:
            ds, dp = moves[key]
            self.set_current_point(self._series + ds, self._period + dp)
        elif key == Qt.Key.Key_Home:
            self.set_current_point(self._series, 0)
        elif key == Qt.Key.Key_End:
            self.set_current_point(self._series, len(spec.periods) - 1)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click picks the nearest point (or the period under the pointer)."""
        spec = self._spec
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if spec is None or spec.is_empty:
            return
        layout = self._compute_layout(spec, QFontMetricsF(self.font()))
        pos = event.position()
        count = len(spec.periods)
        period = int((pos.x() - layout.plot.left()) / max(1.0, layout.plot.width()) * count)
        period = max(0, min(period, count - 1))
        best, series = _HIT, self._series
        for s in range(len(spec.series)):
            value = spec.value(s, period)
            if value is not None and abs(layout.y(value) - pos.y()) < best:
                best, series = abs(layout.y(value) - pos.y()), s
        for s, rect in layout.legend:
            if rect.contains(pos):
                series = s
        self.set_current_point(series, period)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # --- size and layout -----------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(720, 420)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 220)

    def _compute_layout(self, spec: ChartSpec, metrics: QFontMetricsF) -> _Layout:
        key = (float(self.width()), float(self.height()), id(spec), self.font().toString())
        if self._layout is not None and self._layout_key == key:
            return self._layout
        width, height = float(self.width()), float(self.height())
        line = metrics.height()
        scale = nice_scale(spec.values())
        # Legend: entries flow in rows under the plot.
        legend: list[tuple[int, QRectF]] = []
        x, rows = _MARGIN, 1
        items = []
        for i, s in enumerate(spec.series):
            w = 30 + metrics.horizontalAdvance(s.label) + 18
            if x + w > width - _MARGIN and x > _MARGIN:
                x, rows = _MARGIN, rows + 1
            items.append((i, x, rows, w))
            x += w
        legend_top = height - _MARGIN - rows * (line + 4)
        for i, lx, row, w in items:
            legend.append((i, QRectF(lx, legend_top + (row - 1) * (line + 4), w, line + 4)))
        tick_width = max(metrics.horizontalAdvance(scale.format(t)) for t in scale.ticks())
        top = _MARGIN + line * 2 + 10  # title, then the unit line
        plot = QRectF(_MARGIN + tick_width + 8, top,
                      max(10.0, width - 2 * _MARGIN - tick_width - 8),
                      max(10.0, legend_top - 10 - line - 6 - top))
        count = max(1, len(spec.periods))
        widest = max((metrics.horizontalAdvance(p) for p in spec.periods), default=0.0) + 10
        step = max(1, math.ceil(widest / (plot.width() / count)))
        self._layout = _Layout(plot, scale, legend, step)
        self._layout_key = key
        return self._layout

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = QFontMetricsF(self.font())
        spec = self._spec
        bold = self.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        title = spec.title if spec is not None else ""
        painter.drawText(QRectF(_MARGIN, _MARGIN, self.width() - 2 * _MARGIN, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft, QFontMetricsF(bold).elidedText(
                             title, Qt.TextElideMode.ElideRight, self.width() - 2 * _MARGIN))
        painter.setFont(self.font())
        if spec is None or spec.is_empty:
            painter.setPen(muted)
            painter.drawText(QRectF(0, 0, self.width(), self.height()),
                             Qt.AlignmentFlag.AlignCenter, self.tr("No values recorded yet"))
            self._layout = None
            painter.end()
            return
        layout = self._compute_layout(spec, metrics)
        self._paint_axes(painter, spec, layout, metrics, text, muted)
        self._paint_reference_lines(painter, spec, layout, text, muted)
        self._paint_series(painter, spec, layout, palette)
        self._paint_reference_labels(painter, spec, layout, metrics, text)
        self._paint_cursor(painter, spec, layout, metrics, palette)
        self._paint_legend(painter, spec, layout, metrics, palette)
        painter.end()

    def _paint_axes(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                    metrics: QFontMetricsF, text: QColor, muted: QColor) -> None:
        plot = layout.plot
        grid = QColor(muted)
        grid.setAlpha(70)
        if spec.unit:
            painter.setPen(muted)
            painter.drawText(QPointF(_MARGIN, plot.top() - 8 - metrics.descent()), spec.unit)
        for tick in layout.scale.ticks():
            y = layout.y(tick)
            painter.setPen(QPen(grid, 1.0))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(_MARGIN, y - metrics.height() / 2, plot.left() - 8 - _MARGIN,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             layout.scale.format(tick))
        painter.setPen(QPen(muted, 1.0))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        count = len(spec.periods)
        shown: list[QRectF] = []
        order = [self._period] + [i for i in range(count) if i % layout.label_step == 0
                                  or i == count - 1]
        for i in order:
            label = spec.periods[i]
            w = metrics.horizontalAdvance(label) + 6
            rect = QRectF(layout.x(i, count) - w / 2, plot.bottom() + 4, w, metrics.height())
            if any(rect.intersects(r) for r in shown):
                continue
            shown.append(rect)
            font = self.font()
            font.setBold(i == self._period)
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.setFont(self.font())

    def _references(self, spec: ChartSpec) -> list[tuple[str, float, Qt.PenStyle, bool]]:
        """(caption, value, dash, is target) for the baseline and the target that are set."""
        found = []
        for which, value, period, dash in (
                ("baseline", spec.baseline, spec.baseline_period, Qt.PenStyle.DashLine),
                ("target", spec.target, spec.target_period, Qt.PenStyle.DashDotLine)):
            if value is None:
                continue
            name = self.tr("Baseline") if which == "baseline" else self.tr("Target")
            caption = f"{name} {period}: " if period else f"{name}: "
            found.append((caption + spec.format(value, unit=True), value, dash,
                          which == "target"))
        return found

    def _paint_reference_lines(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                               text: QColor, muted: QColor) -> None:
        plot = layout.plot
        for _caption, value, dash, target in self._references(spec):
            y = layout.y(value)
            painter.setPen(QPen(text if target else muted, 1.4, dash))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))

    def _paint_reference_labels(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                                metrics: QFontMetricsF, text: QColor) -> None:
        """Each label beside its line, at the end (left or right, above or below) that
        covers the fewest data points and not the other label."""
        plot = layout.plot
        count = len(spec.periods)
        points = [QPointF(layout.x(p, count), layout.y(v))
                  for s in range(len(spec.series)) for p, v in enumerate(spec.row(s))
                  if v is not None]
        taken: list[QRectF] = []
        back = self.palette().color(QPalette.ColorRole.Window)
        for caption, value, _dash, _target in self._references(spec):
            y = layout.y(value)
            w, h = metrics.horizontalAdvance(caption) + 8, metrics.height()
            candidates: list[tuple[int, int, QRectF]] = []
            for x in (plot.right() - w - 2, plot.left() + 2):
                for top in (y - h - 1, y + 1):
                    rect = QRectF(x, top, w, h)
                    if rect.top() < plot.top() or rect.bottom() > plot.bottom():
                        continue
                    hits = sum(rect.adjusted(-_MARKER, -_MARKER, _MARKER, _MARKER).contains(p)
                               for p in points)
                    hits += 1000 * sum(rect.intersects(t) for t in taken)
                    candidates.append((hits, len(candidates), rect))
            if not candidates:
                continue
            rect = min(candidates, key=lambda c: (c[0], c[1]))[2]
            taken.append(rect)
            painter.fillRect(rect, back)
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, caption)

    def _paint_series(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                      palette: QPalette) -> None:
        count = len(spec.periods)
        edge = palette.color(QPalette.ColorRole.Base)
        order = [s for s in range(len(spec.series)) if s != self._series] + [self._series]
        for s in order:
            style = series_style(s, palette)
            width = 2.6 if s == self._series else 1.6
            painter.setPen(QPen(style.colour, width, style.dash, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            run: list[QPointF] = []
            points: list[QPointF] = []
            for p, value in enumerate(spec.row(s)):
                if value is None:  # a gap breaks the line
                    if len(run) > 1:
                        painter.drawPolyline(QPolygonF(run))
                    run = []
                    continue
                point = QPointF(layout.x(p, count), layout.y(value))
                run.append(point)
                points.append(point)
            if len(run) > 1:
                painter.drawPolyline(QPolygonF(run))
            for point in points:
                draw_marker(painter, style, point, _MARKER, edge)

    def _paint_cursor(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                      metrics: QFontMetricsF, palette: QPalette) -> None:
        plot = layout.plot
        highlight = palette.color(QPalette.ColorRole.Highlight)
        x = layout.x(self._period, len(spec.periods))
        faint = QColor(highlight)
        faint.setAlpha(110)
        painter.setPen(QPen(faint, 1.0, Qt.PenStyle.SolidLine))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        if self.hasFocus():
            painter.setPen(QPen(highlight, 1.0, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(plot.adjusted(-3, -3, 3, 3))
        value = spec.value(self._series, self._period)
        if value is None:
            return
        point = QPointF(x, layout.y(value))
        painter.setPen(QPen(highlight, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(point, _MARKER + 4, _MARKER + 4)
        caption = spec.format(value, unit=True)
        w, h = metrics.horizontalAdvance(caption) + 10, metrics.height() + 4
        tx = min(max(point.x() + 10, plot.left()), plot.right() - w)
        if point.x() + 10 + w > plot.right():
            tx = point.x() - 10 - w
        ty = max(plot.top(), point.y() - h - 8)
        painter.setPen(QPen(highlight, 1.0))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(tx, ty, w, h), 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRectF(tx, ty, w, h), Qt.AlignmentFlag.AlignCenter, caption)

    def _paint_legend(self, painter: QPainter, spec: ChartSpec, layout: _Layout,
                      metrics: QFontMetricsF, palette: QPalette) -> None:
        edge = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.WindowText)
        for s, rect in layout.legend:
            style = series_style(s, palette)
            y = rect.center().y()
            painter.setPen(QPen(style.colour, 2.0, style.dash))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.left() + 24, y))
            draw_marker(painter, style, QPointF(rect.left() + 12, y), _MARKER, edge)
            font = self.font()
            font.setBold(s == self._series)
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(QRectF(rect.left() + 30, rect.top(), rect.width() - 30,
                                    rect.height()), Qt.AlignmentFlag.AlignVCenter,
                             spec.series[s].label)
        painter.setFont(self.font())
