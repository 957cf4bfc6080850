"""File → Print / Export PDF… and Export Excel…: the current filters and selection as a PDF
progress report or the progress workbook, written on the worker, then opened."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDate,
    QStandardPaths,
    Qt,
    QUrl,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportError, ReportRequest, check_output_file
from nmrf_desktop.services.workbook.exporting import export_workbook
from nmrf_desktop.ui.exchange.common import (
    JobProgress,
    MessageStrip,
    ProgressPoller,
    busy_bar,
    guarded,
)
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Reports"
PDF, XLSX = "pdf", "xlsx"


# The report titles (reports.model.KIND_TITLES), for lupdate: shown through tr().
_KIND_TITLES = (
    QT_TRANSLATE_NOOP("ReportDialog", "Agency progress summary"),
    QT_TRANSLATE_NOOP("ReportDialog", "Progress by body and cycle"),
    QT_TRANSLATE_NOOP("ReportDialog", "Progress by theme and affected group"),
    QT_TRANSLATE_NOOP("ReportDialog", "Te Tiriti o Waitangi lens"),
    QT_TRANSLATE_NOOP("ReportDialog", "Annual report to Ministers"),
    QT_TRANSLATE_NOOP("ReportDialog", "Thematic list of recommendations"),
    QT_TRANSLATE_NOOP("ReportDialog", "Overlapping recommendations by cluster"),
)


def open_file(path: Path) -> bool:
    """Show a written report in the system's viewer (replaced in tests)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def explain(exc: BaseException) -> str:
    """A failed report in plain words; unexpected errors are logged in full."""
    if isinstance(exc, ReportError):
        return _T(_C, "The report was not made: {0}.").format(str(exc).rstrip("."))
    if isinstance(exc, OSError):
        return _T(_C, "The file could not be written: {0}. Choose another folder.").format(
            exc.strerror or exc)
    log.error("report failed", exc_info=exc)
    return _T(_C, "Something went wrong and no file was written: {0}").format(
        str(exc) or type(exc).__name__)


class ReportDialog(QDialog):
    """What to make (PDF: kind, period, orientation; Excel: selection only) and where."""

    def __init__(self, runner: TaskRunner, record: Record, fmt: str, filters: Filters,
                 selected: list[str], own_agency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record, self.fmt = runner, record, fmt
        self.filters, self.selected, self.own_agency = filters, selected, own_agency
        self._progress: JobProgress | None = None
        self.written: Path | None = None
        self.setObjectName("pdfReportDialog" if fmt == PDF else "excelExportDialog")
        self.setProperty("help_topic", "print-pdf")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Print / Export PDF") if fmt == PDF
                            else self.tr("Export Excel Workbook"))
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.kind = QComboBox(self)
        for kind in ReportKind:
            self.kind.addItem(self.tr(KIND_TITLES[kind]), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(
            ReportKind.AGENCY.value if self.own_agency or self.filters.agency
            else ReportKind.BODY.value))
        self.start, self.end = QDateEdit(self), QDateEdit(self)
        today = QDate.currentDate()
        for edit, date in ((self.start, today.addYears(-1).addDays(1)), (self.end, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(date)
        period = QHBoxLayout()
        period_to = QLabel(self.tr("to"), self)
        period.addWidget(self.start)
        period.addWidget(period_to)
        period.addWidget(self.end)
        self.portrait = QRadioButton(self.tr("&Portrait"), self)
        self.landscape = QRadioButton(self.tr("&Landscape"), self)
        self.portrait.setChecked(True)
        paper = QHBoxLayout()
        paper.addWidget(self.portrait)
        paper.addWidget(self.landscape)
        paper.addStretch(1)
        self.selection_only = QCheckBox(self.tr("Only the {0} selected recommendations").format(
            len(self.selected)), self)
        self.selection_only.setChecked(len(self.selected) > 1)
        self.selection_only.setEnabled(bool(self.selected))
        suffix = ".pdf" if self.fmt == PDF else ".xlsx"
        self.out = PathField(PathMode.SAVE, self.tr("File to write"),
                             self.tr("PDF documents (*.pdf)") if self.fmt == PDF
                             else self.tr("Excel workbooks (*.xlsx)"), self)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.out.set_path(Path(documents) / f"nmrf-{dt.date.today().isoformat()}{suffix}")
        if self.fmt == PDF:
            form.addRow(self.tr("&Report:"), self.kind)
            form.addRow(self.tr("Period:"), period)
            form.addRow(self.tr("Paper:"), paper)
            self.selection_only.hide()
        else:
            form.addRow(self.tr("Scope:"), self.selection_only)
            for widget in (self.kind, self.start, self.end, self.portrait, self.landscape,
                           period_to):
                widget.hide()
        form.addRow(self.tr("&Save as:"), self.out)
        self.scope = QLabel(self.tr("From the recommendations matching the current filters."),
                            self)
        self.scope.setWordWrap(True)
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self._poller = ProgressPoller(self.progress)
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(self.tr("&Create PDF") if self.fmt == PDF
                                         else self.tr("&Export"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.go.setDefault(True)
        self.go.clicked.connect(self.start_job)
        self.close_button.clicked.connect(self.reject)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)
        self._kind_changed()

    def _kind_changed(self) -> None:
        annual = self.kind.currentData() == ReportKind.ANNUAL.value
        self.start.setEnabled(annual)
        self.end.setEnabled(annual)

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def request(self) -> ReportRequest:
        """The PDF report asked for, with the window's filters."""
        kind = ReportKind(self.kind.currentData())
        annual = kind is ReportKind.ANNUAL
        return ReportRequest(kind, self.filters,
                             self.start.date().toPython() if annual else None,  # type: ignore[arg-type]
                             self.end.date().toPython() if annual else None,  # type: ignore[arg-type]
                             self.landscape.isChecked())

    def job(self, out: Path, progress: JobProgress) -> Callable[[], object]:
        record = self._record
        if self.fmt == PDF:
            request = self.request()
            return lambda: build_pdf(record, request, out, progress)
        filters = self.filters
        ids = list(self.selected) if self.selection_only.isChecked() else None

        def export() -> object:
            check_output_file(out)
            return export_workbook(record, filters, out, progress, ids)
        return export

    def start_job(self) -> None:
        out = self.out.path()
        if out is None or self.busy:
            return
        if out.suffix.lower() != f".{self.fmt}":
            out = out.with_name(f"{out.name}.{self.fmt}")
        progress = JobProgress()
        self._progress = progress
        self._poller.watch(progress, 0)
        self.message.show_message("info", self.tr("Writing {0}…").format(out.name))
        self.go.setEnabled(False)
        self.close_button.setText(self.tr("Cancel"))
        self._runner.run(self.job(out, progress), guarded(self._done, out),
                         guarded(self._failed, out))

    def _finish(self) -> None:
        self._progress = None
        self._poller.stop()
        self.close_button.setEnabled(True)

    def _done(self, out: Path, _result: object) -> None:
        self._finish()
        self.written = out
        log.info("wrote %s", out)
        self.message.show_message("success", self.tr("Wrote {0}.").format(out))
        self.close_button.setText(self.tr("Close"))
        self.go.hide()
        open_file(out)

    def _failed(self, out: Path, exc: BaseException) -> None:
        self._finish()
        self.go.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.message.show_message("warning", self.tr("Cancelled: no file was written."))
        else:
            self.message.show_message("error", explain(exc))

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
        dialog = ReportDialog(window.runner, record, fmt, filters, window.selected_ids(),
                              window.profile.agency, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog
