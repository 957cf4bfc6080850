"""The numbers of an indicator chart as a table (periods × series, then baseline and target),
and the panel that keeps the chart's cursor and the table's current cell in step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.reports.chart_spec import ChartSpec
from nmrf_desktop.ui.indicator_chart import IndicatorChart

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw float (None where nothing recorded)


class ChartTableModel(QAbstractTableModel):
    """One row per period, one column per series; a baseline row and a target row follow
    (their value in the first column, the view spans it across)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spec: ChartSpec | None = None
        self._refs: list[tuple[str, float]] = []

    def set_spec(self, spec: ChartSpec | None) -> None:
        self.beginResetModel()
        self._spec = spec
        self._refs = [] if spec is None else [
            (which, value) for which, value in (("baseline", spec.baseline),
                                                ("target", spec.target)) if value is not None]
        self.endResetModel()

    def spec(self) -> ChartSpec | None:
        return self._spec

    def period_rows(self) -> int:
        return 0 if self._spec is None else len(self._spec.periods)

    def reference_rows(self) -> range:
        """The rows of the baseline and target (after the periods)."""
        return range(self.period_rows(), self.period_rows() + len(self._refs))

    def index_of(self, series: int, period: int) -> QModelIndex:
        return self.index(period, series)

    def cursor_of(self, index: Index) -> tuple[int, int] | None:
        """(series, period) of a cell, or None for the baseline and target rows."""
        if not index.isValid() or index.row() >= self.period_rows():
            return None
        return index.column(), index.row()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self.period_rows() + len(self._refs)

    def columnCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid() or self._spec is None:
            return 0
        return len(self._spec.series)

    def value(self, index: Index) -> float | None:
        spec = self._spec
        if spec is None or not index.isValid():
            return None
        if index.row() < self.period_rows():
            return spec.value(index.column(), index.row())
        return self._refs[index.row() - self.period_rows()][1] if index.column() == 0 else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        spec = self._spec
        if spec is None or not index.isValid():
            return None
        value = self.value(index)
        reference = index.row() >= self.period_rows()
        if role == Qt.ItemDataRole.DisplayRole:
            if reference and index.column() > 0:
                return ""
            return spec.format(value)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if reference:
                which = self._refs[index.row() - self.period_rows()][0]
                return self.tr("{0}: {1}").format(self.reference_label(which),
                                                  spec.format(value, unit=True))
            said = spec.format(value, unit=True) if value is not None \
                else self.tr("no value recorded")
            return self.tr("{0}, {1}: {2}").format(spec.series[index.column()].label,
                                                   spec.periods[index.row()], said)
        if role == Qt.ItemDataRole.TextAlignmentRole:  # a spanned reference value: left
            side = Qt.AlignmentFlag.AlignLeft if reference else Qt.AlignmentFlag.AlignRight
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == VALUE_ROLE:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        spec = self._spec
        if spec is None or role not in (Qt.ItemDataRole.DisplayRole,
                                        Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(spec.series):
                label = spec.series[section].label
                return f"{label} ({spec.unit})" if spec.unit else label
            return None
        if 0 <= section < self.period_rows():
            return spec.periods[section]
        if section in self.reference_rows():
            return self.reference_label(self._refs[section - self.period_rows()][0])
        return None

    def reference_label(self, which: str) -> str:
        """'Baseline (2010)', 'Target (2030)': the row header of a reference value."""
        spec = self._spec
        period = None if spec is None else (
            spec.baseline_period if which == "baseline" else spec.target_period)
        name = self.tr("Baseline") if which == "baseline" else self.tr("Target")
        return self.tr("{0} ({1})").format(name, period) if period else name

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def copy_text(self, indexes: list[QModelIndex]) -> str:
        """The cells as tab-separated text with their headers: plain numbers a spreadsheet
        reads (a full stop for the decimal, no thousands separator), empty where missing."""
        if not indexes or self._spec is None:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        head = [""] + [str(self.headerData(c, Qt.Orientation.Horizontal)) for c in cols]
        lines = ["\t".join(head)]
        for r in rows:
            cells = [str(self.headerData(r, Qt.Orientation.Vertical))]
            for c in cols:
                value = self.value(self.index(r, c)) if (r, c) in chosen else None
                cells.append("" if value is None else f"{value:.{self._spec.decimals}f}")
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"


class ChartTableView(QTableView):
    """The table, read-only; Ctrl+C copies the selected cells with their headers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setAccessibleName(self.tr("Chart values"))

    def copy(self) -> None:
        model = self.model()
        if isinstance(model, ChartTableModel):
            text = model.copy_text(self.selectionModel().selectedIndexes())
            if text:
                QGuiApplication.clipboard().setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        super().keyPressEvent(event)

    def fit_columns(self) -> None:
        """Columns as wide as their header or widest number, measured from the strings
        (resizeColumnsToContents asks the model for every role of every cell: slow)."""
        model = self.model()
        if not isinstance(model, ChartTableModel) or model.spec() is None:
            return
        spec = model.spec()
        assert spec is not None
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        head_metrics = header.fontMetrics()
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_HeaderMargin) + 16
        for column in range(model.columnCount()):
            texts = [spec.format(v) for v in spec.row(column)]
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            header.resizeSection(column, max(widest, head_metrics.horizontalAdvance(title))
                                 + pad)

    def reset(self) -> None:
        super().reset()
        model = self.model()
        self.clearSpans()
        if isinstance(model, ChartTableModel) and model.columnCount() > 1:
            for row in model.reference_rows():
                self.setSpan(row, 0, 1, model.columnCount())


class IndicatorChartPanel(QWidget):
    """Chart, status line and table of one ChartSpec; the chart's cursor and the table's
    current cell follow each other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = IndicatorChart(self)
        self.status = QLabel(self)
        self.status.setAccessibleName(self.tr("Chart cursor"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = ChartTableModel(self)
        self.table = ChartTableView(self)
        self.table.setModel(self.model)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.chart, 1)
        top_layout.addWidget(self.status)
        splitter.addWidget(top)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._syncing = False
        self.chart.announced.connect(self.status.setText)
        self.chart.cursor_moved.connect(self._chart_moved)
        self.table.selectionModel().currentChanged.connect(self._table_moved)
        self.status.setText(self.chart.announcement())

    def set_spec(self, spec: ChartSpec | None) -> None:
        self.model.set_spec(spec)
        self.table.fit_columns()
        self.chart.set_spec(spec)

    def _chart_moved(self, series: int, period: int) -> None:
        if self._syncing:
            return
        index = self.model.index_of(series, period)
        if not index.isValid():
            return
        self._syncing = True
        try:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.table.scrollTo(index)
        finally:
            self._syncing = False

    def _table_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        cursor = self.model.cursor_of(current)
        if cursor is None:
            self.status.setText(str(self.model.data(current, Qt.ItemDataRole.ToolTipRole)
                                    or ""))
            return
        self._syncing = True
        try:
            self.chart.set_current_point(*cursor)
        finally:
            self._syncing = False
