"""Per-database state of the window: who you are, filter choices, recent files, overview."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QDialog

from nmrf_desktop.services import facets, locations, overview, workspace
from nmrf_desktop.services.facets import FilterChoices
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.enum_text import agency_name
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.frame import Frame
from nmrf_desktop.ui.window.menus import WindowActions, coordinator_actions
from nmrf_desktop.ui.window.profile_dialog import ProfileDialog

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Frame"  # the words it shows are the main window's
# An officer's "Mine only" choice, per database (JSON: location → on), when not the default.
MINE_ONLY = "session/mineOnly"
MINE_ONLY_LIMIT = 32  # databases remembered; the oldest choice is forgotten first


@dataclass(frozen=True, slots=True)
class _Loaded:
    profile: Profile
    choices: FilterChoices


class WorkspaceSession(QObject):
    """Loads the profile and filter choices of each database opened, and acts on them."""

    def __init__(self, window: Frame, *, ask_profile: bool = True,
                 remember: bool = True) -> None:
        super().__init__(window)
        self._window = window
        self._ask_profile = ask_profile
        self._remember = remember
        self._restored_filters = False
        self._mine_choices: dict[str, bool] | None = None  # read on first use
        self._loading = False
        self.profile_dialog: ProfileDialog | None = None
        self._actions: WindowActions | None = None

    def install(self, actions: WindowActions) -> None:
        self._actions = actions
        actions.recent_menu.aboutToShow.connect(self._fill_recent)
        self._window.filter_panel.mineChosen.connect(self._mine_chosen)
        self._apply_profile(Profile())

    @property
    def loading(self) -> bool:
        return self._loading

    # -- after a database opens ---------------------------------------------------------

    def opened(self, record: Record) -> None:
        self._loading = True
        self._window.runner.run(
            lambda: _Loaded(workspace.load_profile(record), facets.choices(record)),
            lambda loaded: self._loaded(record, loaded), self._load_failed)

    def reload_choices(self) -> None:
        """Read the filter lists again (new cycles, bodies, themes, states after an import,
        a document or a pack), keeping what is checked."""
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(lambda: facets.choices(record),
                                lambda choices: self._choices_read(record, choices),
                                self._load_failed, key="filter-choices")

    def _choices_read(self, record: Record, choices: FilterChoices) -> None:
        window = self._window
        if window.record is not record:
            return  # another database was opened meanwhile
        window.agencies = list(choices.agencies)
        window.filter_panel.set_choices(choices)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        log.error("could not read the filter choices", exc_info=exc)

    def _loaded(self, record: Record, loaded: _Loaded) -> None:
        self._loading = False
        window = self._window
        if window.record is not record:
            return  # another database was opened meanwhile
        window.agencies = list(loaded.choices.agencies)
        self._apply_profile(loaded.profile)
        state = None
        if not self._restored_filters:
            self._restored_filters = True
            if self._remember:
                state = window.filter_panel.parse_state(window_state.saved_filters())
        window.filter_panel.set_choices(loaded.choices, state)
        window.overview.set_agencies(window.agencies, loaded.profile.agency)
        if window.tabs.currentWidget() is window.overview:
            self.load_overview()
        if not loaded.profile.is_set and self._ask_profile:
            self.edit_profile(first_run=True)

    def _apply_profile(self, profile: Profile) -> None:
        window = self._window
        window.profile = profile
        names = {a.code: a for a in window.agencies}
        if profile.is_coordinator:
            text = _T(_C, "Coordinator: {0}").format(profile.officer_name)
        elif profile.is_set:
            agency = names.get(profile.agency)
            where = f"{agency_name(agency.name_en, agency.name_mi)} ({agency.code})" if agency \
                else profile.agency
            text = _T(_C, "{0} · officer of {1}").format(profile.officer_name, where)
        else:
            text = _T(_C, "Role not chosen")
        window.profile_label.setText(text)
        window.exchange.set_coordinator(profile.is_coordinator)
        window.filter_panel.set_own_agency(profile.agency if not profile.is_coordinator
                                           else "", self._mine_choice())
        if self._actions is not None:
            self._actions.coordinator_menu.menuAction().setVisible(profile.is_coordinator)
            for action in coordinator_actions(self._actions):
                action.setEnabled(profile.is_coordinator)

    # -- "Mine only", per database --------------------------------------------------------

    def _database_key(self) -> str:
        path = self._window.database_path
        return locations.safe_text(path) if path is not None else ""

    def _choices(self) -> dict[str, bool]:
        if self._mine_choices is None:
            self._mine_choices = {}
            if self._remember:
                text = str(window_state.settings().value(MINE_ONLY, "") or "")
                try:
                    found = json.loads(text) if text else {}
                except ValueError:
                    log.warning("ignoring unreadable %s", MINE_ONLY)
                    found = {}
                if isinstance(found, dict):
                    self._mine_choices = {str(k): bool(v) for k, v in found.items()}
        return self._mine_choices

    def _mine_choice(self) -> bool:
        """Whether an officer sees only their agency's recommendations in this database: on
        unless they turned it off here."""
        return self._choices().get(self._database_key(), True)

    def _mine_chosen(self, on: bool) -> None:
        key = self._database_key()
        if not key:
            return
        choices = self._choices()
        choices.pop(key, None)
        choices[key] = on  # the most recent last
        while len(choices) > MINE_ONLY_LIMIT:
            choices.pop(next(iter(choices)))
        if self._remember:
            store = window_state.settings()
            store.setValue(MINE_ONLY, json.dumps(choices, ensure_ascii=False))
            store.sync()

    # -- your role and name -------------------------------------------------------------

    def edit_profile(self, first_run: bool = False) -> ProfileDialog | None:
        window = self._window
        record = window.record
        if record is None or self.profile_dialog is not None:
            return self.profile_dialog
        dialog = ProfileDialog(window.agencies, window.profile, window, first_run=first_run)
        self.profile_dialog = dialog

        def finished(result: int) -> None:
            self.profile_dialog = None
            dialog.deleteLater()
            if dialog.demo_requested:
                window.open_demo()
                return
            if result != QDialog.DialogCode.Accepted:
                return
            chosen = dialog.profile()
            window.runner.run(lambda: workspace.save_profile(record, chosen),
                              self._profile_saved, lambda exc: window.show_error(
                                  _T(_C, "Your role could not be saved: {0}").format(exc)))
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _profile_saved(self, profile: Profile) -> None:
        self._apply_profile(profile)
        self._window.overview.set_agencies(self._window.agencies, profile.agency)
        self._window.statusBar().showMessage(_T(_C, "Saved your role and name."), 5000)

    # -- recent files -------------------------------------------------------------------

    def _fill_recent(self) -> None:
        assert self._actions is not None
        menu = self._actions.recent_menu
        menu.clear()
        recent = [p for p in window_state.recent_databases()
                  if locations.is_server(locations.parse(p)) or Path(p).is_file()]
        for number, path in enumerate(recent, start=1):
            name = locations.label(locations.parse(path))
            text = f"&{number} {name}" if number < 10 else name
            action = menu.addAction(text)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self._window.open_database(p))
        if not recent:
            none = menu.addAction(_T(_C, "No recent databases"))
            none.setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction(_T(_C, "&Clear Menu"), window_state.clear_recent_databases)

    # -- overview -----------------------------------------------------------------------

    def tab_changed(self, _index: int) -> None:
        if self._window.tabs.currentWidget() is self._window.overview:
            self.load_overview()

    def load_overview(self) -> None:
        window = self._window
        record = window.record
        if record is None or window.tabs.currentWidget() is not window.overview:
            return
        agency, months = window.overview.chosen_agency(), window.overview.months.value()
        window.runner.run(lambda: overview.overview(record, agency, months),
                          window.overview.show_overview, key="overview")
