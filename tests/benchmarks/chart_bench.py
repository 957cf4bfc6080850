"""The indicator chart at 20 series × 30 periods: paint time and table reset on the GUI thread.

Issue 14's figure "drawing a chart of 20 series × 30 periods (GUI thread never blocked
> 50 ms)", measured offscreen on the real widgets (ui.indicator_chart, its table):

- chart.paint.full.p50/max: the chart's paintEvent (QElapsedTimer around it) at about
  1600×900 while it is resized by a pixel before each of 40 synchronous repaints per run
  (as while a window is resized): the layout is recomputed and the cached layer redrawn,
  in slices of at most ui.indicator_chart.SLICE_MS: the first in the paint, the rest
  from the event loop (chart.slice.max), each repainting the chart once more.
- chart.block.max: the longest of all those paints and slices, the figure the issue's
  "GUI thread never blocked > 50 ms" is about. chart.drawn.p50: from a resize to every
  series drawn, event loop included.
- chart.paint.cursor.p50/max: the same with the keyboard cursor moved between repaints
  (a reader stepping through the points): the cached layer plus the cursor.
- chart.repaint.max: the whole synchronous repaint() call (paint plus flushing the backing
  store), the longest the GUI thread was held by one repaint of either kind.
  Floor for these: a widget whose paintEvent draws the same 600 points as one
  antialiased polyline with the default 1-pixel pen (Qt's fast path; at the chart's
  1.6 px Qt strokes such a polyline as one path and takes ~150 ms), no axes or labels.
- chart.table.reset: the panel's set_spec (the table model's reset, the view's spans and
  column widths, the chart's new spec). Floor: a bare 30 × 20 QAbstractTableModel reset
  under a QTableView with its columns sized to contents.
"""

from __future__ import annotations

import os
import random
import sys
from typing import Any

from .common import Figure, median

SERIES, PERIODS, SIZE = 20, 30, (1600, 900)
REPAINTS = 40
LABELS = ("Māori", "Pacific", "Asian", "European", "Tāngata whaikaha", "MELAA", "Female",
          "Male", "Aged 15–24", "Aged 25–44", "Aged 45–64", "Aged 65+", "Auckland",
          "Waikato", "Wellington", "Canterbury", "Otago", "Northland", "Te Tai Tokerau",
          "Total")


def _app():  # type: ignore[no-untyped-def]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind, _context, message: str) -> None:  # type: ignore[no-untyped-def]
        if "propagateSizeHints" not in message:  # offscreen noise (see tests/gui/conftest)
            sys.stderr.write(message + "\n")
    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication(["nmrf-chart-bench"])


def spec():  # type: ignore[no-untyped-def]
    """20 series over 30 years (fixed seed): random walks around different levels."""
    from nmrf_desktop.reports.chart_spec import ChartSeries, ChartSpec

    rng = random.Random(14)
    periods = [str(y) for y in range(1995, 1995 + PERIODS)]
    series = []
    for k in range(SERIES):
        level = 20 + 2.5 * k
        points = []
        for p in periods:
            level = max(0.0, level + rng.uniform(-2, 2))
            points.append((p, round(level, 1)))
        series.append(ChartSeries(LABELS[k], points))
    return ChartSpec("Proportion of unsentenced detainees", "%", periods, series,
                     baseline=35.0, baseline_period="1995", target=25.0,
                     target_period="2030")


def _timed_widgets() -> tuple[Any, Any]:
    """The chart and the polyline floor, each recording its paintEvent time (ms)."""
    from PySide6.QtCore import QElapsedTimer, QPointF
    from PySide6.QtGui import QPainter, QPen, QPolygonF
    from PySide6.QtWidgets import QWidget

    from nmrf_desktop.ui.indicator_chart import IndicatorChart

    class TimedChart(IndicatorChart):
        def __init__(self) -> None:
            super().__init__()
            self.paints: list[float] = []

            self.slices: list[float] = []

        def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
            timer = QElapsedTimer()
            timer.start()
            super().paintEvent(event)
            self.paints.append(timer.nsecsElapsed() / 1e6)

        def _continue_layer(self) -> None:
            timer = QElapsedTimer()
            timer.start()
            super()._continue_layer()
            self.slices.append(timer.nsecsElapsed() / 1e6)

    class Polyline(QWidget):
        def __init__(self, points: list[QPointF]) -> None:
            super().__init__()
            self.points = QPolygonF(points)
            self.paints: list[float] = []

        def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]
            timer = QElapsedTimer()
            timer.start()
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(self.palette().windowText().color(), 1.0))
            painter.drawPolyline(self.points)
            painter.end()
            self.paints.append(timer.nsecsElapsed() / 1e6)

    return TimedChart, Polyline


def _repaints(widget: Any, step: Any = None) -> list[float]:
    """Wall time (ms) of each synchronous repaint; `step` runs before each (not timed)."""
    from PySide6.QtCore import QElapsedTimer

    held = []
    for i in range(REPAINTS):
        if step is not None:
            step(i)
        timer = QElapsedTimer()
        timer.start()
        widget.repaint()
        held.append(timer.nsecsElapsed() / 1e6)
    return held


