"""Draft a Report…: choose the kind and scope, write the Word draft on the worker with
progress and Cancel, then say what it holds and open it in the word processor."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.files import free_name
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.drafting import DraftRequest, DraftResult, draft
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.request import ReportError
from nmrf_desktop.ui.exchange.common import (
    JobProgress,
    MessageStrip,
    ProgressPoller,
    busy_bar,
    guarded,
)
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.reports.draft_choices import DraftChoices, load_choices
from nmrf_desktop.ui.reports.draft_form import DraftForm
from nmrf_desktop.ui.reports.draft_outcome import ask_to_replace, done_text, explain, open_file
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
SUFFIX = ".docx"


class DraftDialog(QDialog):
    """What to draft and where; the work on the worker; the counts and Open when done."""

    def __init__(self, runner: TaskRunner, record: Record, filters: Filters,
                 own_agency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._progress: JobProgress | None = None
        self._confirmed: Path | None = None  # a file the user agreed to replace
        self._auto_name = ""  # the suggested file name, followed while the kind changes
        self.confirm_box: QMessageBox | None = None
        self.result_: DraftResult | None = None
        self.ready = False
        self.default_folder = documents_location()
        self.setObjectName("draftReportDialog")
        self.setProperty("help_topic", "draft-report")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Draft a Report"))
        self.intro = QLabel(self.tr(
            "An editable Word draft written from the record: each paragraph names its "
            "sources, and a recommendation with no progress gets a highlighted placeholder, "
            "never invented text."), self)
        self.intro.setWordWrap(True)
        self.form = DraftForm(own_agency, filters, self)
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self._poller = ProgressPoller(self.progress)
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(self.tr("&Draft"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button = self.buttons.addButton(self.tr("&Open"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.go.setDefault(True)
        self.go.setEnabled(False)  # until the record's bodies and paragraphs are read
        self.go.clicked.connect(self.start_job)
        self.open_button.clicked.connect(self.open_written)
        self.close_button.clicked.connect(self.reject)
        self.form.kind.currentIndexChanged.connect(self._suggest_name)
        self.form.out.edit.textEdited.connect(lambda _t: self.form.errors.clear())
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self._suggest_name()
        self.message.show_message("info", self.tr("Reading the record's treaty bodies…"))
        runner.run(lambda: load_choices(record), guarded(self._loaded),
                   guarded(self._load_failed))

    # -- the choices -----------------------------------------------------------------------

    def _loaded(self, choices: DraftChoices) -> None:
        self.form.set_choices(choices)
        self.ready = True
        self.message.clear_message()
        self.go.setEnabled(True)
        self.form.kind.setFocus()

    def _load_failed(self, exc: BaseException) -> None:
        log.error("could not read the draft choices", exc_info=exc)
        self.message.show_message("error", explain(exc))

    def _suggest_name(self) -> None:
        """nmrf-<kind>-<date>.docx in Documents, unless the user named another file."""
        current = self.form.out.edit.text()
        if current and current != self._auto_name:
            return
        kind = self.form.chosen_kind().value
        name = str(free_name(self.default_folder, f"nmrf-{kind}-{dt.date.today()}", SUFFIX))
        self._auto_name = name
        self.form.out.set_path(name)

    # -- checking, then writing ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def output(self) -> Path | None:
        out = self.form.out.path()
        if out is not None and out.suffix.lower() != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        return out

    def check(self) -> Path | None:
        """The file to write (its default folder made if missing); None with the problem
        shown beside the field. Every other check is the service's (DraftError.field)."""
        self.form.errors.clear()
        out = self.output()
        if out is None:
            self._problem("out", self.tr("Name the file to write, or choose one with Browse…"))
            return None
        if out.parent == self.default_folder and not out.parent.exists():
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self._problem("out", self.tr("The folder {0} could not be made ({1}): choose "
                                             "another with Browse…").format(
                                                 out.parent, exc.strerror or exc))
                return None
        return out

    def _problem(self, field: str, text: str) -> None:
        self.form.show_problem(field, text)
        QTimer.singleShot(0, self.adjustSize)

    def start_job(self) -> None:
        if self.busy or not self.ready:
            return
        out = self.check()
        if out is None:
            return
        if out.exists() and not out.is_dir() and out != self._confirmed:
            self._ask_to_replace(out)
            return
        self._run(out)

    def _ask_to_replace(self, out: Path) -> None:
        def replace() -> None:
            self._confirmed = out
            self._run(out)
        self.confirm_box = ask_to_replace(self, out, replace)
        self.confirm_box.finished.connect(lambda _r: setattr(self, "confirm_box", None))

    def job(self, out: Path, progress: JobProgress) -> Callable[[], DraftResult]:
        record, request = self._record, self.form.request()
        log.info("drafting %s into %s", request.kind, out)
        return lambda: draft(record, request, out, progress)

    def request(self) -> DraftRequest:
        return self.form.request()

    def _run(self, out: Path) -> None:
        progress = JobProgress()
        job = self.job(out, progress)  # read the fields before they are disabled
        self._progress = progress
        self._poller.watch(progress, 0)
        self.message.show_message("info", self.tr("Drafting {0}…").format(out.name))
        self.go.setEnabled(False)
        self.form.setEnabled(False)
        self.close_button.setText(self.tr("Cancel"))
        self._runner.run(job, guarded(self._done),
                         guarded(self._failed))

    def _finish(self) -> None:
        self._progress = None
        self._poller.stop()
        self.form.setEnabled(True)
        self.close_button.setEnabled(True)

    def _done(self, result: DraftResult) -> None:
        self._finish()
        self.result_ = result
        log.info("drafted %s: %d recommendations, %d gaps", result.path,
                 result.recommendations, result.gaps)
        text = done_text(result, self.form.chosen_kind() is DraftKind.CONSULTATION)
        self.message.show_message("success", text)
        self.close_button.setText(self.tr("Close"))
        self.go.hide()
        self.open_button.show()
        self.open_button.setDefault(True)
        self.open_button.setFocus()
        QTimer.singleShot(0, self.adjustSize)

    def open_written(self) -> None:
        if self.result_ is not None and not open_file(self.result_.path):
            self.message.show_message("warning", self.tr(
                "No word processor opened {0}: open it from its folder, {1}.").format(
                    self.result_.path.name, self.result_.path.parent))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.go.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.message.show_message("warning", self.tr("Cancelled: no file was written."))
        elif isinstance(exc, ReportError) and exc.field:
            self.message.clear_message()
            self._problem(exc.field, explain(exc))
        else:
            self.message.show_message("error", explain(exc))
            QTimer.singleShot(0, self.adjustSize)

    # -- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        if self._progress is not None:
            self._progress.cancel()  # the job stops at its next step and writes nothing
            self.close_button.setEnabled(False)
            self.message.show_message("info", self.tr("Cancelling…"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._progress is not None:
            self.reject()
            event.ignore()
        else:
            super().closeEvent(event)
