"""The main window: filters, search, "N of M" count, table, detail pane and overview tab."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..services import browsing
from ..services.browsing import RecommendationDetail
from ..services.demo import ensure_demo_database
from ..services.facets import AgencyChoice
from ..services.record import Record
from ..services.workspace import Profile
from . import window_state
from .coordinator import CoordinatorTools
from .dashboard_hub import DashboardHub
from .detail_pane import DetailPane
from .editing import Editing
from .exchange_hub import ExchangeHub
from .filter_panel import FilterPanel
from .menus import install_menus
from .overlap_hub import OverlapHub
from .overview_page import OverviewPage
from .recommendations_model import RecommendationsModel
from .recommendations_table import RecommendationsTable, show_about
from .reports_hub import ReportsHub
from .safety_hub import SafetyHub
from .search_box import SearchBox
from .tasks import TaskRunner
from .workspace_session import WorkspaceSession

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 40



class MainWindow(QMainWindow):
    """One open database, browsed through search and a lazily filled table."""

    # The path of the database now shown, once it is open.
    databaseOpened = Signal(str)
    # A database could not be opened: the message shown to the user.
    openFailed = Signal(str)

    def __init__(self, runner: TaskRunner, *, remember_state: bool = True,
                 ask_profile: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._remember_state = remember_state
        self._record: Record | None = None
        self._path: Path | None = None
        self._opening = False
        self._keep_selection: list[str] = []
        self.profile = Profile()
        self.agencies: list[AgencyChoice] = []
        self.model = RecommendationsModel(runner, self)
        self.editing = Editing(self)
        self.coordinator = CoordinatorTools(self)
        self._build()
        self.session = WorkspaceSession(self, ask_profile=ask_profile,
                                        remember=remember_state)
        self.window_actions = install_menus(self)
        self.exchange = ExchangeHub(self)
        self.reports = ReportsHub(self)
        self.safety = SafetyHub(self)
        self.overlap = OverlapHub(self)
        self.dashboard = DashboardHub(self)
        self.session.install(self.window_actions)
        self._connect()
        self._set_title()
        self._default_size()
        if remember_state:
            window_state.restore(self, self.splitter, self.table.horizontalHeader())

    # -- construction -------------------------------------------------------------------

    def _default_size(self) -> None:
        """1280×800, or 90% of the screen where that is smaller (first run)."""
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.9)), min(800, int(screen.height() * 0.9)))

    def _build(self) -> None:
        self.search_box = SearchBox(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName(self.tr("Number of recommendations shown"))
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance(
            self.tr("000,000 of 000,000 recommendations")))
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.table = RecommendationsTable(self.model, self)

        self.detail = DetailPane(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([480, 320])

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)
        browse = QWidget(self)
        layout = QVBoxLayout(browse)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.overview = OverviewPage(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName(self.tr("Views"))
        self.tabs.setAccessibleDescription(self.tr(
            "Recommendations, overview and, for the coordinator, inbox, conflicts and "
            "clusters (Ctrl+1 to Ctrl+5)"))
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(browse, self.tr("Recommendations"))
        self.tabs.addTab(self.overview, self.tr("Overview"))
        self.setCentralWidget(self.tabs)

        self.filter_panel = FilterPanel(self)
        self.filter_dock = QDockWidget(self.tr("Filters"), self)
        self.filter_dock.setObjectName("filterDock")
        self.filter_dock.setWidget(self.filter_panel)
        self.filter_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                     | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)
        self.resizeDocks([self.filter_dock], [250], Qt.Orientation.Horizontal)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._status = QLabel(self)
        self.statusBar().addPermanentWidget(self._status)
        self.profile_label = QLabel(self)
        self.profile_label.setObjectName("profileLabel")
        self.profile_label.setAccessibleName(self.tr("Your role"))
        self.statusBar().addPermanentWidget(self.profile_label)
        self.setTabOrder(self.search_box, self.table)
        self.setTabOrder(self.table, self.detail)

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.textChanged.connect(self.model.interrupt)  # stop a stale search now
        self.search_box.leaveRequested.connect(self._enter_results)
        self._search_timer.timeout.connect(self._apply_search)
        self.model.countsChanged.connect(self._show_counts)
        self.model.loadingChanged.connect(self._show_loading)
        self.model.modelReset.connect(self._after_reset)
        self.model.idsComplete.connect(self._after_reset)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._runner.failed.connect(self._show_error)
        self.filter_panel.changed.connect(self._search_timer.start)
        self.detail.actionActivated.connect(self.editing.edit_action)
        self.overview.requested.connect(self.session.load_overview)
        self.overview.recommendationActivated.connect(self.open_recommendation)
        self.tabs.currentChanged.connect(self.session.tab_changed)

    # -- opening a database -------------------------------------------------------------

    def open_database(self, path: Path | str) -> None:
        """Open (creating and migrating as needed) a database file, off the GUI thread."""
        target = Path(path)
        self._begin_open(lambda: (target, self.safety.open_record(target)),
                         self.tr("Opening {0}…").format(target.name))

    def open_demo(self) -> None:
        """Open the demo database, building it first if needed."""
        def job() -> tuple[Path, Record]:
            target = ensure_demo_database()
            return target, self.safety.open_record(target)
        self._begin_open(job, self.tr("Opening the demo database…"))

    def choose_database(self) -> None:
        start = str(self._path.parent) if self._path else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open Database"), start,
            self.tr("NMRF databases (*.sqlite3 *.sqlite *.db);;All files (*)"))
        if chosen:
            self.open_database(chosen)

    def _begin_open(self, job, message: str) -> None:  # type: ignore[no-untyped-def]
        self._opening = True
        self.statusBar().showMessage(message)
        self._runner.run(job, self._opened, self._open_failed)

    def _opened(self, result: tuple[Path, Record]) -> None:
        path, record = result
        old = self._record
        self._record, self._path, self._opening = record, path, False
        self.detail.show_placeholder()
        self.model.set_record(record)
        if old is not None:
            self._runner.run(old.close)
        self._set_title()
        self.statusBar().showMessage(self.tr("Opened {0}").format(path), 5000)
        if self._remember_state:
            window_state.set_last_database(str(path))
            window_state.add_recent_database(str(path))
        self.editing.undo_stack.clear()  # its steps belong to the database closed
        self.exchange.opened(record)
        self.session.opened(record)
        log.info("opened %s", path)
        # What exists now (modules, widgets, mappers) lives as long as the app: keep it out
        # of the collector's full passes, which hold the GIL and would stall the window
        # for 100+ ms at a time.
        gc.freeze()
        self.databaseOpened.emit(str(path))

    def _open_failed(self, exc: BaseException) -> None:
        self._opening = False
        if self.safety.open_failed(exc):  # refused (second window, policy) or offered a restore
            self.openFailed.emit(str(exc))
            return
        log.error("could not open a database", exc_info=exc)
        self.statusBar().clearMessage()
        message = self.tr("The database could not be opened.\n\n{0}").format(exc)
        self._show_error(message)
        self.openFailed.emit(message)

    # -- search, counts, selection ------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _apply_search(self) -> None:
        """Search box and filter panel together: one Filters, one query."""
        wanted = self.filter_panel.filters(self.search_box.text().strip())
        self.model.set_filters(wanted)  # a no-op if these results are shown or on the way
        count = self.filter_panel.active_count()
        self.filter_dock.setWindowTitle(self.tr("Filters ({0})").format(count) if count
                                        else self.tr("Filters"))

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in table order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [i for i in (self.model.id_at(r) for r in rows) if i]

    def open_recommendation(self, rec_id: str) -> None:
        """Show one recommendation: selected in the table if it is there, else in the pane."""
        self.show_list()
        row = self.model.row_of(rec_id)
        if row >= 0:
            self.select_row(row)
            return
        record = self._record
        if record is not None:
            self._runner.run(lambda: browsing.detail(record, rec_id),
                             lambda found: found and self.detail.show_detail(found),
                             key="detail")

    def reload_detail(self) -> None:
        """Read the recommendation shown again (after an edit)."""
        record, rec_id = self._record, self.detail.current_id
        if record is None or rec_id is None:
            return

        def shown(found: RecommendationDetail | None) -> None:
            if found is not None and self.detail.current_id == rec_id:
                self.detail.show_detail(found)
        self._runner.run(lambda: browsing.detail(record, rec_id), shown, key="detail")

    def refresh_after_edit(self) -> None:
        self.exchange.refresh()
        self._keep_selection = self.selected_ids()
        self.model.refresh()
        self.reload_detail()
        self.session.load_overview()

    def show_list(self) -> None:
        self.tabs.setCurrentIndex(0)

    def show_overview(self) -> None:
        self.tabs.setCurrentIndex(1)

    def edit_profile(self) -> None:
        self.session.edit_profile()

    def show_error(self, message: str) -> None:
        self._show_error(message)

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    @property
    def record(self) -> Record | None:
        return self._record

    def run_write(self, job, done_message) -> None:  # type: ignore[no-untyped-def]
        """Run a write on the worker; report in the status bar, then refresh what is shown."""
        def done(result: object) -> None:
            self.statusBar().showMessage(done_message(result), 8000)
            self.refresh_after_edit()

        def failed(exc: BaseException) -> None:
            log.error("a change could not be saved", exc_info=exc)
            self._show_error(self.tr("The change was not saved.\n\n{0}").format(exc))
        self.statusBar().showMessage(self.tr("Saving…"))
        self._runner.run(job, done, failed)

    def _show_counts(self, shown: int, total: int) -> None:
        locale = QLocale()
        self.count_label.setText(self.tr("{0} of {1} recommendations").format(
            locale.toString(shown), locale.toString(total)))

    def _show_loading(self, loading: bool) -> None:
        self._status.setText(self.tr("Searching…") if loading else "")

    def _enter_results(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.select_row(0)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _after_reset(self) -> None:
        """Keep the recommendation being read (and a selection kept on purpose) selected.

        Runs on the reset and again once every id of a long result is in."""
        current = self.detail.current_id
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            if self.model.id_at(self.table.currentIndex().row()) != current:
                self.select_row(row)
        elif current and self.model.ids_complete:
            self.detail.show_placeholder()
        keep = self._keep_selection
        if self.model.ids_complete:
            self._keep_selection = []
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for kept in self.model.rows_of(keep):
            selection.select(self.model.index(kept, 0), self.model.index(kept, last))
        if not selection.isEmpty():
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.Select)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rec_id = self.model.id_at(current.row()) if current.isValid() else None
        record = self._record
        if rec_id is None or record is None:
            return
        if rec_id == self.detail.current_id:
            return
        self._runner.run(lambda: browsing.detail(record, rec_id),
                         lambda found: self._show_detail(rec_id, found), key="detail")

    def _show_detail(self, rec_id: str, found: RecommendationDetail | None) -> None:
        current = self.table.currentIndex()
        if not current.isValid() or self.model.id_at(current.row()) != rec_id:
            return  # the selection moved on while this was loading
        if found is None:
            self.detail.show_placeholder(self.tr("This recommendation is no longer in the "
                                                 "database."))
        else:
            self.detail.show_detail(found)

    # -- state, title, messages ---------------------------------------------------------

    def is_idle(self) -> bool:
        """Nothing pending: no open, no query, no page fetch, no typed-but-unsent search."""
        return not (self._opening or self._runner.busy or self.model.is_loading()
                    or self._search_timer.isActive())

    @property
    def database_path(self) -> Path | None:
        return self._path

    def _set_title(self) -> None:
        if self._path is None:
            self.setWindowTitle(self.tr("NMRF Desktop"))
            return
        self.setWindowFilePath(str(self._path))
        self.setWindowTitle(self.tr("{0} — NMRF Desktop").format(self._path.name))

    def _show_error(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("NMRF Desktop"), message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_about(self) -> None:
        show_about(self)

    def quit(self) -> None:
        QApplication.closeAllWindows()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._remember_state:
            window_state.save(self, self.splitter, self.table.horizontalHeader())
            window_state.save_filters(self.filter_panel.state_json())
        self.editing.undo_stack.clear()
        self._search_timer.stop()
        record, self._record = self._record, None
        self.model.set_record(None)
        if record is not None:
            if self._runner.closed:
                record.close()
            else:
                self._runner.run(record.close)  # after whatever it is still doing
        super().closeEvent(event)
