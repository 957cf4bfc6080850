"""Wires indicators into the main window: the Indicators tab (everyone), Add Indicator… and
Import Values… (the coordinator, on the central record), Record Indicator Value… (the
steward agency's officer, on a laptop), and the detail pane's section."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMenu

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.domain.indicators import (
    IndicatorDraft,
    IndicatorRecord,
    InvalidIndicator,
    ValuesReport,
)
from nmrf_desktop.services import indicator_views, indicators
from nmrf_desktop.services.indicator_views import RecommendationIndicator
from nmrf_desktop.services.indicators import IndicatorRefused
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.indicators.add_dialog import AddIndicatorDialog
from nmrf_desktop.ui.indicators.import_dialog import ImportValuesDialog
from nmrf_desktop.ui.indicators.page import IndicatorsPage
from nmrf_desktop.ui.indicators.record_dialog import RecordValueDialog
from nmrf_desktop.ui.indicators.recording import ValueRecording
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Indicators"

# What the tab shows: indicators and values (added, imported, recorded, merged from bundles
# or brought by a pack), and the recommendations they link to.
SHOWN = Changed.INDICATORS | Changed.RECOMMENDATIONS


def laptop_reason() -> str:
    return _T(_C, "Indicators are added and their values imported by the coordinator, on the "
                  "central record: this database is a laptop copy.")


class IndicatorsHub(Hub):
    """View → Indicators (Ctrl+8); Coordinator → Add Indicator… and Import Indicator
    Values…; the recommendation detail's Indicators section."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.setObjectName("indicatorsHub")
        self.central: bool | None = None  # the open record is the central one (None: unknown)
        self.add_dialog: AddIndicatorDialog | None = None
        self.import_dialog: ImportValuesDialog | None = None
        self.page = IndicatorsPage(window.runner, window)
        self._tab = window.tabs.addTab(self.page, _T(_C, "Indicators"))
        self.show_action = self.add_command(
            _T(_C, "&Indicators"), self.show_page, "Ctrl+8",
            _T(_C, "Indicators measuring the recommendations: values, trends and charts"))
        self.show_action.setObjectName("showIndicatorsAction")
        self._add_to_view_menu()
        menu = window.window_actions.coordinator_menu
        menu.addSeparator()
        self.add_action = self.add_command(
            _T(_C, "Add &Indicator…"), self.open_add, "Ctrl+Shift+N",
            _T(_C, "Describe an indicator and link it to the recommendations it measures"),
            menu)
        self.add_action.setObjectName("addIndicatorAction")
        self.import_action = self.add_command(
            _T(_C, "Import Indicator &Values…"), self.open_import, "Ctrl+Shift+V",
            _T(_C, "Import an indicator's values from a CSV or Excel file in the Open SDG "
                   "layout"), menu)
        self.import_action.setObjectName("importIndicatorValuesAction")
        self.for_role(True, actions=(self.add_action, self.import_action), hide_actions=False)
        self.recording = ValueRecording(window)
        self.record_action = self.add_command(
            _T(_C, "Record Indicator &Value…"), self.open_record, "Ctrl+Shift+R",
            _T(_C, "Record a value of an indicator your agency stewards, to send in your "
                   "next update bundle"))
        self.record_action.setObjectName("recordIndicatorValueAction")
        self._add_to_record_menu()
        self.for_role(False, actions=(self.record_action,))
        page = self.page
        page.addRequested.connect(self.open_add)
        page.importRequested.connect(self.open_import)
        page.recordRequested.connect(self.open_record)
        page.recommendationActivated.connect(window.open_recommendation)
        detail = window.detail
        detail.detailShown.connect(self._load_for_recommendation)
        detail.indicatorActivated.connect(self.show_indicator)
        window.databaseOpened.connect(lambda _path: self.opened())
        window.tabs.currentChanged.connect(self._tab_changed)
        window.changed.connect(self._changed)
        self.follow_coordinator_menu()
        self.set_coordinator(False)

    def _add_to_view_menu(self) -> None:
        anchor = self._window.window_actions.show_overview
        for top in self._window.menuBar().actions():
            menu = top.menu()
            if isinstance(menu, QMenu) and anchor in menu.actions():
                actions = menu.actions()
                after = actions[actions.index(anchor) + 1] if anchor is not actions[-1] \
                    else None
                menu.insertAction(after, self.show_action)  # type: ignore[arg-type]
                return
        log.warning("no View menu found for Indicators")

    def _add_to_record_menu(self) -> None:
        anchor = self._window.window_actions.new_action
        for top in self._window.menuBar().actions():
            menu = top.menu()
            if isinstance(menu, QMenu) and anchor in menu.actions():
                menu.addSeparator()
                menu.addAction(self.record_action)
                return
        log.warning("no Record menu found for Record Indicator Value…")

    # -- state -------------------------------------------------------------------------------

    def opened(self) -> None:
        self._follow_profile()
        for dialog in (self.add_dialog, self.import_dialog):
            if dialog is not None:
                dialog.close()
        self.recording.close()
        self.central = None
        self.page.set_record(self._window.record)
        self._show_availability()
        self._check_central()
        if self._window.tabs.currentIndex() == self._tab:
            self.page.refresh()

    def set_coordinator(self, coordinator: bool) -> None:
        super().set_coordinator(coordinator)
        self._show_availability()
        if coordinator and self._window.record is not None:
            self._check_central()  # the role is part of what makes a laptop

    def _check_central(self) -> None:
        record = self._window.record
        if record is None or self._window.runner.closed:
            return
        self._window.runner.run(lambda: indicator_views.is_central(record),
                                guarded(self._central_known), guarded(self._check_failed))

    def _central_known(self, central: bool) -> None:
        self.central = central
        self._show_availability()

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("could not tell whether this is the central record: %s", exc)

    def can_edit(self) -> bool:
        """Add and import: the coordinator on the central record."""
        return self._coordinator and self.central is True

    def recording_agency(self) -> str | None:
        """The agency whose officers record values here (a laptop, services.indicator_entry):
        the officer's, on a laptop; None on the central record (read only but for the
        coordinator's Add and Import)."""
        profile = self._window.profile
        if self._coordinator or self.central is not False or not profile.agency:
            return None
        return profile.agency

    def _show_availability(self) -> None:
        can = self.can_edit()
        for action in (self.add_action, self.import_action):
            action.setEnabled(can)
            action.setToolTip(action.statusTip() if can or not self._coordinator
                              else laptop_reason())
        self.page.set_editable(can)
        self.page.set_recording_agency(self.recording_agency())

    def _tab_changed(self, index: int) -> None:
        if index == self._tab:
            self.page.refresh()

    def _changed(self, changes: Changed) -> None:
        if changes.affects(SHOWN) and self._window.tabs.currentIndex() == self._tab:
            self.page.refresh()
        shown = self._window.detail.current_id
        if changes.affects(Changed.INDICATORS) and shown is not None:
            self._load_for_recommendation(shown)

    # -- showing -----------------------------------------------------------------------------

    def show_page(self) -> None:
        self._window.tabs.setCurrentIndex(self._tab)
        self.page.focus_list()

    def show_indicator(self, code: str) -> None:
        """The Indicators tab with this indicator selected (once the list is read)."""
        self._window.tabs.setCurrentIndex(self._tab)  # reads the list again
        self.page.refresh(select=code)

    # -- the detail pane's section -----------------------------------------------------------

    def _load_for_recommendation(self, rec_id: str) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(
            lambda: indicator_views.indicators_for_recommendation(record, rec_id),
            guarded(self._loaded_for_recommendation, rec_id),
            guarded(self._recommendation_failed), key="recommendation-indicators")

    def _loaded_for_recommendation(self, rec_id: str,
                                   found: list[RecommendationIndicator]) -> None:
        self._window.detail.show_indicators(rec_id, found)

    def _recommendation_failed(self, exc: BaseException) -> None:
        log.warning("could not read a recommendation's indicators: %s", exc)

    # -- Add Indicator… ----------------------------------------------------------------------

    def open_add(self) -> AddIndicatorDialog | None:
        window = self._window
        if window.record is None:
            return None
        if not self.can_edit():
            window.statusBar().showMessage(laptop_reason() if self._coordinator else
                                           _T(_C, "Only the coordinator adds indicators."),
                                           8000)
            return None
        if self.add_dialog is not None:
            self.add_dialog.raise_()
            self.add_dialog.activateWindow()
            return self.add_dialog
        dialog = AddIndicatorDialog(list(window.agencies), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saveRequested.connect(lambda draft: self._save(dialog, draft))
        dialog.finished.connect(lambda _r: setattr(self, "add_dialog", None))
        self.add_dialog = dialog
        dialog.open()
        record, selected = window.record, window.selected_ids()
        if selected:  # offer to link the recommendations selected in the browser
            window.runner.run(lambda: indicator_views.references_of(record, selected),
                              guarded(dialog.offer_recommendations))
        return dialog

    def _save(self, dialog: AddIndicatorDialog, draft: IndicatorDraft) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(lambda: indicators.add_indicator(record, draft),
                                guarded(self._added, dialog), guarded(self._add_failed, dialog))

    def _added(self, dialog: AddIndicatorDialog, added: IndicatorRecord) -> None:
        dialog.accept()
        self._window.statusBar().showMessage(
            _T(_C, "Added indicator {0}.").format(added.code), 8000)
        self._window.did_change(Changed.INDICATORS)
        self.show_indicator(added.code)

    def _add_failed(self, dialog: AddIndicatorDialog, exc: BaseException) -> None:
        if isinstance(exc, InvalidIndicator):
            dialog.show_problems(exc.problems)
        elif isinstance(exc, IndicatorRefused):
            dialog.show_refusal(str(exc))
        else:
            log.error("the indicator could not be added", exc_info=exc)
            dialog.show_refusal(_T(_C, "The indicator was not added: {0}").format(exc))

    # -- Import Values… ----------------------------------------------------------------------

    def open_import(self) -> ImportValuesDialog | None:
        window = self._window
        overview = self.page.overview
        if window.record is None:
            return None
        if not self.can_edit():
            window.statusBar().showMessage(laptop_reason() if self._coordinator else
                                           _T(_C, "Only the coordinator imports values."),
                                           8000)
            return None
        if overview is None or not overview.rows:
            window.show_error(_T(_C, "Add an indicator first: values are imported into one."))
            return None
        if self.import_dialog is not None:
            self.import_dialog.raise_()
            self.import_dialog.activateWindow()
            return self.import_dialog
        dialog = ImportValuesDialog([r.indicator for r in overview.rows],
                                    self.page.current_code(), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.importRequested.connect(lambda code, path: self._import(dialog, code, path))
        dialog.finished.connect(lambda _r: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import(self, dialog: ImportValuesDialog, code: str, path: Path) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(lambda: indicators.import_values(record, code, path),
                                guarded(self._imported, dialog), guarded(dialog.show_refusal))

    def _imported(self, dialog: ImportValuesDialog, report: ValuesReport) -> None:
        dialog.show_report(report)
        self._window.statusBar().showMessage(
            _T(_C, "{0}: {1}").format(report.code, report.summary()), 8000)
        self._window.did_change(Changed.INDICATORS)
        self.page.refresh(select=report.code)

    # -- Record Value… (a laptop) ------------------------------------------------------------

    def open_record(self) -> RecordValueDialog | None:
        """Record a value of the selected indicator: its steward agency's officer, on a
        laptop."""
        window, agency, detail = self._window, self.recording_agency(), self.page.detail
        if window.record is None:
            return None
        if agency is None:
            window.statusBar().showMessage(_T(
                _C, "Values are recorded on the steward agency's laptop; on the central "
                    "record, import them from a file."), 8000)
            return None
        if detail is None or detail.indicator.steward != agency:
            window.statusBar().showMessage(_T(
                _C, "Select, on the Indicators tab, an indicator {0} stewards.").format(agency),
                8000)
            return None
        return self.recording.open(detail)

    @property
    def record_dialog(self) -> RecordValueDialog | None:
        return self.recording.dialog
