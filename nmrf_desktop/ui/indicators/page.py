"""The Indicators tab: the list (filterable), and the one selected in full with its chart."""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import indicator_views
from nmrf_desktop.services.indicator_views import IndicatorDetail, Overview
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.indicator_chart_table import IndicatorChartPanel
from nmrf_desktop.ui.indicators.detail_html import RECOMMENDATION_SCHEME, indicator_html
from nmrf_desktop.ui.indicators.list_model import (
    CODE,
    CODE_ROLE,
    KIND,
    LATEST,
    MAORI,
    SDG,
    STEWARD,
    TITLE,
    VALUES,
    IndicatorFilter,
    IndicatorListModel,
)
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class FilterBox(QLineEdit):
    """The filter: Down moves into the list below it."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class IndicatorsPage(QWidget):
    """Every indicator; the selected one's facts, series trends, chart and table."""

    recommendationActivated = Signal(str)  # a linked recommendation's id
    addRequested = Signal()
    importRequested = Signal()
    recordRequested = Signal()
    loaded = Signal()  # the list was read (tests and the hub wait on it)
    detailShown = Signal(str)  # an indicator's code, once its detail is shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorsPage")
        self._runner = runner
        self._record: Record | None = None
        self.overview: Overview | None = None
        self.detail: IndicatorDetail | None = None
        self._wanted: str | None = None  # the code to select once the list is read
        self.model = IndicatorListModel(self)
        self.proxy = IndicatorFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = FilterBox(self)
        self.filter.setObjectName("indicatorFilter")
        self.filter.setPlaceholderText(self.tr("Code, title, steward, SDG…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter indicators"))
        self.caption = QLabel(self.tr("Fil&ter:"), self)
        self.caption.setBuddy(self.filter)
        self.count = QLabel(self)
        self.count.setObjectName("indicatorCount")
        self.add_button = QPushButton(self.tr("&Add Indicator…"), self)
        self.add_button.setObjectName("addIndicatorButton")
        self.import_button = QPushButton(self.tr("Im&port Values…"), self)
        self.import_button.setObjectName("importValuesButton")
        self.record_button = QPushButton(self.tr("Recor&d Value…"), self)
        self.record_button.setObjectName("recordValueButton")
        self._recording_agency: str | None = None
        self.table = self._make_table()
        self.facts = QTextBrowser(self)
        self.facts.setObjectName("indicatorFacts")
        self.facts.setAccessibleName(self.tr("Indicator details"))
        self.facts.setOpenLinks(False)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.chart = IndicatorChartPanel(self)
        self.chart.setObjectName("indicatorChartPanel")
        self._layout()
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.down.connect(self._into_list)
        self.filter.returnPressed.connect(self._into_list)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.facts.anchorClicked.connect(self._follow)
        self.add_button.clicked.connect(self.addRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.record_button.clicked.connect(self.recordRequested)
        self.set_editable(False)
        self.set_recording_agency(None)
        self._show_placeholder(self.tr("Open a database to see its indicators."))

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("indicatorTable")
        table.setAccessibleName(self.tr("Indicators"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(CODE, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, chars in ((CODE, 12), (TITLE, 44), (LATEST, 34), (MAORI, 24)):
            header.resizeSection(column, table.fontMetrics().averageCharWidth() * chars)
        return table

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.caption)
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        top.addSpacing(12)
        top.addWidget(self.add_button)
        top.addWidget(self.import_button)
        top.addWidget(self.record_button)
        below = QSplitter(Qt.Orientation.Horizontal, self)  # the facts beside the chart
        below.addWidget(self.facts)
        below.addWidget(self.chart)
        below.setStretchFactor(0, 2)
        below.setStretchFactor(1, 3)
        below.setSizes([440, 660])
        below.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("indicatorSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([120, 580])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.filter, self.table)
        self.setTabOrder(self.table, self.facts)
        self.setTabOrder(self.facts, self.chart.chart)
        self.setTabOrder(self.chart.chart, self.chart.table)

    # -- what may be done here ---------------------------------------------------------------

    def set_editable(self, editable: bool) -> None:
        """Show Add and Import (the coordinator on the central record) or not (a laptop:
        read only)."""
        self.add_button.setVisible(editable)
        self.import_button.setVisible(editable)
        self.import_button.setEnabled(editable and self.current_code() is not None)

    def set_recording_agency(self, agency: str | None) -> None:
        """Offer Record Value… (a laptop: the officer's agency records the values of the
        indicators it stewards), or not (None)."""
        self._recording_agency = agency
        self.record_button.setVisible(agency is not None)
        self._update_record_button()

    def _update_record_button(self) -> None:
        detail = self.detail
        self.record_button.setEnabled(
            self._recording_agency is not None and detail is not None
            and detail.indicator.steward == self._recording_agency)

    # -- reading -----------------------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.overview = None
        self.detail = None
        self.model.set_rows([])
        self._update_count()
        self._show_placeholder(self.tr("Reading the indicators…") if record else
                               self.tr("Open a database to see its indicators."))

    def refresh(self, select: str | None = None) -> None:
        """Read the list again (keeping the selection, or selecting `select`)."""
        record = self._record
        if record is None:
            return
        self._wanted = select or self.current_code()
        self._runner.run(lambda: indicator_views.overview(record),
                         guarded(self._overview_read, record), guarded(self._failed),
                         key="indicator-list")

    def _overview_read(self, record: Record, overview: Overview) -> None:
        if record is not self._record:
            return
        self.overview = overview
        wanted = self._wanted
        self.model.set_rows(overview.rows)
        for column in (CODE, KIND, STEWARD, SDG, VALUES):  # a short list: measure it
            self.table.resizeColumnToContents(column)
        self._update_count()
        row = self.model.row_of(wanted) if wanted else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.select_code(self.model.row_at(row).indicator.code)  # type: ignore[union-attr]
        else:
            self._show_placeholder(self.tr(
                "No indicators yet. A coordinator adds them on the central record "
                "(Add Indicator…), then imports their values from a CSV or Excel file in "
                "the Open SDG layout."))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        log.error("the indicators could not be read", exc_info=exc)
        self._show_placeholder(self.tr("The indicators could not be read: {0}").format(exc))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(self.tr("{0} of {1}").format(shown, total) if shown != total
                           else counted(self.tr("%n indicator(s)", "", total), total))

    # -- selection and detail ----------------------------------------------------------------

    def current_code(self) -> str | None:
        index = self.table.currentIndex()
        code = index.data(CODE_ROLE) if index.isValid() else None
        return str(code) if code else None

    def select_code(self, code: str) -> bool:
        """Select the indicator with this code (clearing the filter if it hides it)."""
        row = self.model.row_of(code)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, CODE))
        if not index.isValid():
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, CODE))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        code = current.data(CODE_ROLE) if current.isValid() else None
        self.import_button.setEnabled(self.add_button.isVisible() and bool(code))
        if not code:
            return
        self._load_detail(str(code))

    def _load_detail(self, code: str) -> None:
        record = self._record
        if record is None:
            return
        self._runner.run(lambda: indicator_views.detail(record, code),
                         guarded(self._detail_read, code), guarded(self._failed),
                         key="indicator-detail")

    def _detail_read(self, code: str, detail: IndicatorDetail) -> None:
        if code != self.current_code():
            return  # another was selected meanwhile
        self.detail = detail
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.facts.setHtml(indicator_html(detail, muted))
        self.chart.set_spec(detail.chart)
        self._update_record_button()
        self.detailShown.emit(code)

    def _show_placeholder(self, text: str) -> None:
        self.detail = None
        self._update_record_button()
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.facts.setHtml(f'<p style="color:{muted}">{escape(text)}</p>')
        self.chart.set_spec(None)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_words(text)
        self._update_count()
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _into_list(self) -> None:
        if not self.proxy.rowCount():
            return
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == RECOMMENDATION_SCHEME:
            self.recommendationActivated.emit(url.path())

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