def _reset_floor(data: list[list[float]]) -> float:
    """A bare table model reset under a view, columns sized (ms)."""
    from PySide6.QtCore import QAbstractTableModel, QElapsedTimer, Qt
    from PySide6.QtWidgets import QTableView

    class Bare(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[float]] = []

        def rowCount(self, parent=None) -> int:  # type: ignore[no-untyped-def]
            return len(self.rows)

        def columnCount(self, parent=None) -> int:  # type: ignore[no-untyped-def]
            return len(self.rows[0]) if self.rows else 0

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{self.rows[index.row()][index.column()]:.1f}"
            return None

    model, view = Bare(), QTableView()
    view.setModel(model)
    view.resize(*SIZE)
    view.show()
    timer = QElapsedTimer()
    timer.start()
    model.beginResetModel()
    model.rows = data
    model.endResetModel()
    view.resizeColumnsToContents()
    took = timer.nsecsElapsed() / 1e6
    view.close()
    return took


def run(runs: int) -> list[Figure]:
    app = _app()
    from PySide6.QtCore import QElapsedTimer, QPointF

    from nmrf_desktop.ui.indicator_chart_table import IndicatorChartPanel

    chart_spec = spec()
    timed_chart, polyline = _timed_widgets()
    full, cursor, held, floor_paints, resets, floor_resets = [], [], [], [], [], []
    slices: list[float] = []
    whole: list[float] = []
    for _ in range(runs):
        chart = timed_chart()
        chart.resize(*SIZE)
        chart.set_spec(chart_spec)
        chart.show()
        app.processEvents()

        def grow(i: int, chart: Any = chart) -> None:
            while not chart.is_drawn():  # the previous size's slices, from the event loop
                app.processEvents()
            chart.resize(SIZE[0] - i % 2, SIZE[1])

        def move(i: int, chart: Any = chart) -> None:
            chart.set_current_point(i % SERIES, (i * 7) % PERIODS)

        chart.paints.clear()
        clock = QElapsedTimer()
        clock.start()
        held += _repaints(chart, grow)
        while not chart.is_drawn():
            app.processEvents()
        whole.append(clock.nsecsElapsed() / 1e6 / REPAINTS)
        full += chart.paints
        slices += chart.slices
        chart.resize(*SIZE)
        app.processEvents()
        chart.paints.clear()
        held += _repaints(chart, move)
        cursor += chart.paints
        chart.close()
        w, h = SIZE
        points = [QPointF(10 + (i % PERIODS) * (w - 20) / PERIODS,
                          10 + (chart_spec.row(i // PERIODS)[i % PERIODS] or 0) / 80 * (h - 20))
                  for i in range(SERIES * PERIODS)]
        floor = polyline(points)
        floor.resize(*SIZE)
        floor.show()
        app.processEvents()
        floor.paints.clear()
        _repaints(floor)
        floor_paints += floor.paints
        floor.close()
        panel = IndicatorChartPanel()
        panel.resize(*SIZE)
        panel.show()
        app.processEvents()
        timer = QElapsedTimer()
        timer.start()
        panel.set_spec(chart_spec)
        resets.append(timer.nsecsElapsed() / 1e6)
        panel.close()
        floor_resets.append(_reset_floor([[chart_spec.value(s, p) or 0.0 for s in range(SERIES)]
                                          for p in range(PERIODS)]))
        app.processEvents()
    size = f"{SERIES}x{PERIODS} at {SIZE[0]}x{SIZE[1]}"
    floor_mid, floor_max = median(floor_paints), max(floor_paints)
    blocks = full + slices
    return [
        Figure("chart.paint.full.p50", median(full), "ms", floor_mid, len(full),
               f"{size}; every paint while resizing"),
        Figure("chart.paint.full.max", max(full), "ms", floor_max, len(full),
               "first slice of the layer + cursor"),
        Figure("chart.slice.max", max(slices, default=0.0), "ms", floor_max, len(slices),
               "later slices, from the event loop"),
        Figure("chart.block.max", max(blocks), "ms", floor_max, len(blocks),
               "longest paint or slice; target <= 50 ms"),
        Figure("chart.drawn.p50", median(whole), "ms", floor_mid, runs,
               "resize to every series drawn"),
        Figure("chart.paint.cursor.p50", median(cursor), "ms", floor_mid, len(cursor)),
        Figure("chart.paint.cursor.max", max(cursor), "ms", floor_max, len(cursor)),
        Figure("chart.repaint.max", max(held), "ms", floor_max, len(held),
               "paint + flush, one repaint()"),
        Figure("chart.table.reset", median(resets), "ms", median(floor_resets), runs,
               f"max {max(resets):.1f} ms"),
    ]


if __name__ == "__main__":
    for figure in run(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        sys.stdout.write(figure.line() + "\n")
