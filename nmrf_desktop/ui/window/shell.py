"""What a hub may ask of the main window: the small interface the wings are written against.

A hub (exchange, reports, backup, overlap, dashboard, recording work, assigning) adds its
commands, tabs and dialogs to the window and answers its signals through this interface,
never through the window's widgets. `MainWindow` implements it; a hub imports this module,
not the window's, so no wing depends on how the window is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.locations import Location
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.browsing.detail_pane import DetailPane
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.menus import WindowActions


class Shell(QMainWindow):
    """The main window as its hubs see it (MainWindow implements every method)."""

    # The path of the database now shown, once it is open.
    databaseOpened = Signal(str)
    # A database could not be opened: the message shown to the user.
    openFailed = Signal(str)
    # A write touched these kinds of record (a Changed): views refresh for what they show.
    changed = Signal(object)

    # Who is working, and where hubs put their commands and pages.
    profile: Profile
    agencies: list[AgencyChoice]
    window_actions: WindowActions
    tabs: QTabWidget
    detail: DetailPane

    # -- what is open ----------------------------------------------------------------------

    @property
    def runner(self) -> TaskRunner:
        raise NotImplementedError

    @property
    def record(self) -> Record | None:
        raise NotImplementedError

    @property
    def database_path(self) -> Location | None:
        """The open record's file, or its server URL (text); None before one is open."""
        raise NotImplementedError

    def open_database(self, path: Location) -> None:
        raise NotImplementedError

    def choose_database(self) -> None:
        raise NotImplementedError

    # -- what the user is looking at ------------------------------------------------------

    def file_menu(self) -> QMenu:
        """The File menu (it holds "Your Role and Name…")."""
        raise NotImplementedError

    def selected_ids(self) -> list[str]:
        raise NotImplementedError

    def current_filters(self) -> Filters:
        """The filters and search text that the list shows now."""
        raise NotImplementedError

    def shown_filters(self) -> Filters:
        """The filters of the list shown now (the search typed last may still be pending)."""
        raise NotImplementedError

    def shown_count(self) -> int:
        """How many recommendations the list shows now."""
        raise NotImplementedError

    def open_recommendation(self, rec_id: str) -> None:
        raise NotImplementedError

    def reload_detail(self) -> None:
        raise NotImplementedError

    def show_list(self) -> None:
        raise NotImplementedError

    def show_filtered_list(self, agency: str, body: str, status: str) -> None:
        """The list, filtered to one agency and (when given) one body and one status."""
        raise NotImplementedError

    def show_stale(self, agency: str, months: int) -> None:
        """The overview's items with no update in `months`, for one agency (or all: "")."""
        raise NotImplementedError

    # -- writing, undo, errors -------------------------------------------------------------

    @property
    def undo_stack(self) -> QUndoStack:
        raise NotImplementedError

    @property
    def evidence_limit(self) -> int | None:
        """The evidence size cap for dialogs (None: the setting in force)."""
        raise NotImplementedError

    def run_write(self, job: Callable[[], Any], done_message: Callable[[Any], str],
                  changes: Changed) -> None:
        raise NotImplementedError

    def did_change(self, changes: Changed) -> None:
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        raise NotImplementedError
