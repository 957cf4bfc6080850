"""File → Print / Export PDF… and Export Excel…: the current filters and selection as a PDF
progress report or the progress workbook (the dialog is in ui/reports/dialog.py)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from nmrf_desktop.ui.reports.dialog import PDF, XLSX, ReportDialog
from nmrf_desktop.ui.reports.draft_command import DraftCommand
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Reports"

__all__ = ["PDF", "XLSX", "ReportDialog", "ReportsHub"]


class ReportsHub(Hub):
    """Adds the report commands to the window's File menu and opens their dialogs."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.dialog: ReportDialog | None = None
        self.pdf_action = self._add(_T(_C, "&Print / Export PDF…"), PDF, "Ctrl+P",
                                    _T(_C, "A PDF progress report of the recommendations "
                                           "shown"))
        self.excel_action = self._add(_T(_C, "Export E&xcel…"), XLSX, "Ctrl+Shift+X",
                                      _T(_C, "A workbook of the recommendations shown, with "
                                             "their assignments, actions, progress and "
                                             "evidence; edit it and import it back"))
        self.draft = DraftCommand(window, after=self.excel_action)  # Draft a Report…

    def _add(self, text: str, fmt: str, shortcut: str, tip: str) -> QAction:
        window = self._window
        action = self.add_command(text, lambda: self.open_dialog(fmt), shortcut, tip)
        anchor = window.window_actions.profile
        menu = next(m for m in (a.menu() for a in window.menuBar().actions())
                    if isinstance(m, QMenu) and anchor in m.actions())
        menu.insertAction(anchor, action)
        if fmt == XLSX:
            menu.insertSeparator(anchor)
        return action

    def open_dialog(self, fmt: str) -> ReportDialog | None:
        window = self._window
        record = window.record
        if record is None:
            window.show_error(_T(_C, "Open a database first."))
            return None
        filters = window.current_filters()
        own = "" if window.profile.is_coordinator else window.profile.agency
        dialog = ReportDialog(window.runner, record, fmt, filters, window.selected_ids(),
                              own, window, agencies=window.agencies)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog
