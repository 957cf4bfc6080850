"""File → Draft a Report…: the menu command, beside Print / Export PDF… and Export Excel…,
that opens the drafting dialog (ui/reports/draft_dialog.py) for coordinators and officers."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from nmrf_desktop.ui.reports.draft_dialog import DraftDialog
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Reports"
SHORTCUT = "Ctrl+Shift+J"  # free in both roles (tests/gui/test_shortcuts.py checks)


class DraftCommand(QObject):
    """The Draft a Report… action, placed right after `after` in its menu."""

    def __init__(self, window: Shell, after: QAction) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: DraftDialog | None = None
        action = QAction(_T(_C, "Dra&ft a Report…"), window)
        action.setObjectName("draftReportAction")
        action.setShortcut(QKeySequence(SHORTCUT))
        tip = _T(_C, "An editable Word draft of a follow-up, UPR mid-term, periodic or "
                     "consultation report, written from the record")
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: self.open_dialog())
        window.addAction(action)  # the shortcut works even when the menu bar is hidden
        self.action = action
        menu = next(m for m in (a.menu() for a in window.menuBar().actions())
                    if isinstance(m, QMenu) and after in m.actions())
        following = menu.actions()
        index = following.index(after) + 1
        if index < len(following):
            menu.insertAction(following[index], action)
        else:
            menu.addAction(action)

    def open_dialog(self) -> DraftDialog | None:
        window = self._window
        record = window.record
        if record is None:
            window.show_error(_T(_C, "Open a database first."))
            return None
        if self.dialog is not None:
            self.dialog.activateWindow()
            return self.dialog
        own = "" if window.profile.is_coordinator else window.profile.agency
        dialog = DraftDialog(window.runner, record, window.current_filters(), own, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog
