"""File → Publish Public Site… (coordinators, on the central record): the dialog that writes
the static public monitor (ui/publish/dialog.py)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from nmrf_desktop.services.indicator_views import is_central
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.publish.dialog import PublishDialog
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Publish"


def tip() -> str:
    return _T(_C, "Write the public monitor website (pages, search, open data) from the "
                  "public part of the record, into a folder any web server can host")


def laptop_reason() -> str:
    return _T(_C, "Only the coordinator publishes the public site, from the central record: "
                  "this database is a laptop copy, holding only its agency's part.")


class PublishHub(Hub):
    """The Publish Public Site command: coordinators only, and not on a laptop copy."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.setObjectName("publishHub")
        self.dialog: PublishDialog | None = None
        self.central: bool | None = None  # the open record is the central one (None: unknown)
        self.action = self.add_command(_T(_C, "Publis&h Public Site…"), self.open_dialog,
                                       "Ctrl+Shift+H", tip())
        self.action.setObjectName("publishSiteAction")
        self._add_to_file_menu(self.action)
        self.for_role(True, actions=(self.action,))
        window.databaseOpened.connect(lambda _path: self.opened())
        self.follow_coordinator_menu()
        self.set_coordinator(window.profile.is_coordinator)

    def _add_to_file_menu(self, action: QAction) -> None:
        """Before "Your Role and Name…", after the report and export commands."""
        anchor = self._window.window_actions.profile
        for top in self._window.menuBar().actions():
            menu = top.menu()
            if isinstance(menu, QMenu) and anchor in menu.actions():
                menu.insertAction(anchor, action)
                menu.insertSeparator(anchor)
                return
        log.warning("no File menu found for Publish Public Site…")

    # -- state ----------------------------------------------------------------------------

    def opened(self) -> None:
        """A database was opened: ask whether it is the central record."""
        self._follow_profile()
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.close()
        self.central = None
        self._check_central()

    def set_coordinator(self, coordinator: bool) -> None:
        super().set_coordinator(coordinator)
        self._show_availability()
        if coordinator and self._window.record is not None:
            self._check_central()  # the role is part of what makes a laptop

    def _check_central(self) -> None:
        record = self._window.record
        if record is None or self._window.runner.closed:
            return
        self._window.runner.run(lambda: is_central(record), guarded(self._central_known),
                                guarded(self._check_failed))

    def _central_known(self, central: bool) -> None:
        self.central = central
        self._show_availability()

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("could not tell whether this is the central record: %s", exc)

    def _show_availability(self) -> None:
        can = self._coordinator and self.central is not False
        self.action.setEnabled(can)
        self.action.setStatusTip(tip() if can or not self._coordinator else laptop_reason())
        self.action.setToolTip(self.action.statusTip())

    # -- the dialog -----------------------------------------------------------------------

    def open_dialog(self) -> PublishDialog | None:
        """The dialog (one at a time), for a coordinator on the central record."""
        window, record = self._window, self._window.record
        if not self._coordinator:
            return None
        if record is None:
            window.show_error(_T(_C, "Open a database first."))
            return None
        if self.central is False:
            window.statusBar().showMessage(laptop_reason(), 8000)
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = PublishDialog(window.runner, record, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog
