"""Wires the coordinator's dashboard and reporting calendar into the main window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

from nmrf_desktop.services import dashboard
from nmrf_desktop.services.dashboard import Dashboard
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.calendar.page import CalendarPage
from nmrf_desktop.ui.dashboard.page import DashboardPage
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Dashboard"


class DashboardHub(Hub):
    """The Dashboard and Calendar tabs, for coordinators: built once, shown by role."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.page = DashboardPage(window)
        self.calendar = CalendarPage(window.runner, window)
        self._tab = window.tabs.addTab(self.page, _T(_C, "Dashboard"))
        self._calendar_tab = window.tabs.addTab(self.calendar, _T(_C, "Calendar"))
        menu: QMenu = window.window_actions.coordinator_menu
        menu.addSeparator()
        self.show_action = self.add_command(
            _T(_C, "&Dashboard"), self.show_dashboard, "Ctrl+6",
            _T(_C, "Status across agencies, stale items, held bundles and open conflicts"),
            menu)
        self.calendar_action = self.add_command(
            _T(_C, "Reporting Ca&lendar"), self.show_calendar, "Ctrl+7",
            _T(_C, "UN reporting deadlines per body and the recommendations each covers"),
            menu)
        self.for_role(True, actions=(self.show_action, self.calendar_action),
                      tabs=(self._tab, self._calendar_tab))
        self.page.requested.connect(self.refresh)
        self.page.listRequested.connect(self.open_list)
        self.page.agencyOverviewRequested.connect(
            lambda agency: self._window.show_stale(agency, self.page.months.value()))
        self.page.inboxRequested.connect(lambda: self._show_tab("bundleInbox"))
        self.page.conflictsRequested.connect(lambda: self._show_tab("conflictsView"))
        self.page.calendarRequested.connect(self.show_calendar)
        self.calendar.recommendationActivated.connect(window.open_recommendation)
        self.calendar.changed.connect(self.refresh)
        window.databaseOpened.connect(lambda _path: self.opened())
        window.tabs.currentChanged.connect(self._tab_changed)
        exchange = getattr(window, "exchange", None)
        if exchange is not None:  # merges and resolutions change the counts
            exchange.inbox.bundlesImported.connect(lambda _r: self._refresh_if_shown())
            exchange.conflicts.resolved.connect(lambda _i: self._refresh_if_shown())
        self.follow_coordinator_menu()
        self.set_coordinator(False)

    # -- state ------------------------------------------------------------------------

    def opened(self, record: Record | None = None) -> None:
        self.calendar.set_record(record or self._window.record)
        self._follow_profile()
        self._refresh_if_shown()

    def _tab_changed(self, index: int) -> None:
        if index == self._tab:
            self.refresh()
        elif index == self._calendar_tab:
            self.calendar.refresh()

    def _refresh_if_shown(self) -> None:
        current = self._window.tabs.currentIndex()
        if current in (self._tab, self._calendar_tab):
            self._tab_changed(current)

    # -- showing ------------------------------------------------------------------------

    def show_dashboard(self) -> None:
        if self._coordinator:
            self._window.tabs.setCurrentIndex(self._tab)

    def show_calendar(self, months: int | None = None) -> None:
        if not self._coordinator:
            return
        self._window.tabs.setCurrentIndex(self._calendar_tab)
        if months is not None:
            self.calendar.show_window(months)

    def refresh(self) -> None:
        record = self._window.record
        if record is None:
            return
        months = self.page.months.value()
        self._window.runner.run(lambda: dashboard.dashboard(record, months),
                                guarded(self._loaded), guarded(self._failed),
                                key="dashboard")

    def _loaded(self, data: Dashboard) -> None:
        self.page.show_dashboard(data)

    def _failed(self, exc: BaseException) -> None:
        log.error("the dashboard could not be read", exc_info=exc)
        self._window.statusBar().showMessage(
            _T(_C, "The dashboard could not be read: {0}").format(exc), 8000)

    def _show_tab(self, name: str) -> None:
        """Show the window's tab whose page has this object name (the exchange wing's)."""
        tabs = self._window.tabs
        for i in range(tabs.count()):
            page = tabs.widget(i)
            if page is not None and page.objectName() == name:
                tabs.setCurrentIndex(i)
                return

    def open_list(self, agency: str, body: str, status: str, stale: bool) -> None:
        """Open the recommendations a count stands for.

        Stale counts open the overview (its list of items with no recent update, for that
        agency); the other counts open the recommendations list filtered to them.
        """
        if stale:
            self._window.show_stale(agency, self.page.months.value())
        else:
            self._window.show_filtered_list(agency, body, status)
