"""An indicator's line chart as a widget: one line per series, baseline and target, and a
keyboard cursor whose point is announced (PySide6-Essentials has no QtCharts)."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from nmrf_desktop.reports.chart_spec import ChartSpec
from nmrf_desktop.ui.indicator_chart_paint import (
    FOCUS_WIDTH,
    LINE_WIDTH,
    MARKER,
    Layout,
    Sprites,
    compute_layout,
    paint_backdrop,
    paint_foreground,
    paint_legend_entry,
    paint_series,
    paint_title,
    references,
    series_style,
)

HIT = 14.0  # how near (px) a click must be to a point to pick it
SLICE_MS = 12  # the longest the cached layer's drawing holds the GUI thread at a time


class IndicatorChart(QWidget):
    """A line chart of a ChartSpec with a cursor: Left/Right move through the periods,
    Up/Down through the series, Home/End to the first and last period; the point under the
    cursor is announced (accessible description, tooltip, `announced` signal).

    Everything but the cursor is painted once into a cached layer (per size, pixel ratio,
    palette and font), so moving the cursor repaints in a few milliseconds.
    """

    cursor_moved = Signal(int, int)  # series, period
    announced = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: ChartSpec | None = None
        self._series = 0
        self._period = 0
        self._layout: Layout | None = None
        self._layout_key: tuple[int, int, str] | None = None
        self._layer: QPixmap | None = None
        self._layer_key: tuple[object, ...] | None = None
        self._todo: list[int] = []
        self._next_slice = QTimer(self)
        self._next_slice.setSingleShot(True)
        self._next_slice.setInterval(0)
        self._next_slice.timeout.connect(self._continue_layer)
        self._sprites = Sprites()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Indicator chart"))
        self._announce()

    # --- data and cursor -----------------------------------------------------------------

    def set_spec(self, spec: ChartSpec | None) -> None:
        """Show `spec`; the cursor goes to the latest period that has a value."""
        self._spec = spec
        self._layout_key = None
        self._layer = None
        self._todo = []
        self._next_slice.stop()
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
        return self._current_layout(spec).point(period, value)

    def announcement(self) -> str:
        """What the cursor is on, in words: 'Māori, 2019: 38.2% (series 1 of 4)'."""
        spec = self._spec
        if spec is None or spec.is_empty:
            return self.tr("No values recorded yet")
        value = spec.value(self._series, self._period)
        said = spec.format(value, unit=True) if value is not None \
            else self.tr("no value recorded")
        return self.tr("{0}, {1}: {2} (series {3} of {4})").format(
            spec.series[self._series].label, spec.periods[self._period], said,
            self._series + 1, len(spec.series))

    def summary(self) -> str:
        """The chart in one sentence for screen readers: its series, periods and references."""
        spec = self._spec
        if spec is None or spec.is_empty:
            return self.tr("No values recorded yet")
        parts = [self.tr("Line chart of {0} series over {1} periods, {2} to {3}").format(
            len(spec.series), len(spec.periods), spec.periods[0], spec.periods[-1])]
        for caption, _value, _dash, _target in references(spec, self._reference_names()):
            parts.append(caption)
        return "; ".join(parts)

    def _announce(self) -> None:
        text = self.announcement()
        self.setToolTip(text)
        empty = self._spec is None or self._spec.is_empty
        self.setAccessibleDescription(text if empty else f"{text}. {self.summary()}")
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
        layout = self._current_layout(spec)
        pos = event.position()
        count = len(spec.periods)
        period = int((pos.x() - layout.plot.left()) / max(1.0, layout.plot.width()) * count)
        period = max(0, min(period, count - 1))
        best, series = HIT, self._series
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

    # --- size, layout and painting -------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(720, 420)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 220)

    def _current_layout(self, spec: ChartSpec) -> Layout:
        key = (self.width(), self.height(), self.font().toString())
        if self._layout is None or self._layout_key != key:
            self._layout = compute_layout(spec, self.width(), self.height(),
                                          QFontMetricsF(self.font()))
            self._layout_key = key
        return self._layout

    def is_drawn(self) -> bool:
        """Whether the cached layer holds every series (it is drawn in slices)."""
        return self._layer is not None and not self._todo

    def _static_layer(self, spec: ChartSpec, layout: Layout) -> QPixmap:
        """Everything but the cursor, painted once per size, pixel ratio, palette and font.

        Drawn in slices of at most SLICE_MS: the backdrop and as many series as fit now,
        the rest from the event loop (a zero timer), so that no single paint holds the GUI
        thread for long whatever the number of series; the legend comes last.
        """
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, self.palette().cacheKey(),
               self.font().toString(), id(spec))
        if self._layer is None or self._layer_key != key:
            clock = QElapsedTimer()
            clock.start()
            layer = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            layer.setDevicePixelRatio(ratio)
            layer.fill(Qt.GlobalColor.transparent)
            painter = QPainter(layer)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setFont(self.font())
            paint_backdrop(painter, spec, layout, self.font(), self.palette(),
                           self._reference_names())
            painter.end()
            self._layer, self._layer_key = layer, key
            self._todo = list(range(len(spec.series)))
            self._draw_slice(spec, layout, clock)
        return self._layer

    def _reference_names(self) -> tuple[str, str]:
        return self.tr("Baseline"), self.tr("Target")

    def _draw_slice(self, spec: ChartSpec, layout: Layout, clock: QElapsedTimer) -> None:
        """Series into the layer until the slice's time is up; then the legend when all are
        in, or another slice from the event loop."""
        layer = self._layer
        if layer is None or not self._todo:
            return
        ratio = layer.devicePixelRatio()
        painter = QPainter(layer)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        palette = self.palette()
        edge = palette.color(QPalette.ColorRole.Base)
        while self._todo and (clock.elapsed() < SLICE_MS or len(self._todo) == len(
                spec.series)):
            s = self._todo.pop(0)
            paint_series(painter, spec, layout, s, series_style(s, palette), LINE_WIDTH,
                         self._sprites, edge, ratio)
        if not self._todo:
            paint_foreground(painter, spec, layout, self.font(), palette, self._sprites,
                             ratio, self._reference_names())
        else:
            self._next_slice.start()
        painter.end()

    def _continue_layer(self) -> None:
        spec = self._spec
        if spec is None or spec.is_empty or self._layer is None:
            return
        clock = QElapsedTimer()
        clock.start()
        self._draw_slice(spec, self._current_layout(spec), clock)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        spec = self._spec
        palette = self.palette()
        if spec is None or spec.is_empty:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            paint_title(painter, spec.title if spec else "", self.width(), self.font(),
                        palette.color(QPalette.ColorRole.WindowText))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(0, 0, self.width(), self.height()),
                             Qt.AlignmentFlag.AlignCenter, self.tr("No values recorded yet"))
            painter.end()
            return
        layout = self._current_layout(spec)
        painter.drawPixmap(0, 0, self._static_layer(spec, layout))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_cursor(painter, spec, layout, palette)
        painter.end()

    def _paint_cursor(self, painter: QPainter, spec: ChartSpec, layout: Layout,
                      palette: QPalette) -> None:
        """The cursor over the cached layer: a line at its period, its series drawn wider,
        the period's label and the series' legend entry marked, the point ringed with its
        value beside it; a dotted frame while the chart has focus."""
        plot = layout.plot
        metrics = QFontMetricsF(self.font())
        highlight = palette.color(QPalette.ColorRole.Highlight)
        on_highlight = palette.color(QPalette.ColorRole.HighlightedText)
        edge = palette.color(QPalette.ColorRole.Base)
        ratio = self.devicePixelRatioF()
        style = series_style(self._series, palette)
        x = layout.x(self._period)
        faint = QColor(highlight)
        faint.setAlpha(110)
        painter.setPen(QPen(faint, 1.0))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        paint_series(painter, spec, layout, self._series, style, FOCUS_WIDTH, self._sprites,
                     edge, ratio)
        label = spec.periods[self._period]
        rect = layout.period_rect(self._period, label, metrics)
        window = palette.color(QPalette.ColorRole.Window)
        for i in layout.labels:  # the cached labels the cursor's label would overlap
            other = layout.period_rect(i, spec.periods[i], metrics)
            if i != self._period and other.intersects(rect):
                painter.fillRect(other, window)
        painter.fillRect(rect, highlight)
        painter.setPen(on_highlight)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        for s, entry in layout.legend:
            if s == self._series:
                painter.fillRect(entry.adjusted(-3, 0, 0, 0), palette.color(
                    QPalette.ColorRole.Window))
                paint_legend_entry(painter, spec.series[s].label, entry, style, self._sprites,
                                   edge, palette.color(QPalette.ColorRole.WindowText), ratio)
                painter.setPen(QPen(highlight, 2.0))
                painter.drawLine(QPointF(entry.left() + 30, entry.bottom() - 1),
                                 QPointF(entry.right() - 18, entry.bottom() - 1))
        if self.hasFocus():
            painter.setPen(QPen(highlight, 1.0, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(plot.adjusted(-3, -3, 3, 3))
        value = spec.value(self._series, self._period)
        if value is None:
            return
        point = layout.point(self._period, value)
        painter.setPen(QPen(highlight, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(point, MARKER + 4, MARKER + 4)
        caption = spec.format(value, unit=True)
        w, h = metrics.horizontalAdvance(caption) + 10, metrics.height() + 4
        tx = point.x() + 10 if point.x() + 10 + w <= plot.right() else point.x() - 10 - w
        ty = max(plot.top(), point.y() - h - 8)
        painter.setPen(QPen(highlight, 1.0))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(tx, ty, w, h), 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRectF(tx, ty, w, h), Qt.AlignmentFlag.AlignCenter, caption)
