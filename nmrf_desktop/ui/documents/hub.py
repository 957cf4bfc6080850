"""File → Import UN Document…: choose a file, read it in the background (Cancel leaves
everything as it was), review it, and apply it as one write."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.services.documents import apply as applying
from nmrf_desktop.services.documents.apply import ApplyResult
from nmrf_desktop.services.documents.plan import DocumentPlan, DocumentRefused, plan
from nmrf_desktop.services.documents.preview import preview
from nmrf_desktop.ui.documents.review_dialog import ReviewDialog
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Documents"

# What applying a document may change: recommendations, and the reporting calendar.
APPLIED = Changed.RECOMMENDATIONS | Changed.CALENDAR


class DocumentsHub(Hub):
    """The Import UN Document command, its progress, the review screen and the write."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.setObjectName("documentsHub")
        self.import_action = self.add_command(
            _T(_C, "Import UN &Document…"), self.choose_file, "Ctrl+Shift+U",
            _T(_C, "Read the recommendations of a UPR matrix, Working Group report or "
                   "concluding observations, review them, and add them"))
        self.import_action.setObjectName("importDocumentAction")
        self._add_to_file_menu()
        self.for_role(True, actions=(self.import_action,))
        self.follow_coordinator_menu()
        self.progress: QProgressDialog | None = None
        self.review: ReviewDialog | None = None
        self._reading: object | None = None  # the read in flight; None once cancelled

    def _add_to_file_menu(self) -> None:
        demo = self._window.window_actions.open_demo
        for top in self._window.menuBar().actions():
            menu = top.menu()
            if isinstance(menu, QMenu) and demo in menu.actions():
                actions = menu.actions()
                after = actions[actions.index(demo) + 1] if demo is not actions[-1] else None
                menu.insertAction(after, self.import_action)  # type: ignore[arg-type]
                return
        log.warning("no File menu found for Import UN Document…")

    # -- reading -----------------------------------------------------------------------

    def choose_file(self) -> None:
        if self._window.record is None:
            self._window.show_error(_T(_C, "Open a database first."))
            return
        name, _filter = QFileDialog.getOpenFileName(
            self._window, _T(_C, "Import UN Document"), "",
            _T(_C, "UN documents (*.docx *.pdf);;All files (*)"))
        if name:
            self.read(Path(name))

    def read(self, path: Path) -> None:
        """Read and plan `path` on the worker, with a progress dialog whose Cancel drops it."""
        record = self._window.record
        if record is None:
            return
        token = object()
        self._reading = token
        dialog = QProgressDialog(_T(_C, "Reading {0}…").format(path.name), _T(_C, "Cancel"),
                                 0, 0, self._window)
        dialog.setObjectName("documentProgress")
        dialog.setWindowTitle(_T(_C, "Import UN Document"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        self._window.runner.run(lambda: preview(record, path),
                                lambda planned: self._read(token, planned),
                                lambda exc: self._failed(token, path, exc))

    def cancel(self) -> None:
        """Stop waiting for the read: its result is dropped when it comes; nothing written."""
        self._reading = None
        self._end_progress()
        self._window.statusBar().showMessage(
            _T(_C, "Reading the document was cancelled; nothing changed."), 8000)

    def _end_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _read(self, token: object, planned: DocumentPlan) -> None:
        if token is not self._reading:
            return
        self._reading = None
        self._end_progress()
        if not planned.preview.recommendations:
            self._window.show_error(_T(_C, "{0}: no recommendations were found in it.")
                                    .format(Path(planned.preview.file).name))
            return
        self.show_review(planned)

    def _failed(self, token: object, path: Path, exc: BaseException) -> None:
        if token is not self._reading:
            return
        self._reading = None
        self._end_progress()
        if isinstance(exc, (NotADocument, DocumentRefused, OSError)):
            self._window.show_error(str(exc))
            return
        log.error("reading %s failed", path, exc_info=exc)
        self._window.show_error(_T(_C, "{0} could not be read.\n\n{1}").format(path.name, exc))

    # -- review and apply --------------------------------------------------------------

    def show_review(self, planned: DocumentPlan) -> ReviewDialog:
        dialog = ReviewDialog(planned, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applyRequested.connect(lambda: self._apply(dialog))
        dialog.edited.connect(lambda: self._replan(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "review", None))
        self.review = dialog
        dialog.open()
        return dialog

    def _replan(self, dialog: ReviewDialog) -> None:
        record, model = self._window.record, dialog.model
        if record is None:
            return
        excluded, edits, read_ = model.excluded(), model.edits(), model.plan.preview
        self._window.runner.run(
            lambda: plan(record, read_, excluded=excluded, edits=edits).planned,
            model.set_planned, key="document-plan")

    def _apply(self, dialog: ReviewDialog) -> None:
        record = self._window.record
        if record is None:
            return
        model = dialog.model
        excluded, edits, read_ = model.excluded(), model.edits(), model.plan.preview
        dialog.accept()
        self._window.run_write(
            lambda: applying.apply(record, read_, excluded=excluded, edits=edits),
            applied_message, APPLIED)


def applied_message(result: ApplyResult) -> str:
    """The status bar's line after an apply."""
    name = Path(result.file).name
    if result.nothing_changed:
        return _T(_C, "{0} was applied already: nothing changed.").format(name)
    made, filled = len(result.created), len(result.filled)
    return " ".join([
        f"{name}:", counted(_T(_C, "%n recommendation(s) added,", "", made), made),
        counted(_T(_C, "%n filled in,", "", filled), filled),
        counted(_T(_C, "%n calendar deadline(s).", "", len(result.calendar)),
                len(result.calendar))])
