"""File → Import Recommendations… (coordinators): UPR Info, Human Rights Index and template
files imported from the window, then the result, and the views refreshed."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.services.import_batch import FileOutcome
from nmrf_desktop.services.workbook.importing import WorkbookReport
from nmrf_desktop.ui.importing.dialog import ImportDialog
from nmrf_desktop.ui.importing.results import ImportResultDialog
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Importing"


class ImportHub(Hub):
    """The Import Recommendations command, its dialog, and the result."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.setObjectName("importHub")
        self.dialog: ImportDialog | None = None
        self.result: ImportResultDialog | None = None
        self.import_action = self.add_command(
            _T(_C, "Import &Recommendations…"), self.open_dialog, "Ctrl+I",
            _T(_C, "Import UPR Info exports, the Human Rights Index's Excel export or the "
                   "app's Excel template"))
        self.import_action.setObjectName("importRecommendationsAction")
        self._add_to_file_menu(self.import_action)
        self.for_role(True, actions=(self.import_action,))
        self.follow_coordinator_menu()
        self.set_coordinator(window.profile.is_coordinator)

    def _add_to_file_menu(self, action: QAction) -> None:
        """After Open Demo Database, with a line before the import commands."""
        menu = self._window.file_menu()
        actions = menu.actions()
        demo = self._window.window_actions.open_demo
        after = actions[actions.index(demo) + 1] if demo in actions[:-1] else None
        menu.insertAction(after, action)  # type: ignore[arg-type]
        menu.insertSeparator(action)

    def open_dialog(self) -> ImportDialog | None:
        window, record = self._window, self._window.record
        if not self._coordinator:
            return None
        if record is None:
            window.show_error(_T(_C, "Open a database first."))
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = ImportDialog(window.runner, record, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._imported)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, outcomes: list[FileOutcome]) -> None:
        changed = Changed.NOTHING
        for o in outcomes:
            if o.changed:
                changed |= Changed.RECOMMENDATIONS
            if isinstance(o.report, WorkbookReport) and o.report.progress_added:
                changed |= Changed.PROGRESS
        if changed:
            self._window.did_change(changed)
        done, n = sum(1 for o in outcomes if o.report is not None), len(outcomes)
        self._window.statusBar().showMessage(counted(
            _T(_C, "Import done: {0} of %n file(s) imported.", "", n), n).format(done), 8000)
        result = ImportResultDialog(outcomes, self._window)
        result.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        result.destroyed.connect(lambda _obj=None: setattr(self, "result", None))
        self.result = result
        result.open()
