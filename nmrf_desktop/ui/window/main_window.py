"""The main window: filters, search, "N of M" count, table, detail pane and overview tab.

The window's widgets are built in `widgets`, its browsing (search, counts, selection,
detail) lives in `results`, its menus in `menus`, its per-database state in `session`;
hubs see it through `shell.Shell`, its own parts through `frame.Frame`. Opening a
database is here.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from nmrf_desktop import policy
from nmrf_desktop.domain.changes import IN_DETAIL, IN_OVERVIEW, IN_TABLE, Changed
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import locations
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.locations import Location
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.assigning import CoordinatorTools
from nmrf_desktop.ui.backup.hub import SafetyHub
from nmrf_desktop.ui.browsing.recommendations_model import RecommendationsModel
from nmrf_desktop.ui.browsing.recommendations_table import show_about
from nmrf_desktop.ui.dashboard.hub import DashboardHub
from nmrf_desktop.ui.documents.hub import DocumentsHub
from nmrf_desktop.ui.entry.editing import Editing
from nmrf_desktop.ui.exchange.hub import ExchangeHub
from nmrf_desktop.ui.importing.hub import ImportHub
from nmrf_desktop.ui.indicators.hub import IndicatorsHub
from nmrf_desktop.ui.overlap.hub import OverlapHub
from nmrf_desktop.ui.publish.hub import PublishHub
from nmrf_desktop.ui.reports.hub import ReportsHub
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state, widgets as window_widgets
from nmrf_desktop.ui.window.frame import Frame
from nmrf_desktop.ui.window.menus import install_menus
from nmrf_desktop.ui.window.results import SEARCH_DEBOUNCE_MS, ResultsBrowser
from nmrf_desktop.ui.window.server_dialog import ServerDialog
from nmrf_desktop.ui.window.session import WorkspaceSession

log = logging.getLogger(__name__)

__all__ = ["SEARCH_DEBOUNCE_MS", "MainWindow"]


class MainWindow(Frame):
    """One open database, browsed through search and a lazily filled table."""

    exchange: ExchangeHub

    def __init__(self, runner: TaskRunner, *, remember_state: bool = True,
                 ask_profile: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._remember_state = remember_state
        self._record: Record | None = None
        self._path: Location | None = None
        self._opening = False
        self.profile = Profile()
        self.agencies: list[AgencyChoice] = []
        self.model = RecommendationsModel(runner, self)
        self.editing = Editing(self)
        self.coordinator = CoordinatorTools(self)
        window_widgets.build(self)
        self.results = ResultsBrowser(self)
        self.session = WorkspaceSession(self, ask_profile=ask_profile,
                                        remember=remember_state)
        self.window_actions = install_menus(self)
        self.exchange = ExchangeHub(self)
        self.reports = ReportsHub(self)
        self.safety = SafetyHub(self)
        self.overlap = OverlapHub(self)
        self.dashboard = DashboardHub(self)
        self.documents = DocumentsHub(self)
        self.importing = ImportHub(self)
        self.indicators = IndicatorsHub(self)
        self.publish = PublishHub(self)
        self.session.install(self.window_actions)
        self._connect()
        self._set_title()
        window_widgets.default_size(self)
        if remember_state:
            window_state.restore(self, self.splitter, self.table.horizontalHeader())

    def _connect(self) -> None:
        self.results.connect_signals()
        self.changed.connect(self._refresh_views)
        self._runner.failed.connect(self._show_error)
        self.detail.actionActivated.connect(self.editing.edit_action)
        self.overview.requested.connect(self.session.load_overview)
        self.overview.recommendationActivated.connect(self.open_recommendation)
        self.tabs.currentChanged.connect(self.session.tab_changed)

    # -- opening a database -------------------------------------------------------------

    def open_database(self, path: Location) -> None:
        """Open (creating and migrating as needed) a database file or a server's record,
        off the GUI thread."""
        try:
            target = locations.parse(path)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self._begin_open(lambda: (target, self.safety.open_record(target)),
                         self.tr("Opening {0}…").format(locations.label(target)))

    def open_demo(self) -> None:
        """Open the demo database, building it first if needed."""
        def job() -> tuple[Path, Record]:
            target = ensure_demo_database()
            return target, self.safety.open_record(target)
        self._begin_open(job, self.tr("Opening the demo database…"))

    def choose_database(self) -> None:
        here = self._path if isinstance(self._path, Path) else None
        start = str(policy.browse_folder(here.parent if here else Path.home()))
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open Database"), start,
            self.tr("NMRF databases (*.sqlite3 *.sqlite *.db);;All files (*)"))
        if chosen:
            self.open_database(chosen)

    def choose_server(self) -> None:
        last = locations.safe_text(self._path) if isinstance(self._path, str) else ""
        dialog = ServerDialog(self, last)
        if dialog.exec() and (url := dialog.url()):
            self.open_database(url)

    def _begin_open(self, job, message: str) -> None:  # type: ignore[no-untyped-def]
        self._opening = True
        self.statusBar().showMessage(message)
        self._runner.run(job, self._opened, self._open_failed)

    def _opened(self, result: tuple[Location, Record]) -> None:
        path, record = result
        old = self._record
        self._record, self._path, self._opening = record, path, False
        self.detail.show_placeholder()
        self.model.set_record(record)
        if old is not None:
            self._runner.run(old.close)
        self._set_title()
        shown = locations.safe_text(path)  # never a password: settings are plain files
        self.statusBar().showMessage(self.tr("Opened {0}").format(shown), 5000)
        if self._remember_state:
            window_state.set_last_database(shown)
            window_state.add_recent_database(shown)
        self.editing.undo_stack.clear()  # its steps belong to the database closed
        self.exchange.opened(record)
        self.session.opened(record)
        log.info("opened %s", shown)
        # What exists now (modules, widgets, mappers) lives as long as the app: keep it out
        # of the collector's full passes, which hold the GIL and would stall the window
        # for 100+ ms at a time.
        gc.freeze()
        self.databaseOpened.emit(shown)

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

    # -- browsing (results) -------------------------------------------------------------

    def focus_search(self) -> None:
        self.results.focus_search()

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in table order."""
        return self.results.selected_ids()

    def select_row(self, row: int) -> None:
        self.results.select_row(row)

    def open_recommendation(self, rec_id: str) -> None:
        """Show one recommendation: selected in the table if it is there, else in the pane."""
        self.results.open_recommendation(rec_id)

    def reload_detail(self) -> None:
        """Read the recommendation shown again (after an edit)."""
        self.results.reload_detail()

    def did_change(self, changes: Changed) -> None:
        """A write touched these kinds of record: every view that shows one refreshes."""
        log.debug("changed: %s", changes)
        self.changed.emit(changes)

    def _refresh_views(self, changes: Changed) -> None:
        if changes.affects(IN_TABLE):
            self.results.keep_selection()
            self.model.refresh()
        if changes.affects(IN_DETAIL):
            self.reload_detail()
        if changes.affects(IN_OVERVIEW):
            self.session.load_overview()
        if changes.affects(Changed.RECOMMENDATIONS):
            self.session.reload_choices()

    def show_list(self) -> None:
        self.tabs.setCurrentIndex(0)

    def current_filters(self) -> Filters:
        return self.filter_panel.filters(self.search_box.text().strip())

    def shown_count(self) -> int:
        return self.model.rowCount()

    def shown_filters(self) -> Filters:
        return self.model.filters

    def show_filtered_list(self, agency: str, body: str, status: str) -> None:
        self.filter_panel.show_only(agency, body, status)
        self.show_list()

    def show_stale(self, agency: str, months: int) -> None:
        self.overview.choose(agency, months)
        self.show_overview()

    def file_menu(self) -> QMenu:
        anchor = self.window_actions.profile
        return next(m for m in (a.menu() for a in self.menuBar().actions())
                    if isinstance(m, QMenu) and anchor in m.actions())

    @property
    def undo_stack(self) -> QUndoStack:
        return self.editing.undo_stack

    @property
    def evidence_limit(self) -> int | None:
        return self.editing.max_bytes

    def show_overview(self) -> None:
        self.tabs.setCurrentIndex(1)

    def edit_profile(self) -> None:
        self.session.edit_profile()

    def run_write(self, job, done_message, changes: Changed) -> None:  # type: ignore[no-untyped-def]
        """Run a write on the worker; report in the status bar, then refresh the views that
        show what it `changes`."""
        def done(result: object) -> None:
            self.statusBar().showMessage(done_message(result), 8000)
            self.did_change(changes)

        def failed(exc: BaseException) -> None:
            log.error("a change could not be saved", exc_info=exc)
            self._show_error(self.tr("The change was not saved.\n\n{0}").format(exc))
        self.statusBar().showMessage(self.tr("Saving…"))
        self._runner.run(job, done, failed)

    # -- state, title, messages ---------------------------------------------------------

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    @property
    def record(self) -> Record | None:
        return self._record

    @property
    def database_path(self) -> Location | None:
        """The open record's file, or its server URL (text); None before one is open."""
        return self._path

    def is_idle(self) -> bool:
        """Nothing pending: no open, no query, no page fetch, no typed-but-unsent search."""
        return not (self._opening or self._runner.busy or self.model.is_loading()
                    or self.results.search_pending)

    def _set_title(self) -> None:
        if self._path is None:
            self.setWindowTitle(self.tr("NMRF Desktop"))
            return
        self.setWindowFilePath(locations.safe_text(self._path))
        self.setWindowTitle(self.tr("{0} — NMRF Desktop").format(locations.label(self._path)))

    def show_error(self, message: str) -> None:
        self._show_error(message)

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
        self.results.stop()
        record, self._record = self._record, None
        self.model.set_record(None)
        if record is not None:
            if self._runner.closed:
                record.close()
            else:
                self._runner.run(record.close)  # after whatever it is still doing
        super().closeEvent(event)
