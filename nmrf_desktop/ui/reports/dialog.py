"""The Print / Export PDF… and Export Excel… dialog: what to make, for which agency and
where, checked before the work starts, written on the worker, then opened."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDate,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.files import free_name
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind
from nmrf_desktop.services.facets import AgencyChoice
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
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Reports"
PDF, XLSX = "pdf", "xlsx"
# Fields a service refusal (ReportError.field) is shown beside.
_FIELDS = ("agency", "out")


# The report titles (reports.model.KIND_TITLES), for lupdate: shown through tr().
_KIND_TITLES = (
    QT_TRANSLATE_NOOP("ReportDialog", "Agency progress summary"),
    QT_TRANSLATE_NOOP("ReportDialog", "Progress by body and cycle"),
    QT_TRANSLATE_NOOP("ReportDialog", "Progress by theme and affected group"),
    QT_TRANSLATE_NOOP("ReportDialog", "Te Tiriti o Waitangi lens"),
    QT_TRANSLATE_NOOP("ReportDialog", "Annual report to Ministers"),
    QT_TRANSLATE_NOOP("ReportDialog", "Thematic list of recommendations"),
    QT_TRANSLATE_NOOP("ReportDialog", "Overlapping recommendations by cluster"),
    QT_TRANSLATE_NOOP("ReportDialog", "Indicators linked to recommendations"),
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
    """What to make (PDF: kind, agency, period, orientation; Excel: selection only), where."""

    def __init__(self, runner: TaskRunner, record: Record, fmt: str, filters: Filters,
                 selected: list[str], own_agency: str, parent: QWidget | None = None, *,
                 agencies: Sequence[AgencyChoice] = ()) -> None:
        super().__init__(parent)
        self._runner, self._record, self.fmt = runner, record, fmt
        self.filters, self.selected, self.own_agency = filters, selected, own_agency
        self._agencies = tuple(agencies)
        self._progress: JobProgress | None = None
        self._confirmed: Path | None = None  # a file the user agreed to replace
        self._before_browse = ""
        self.confirm_box: QMessageBox | None = None
        self.written: Path | None = None
        self.default_folder = documents_location()  # made when a report is written
        self.setObjectName("pdfReportDialog" if fmt == PDF else "excelExportDialog")
        self.setProperty("help_topic", "print-pdf")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Print / Export PDF") if fmt == PDF
                            else self.tr("Export Excel Workbook"))
        self._build()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.kind = QComboBox(self)
        self.kind.setObjectName("reportKind")
        self.kind.setAccessibleName(self.tr("Report"))
        for kind in ReportKind:
            self.kind.addItem(self.tr(KIND_TITLES[kind]), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(
            ReportKind.AGENCY.value if self.own_agency or self.filters.agency
            else ReportKind.BODY.value))
        self.agency = self._agency_picker()
        for combo in (self.kind, self.agency):  # as wide as the file name below them
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start, self.end = QDateEdit(self), QDateEdit(self)
        today = QDate.currentDate()
        for edit, date, name in ((self.start, today.addYears(-1).addDays(1), self.tr("From")),
                                 (self.end, today, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(date)
            edit.setAccessibleName(name)
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
        count = len(self.selected)
        self.selection_only = QCheckBox(
            self.tr("Only the %n selected recommendation(s)", "", count) if count
            else self.tr("Only the selected recommendations (none is selected)"), self)
        self.selection_only.setChecked(len(self.selected) > 1)
        self.selection_only.setEnabled(bool(self.selected))
        suffix = f".{self.fmt}"
        self.out = PathField(PathMode.SAVE, self.tr("File to write"),
                             self.tr("PDF documents (*.pdf)") if self.fmt == PDF
                             else self.tr("Excel workbooks (*.xlsx)"), self)
        self.out.setObjectName("reportFile")
        self.out.set_path(free_name(self.default_folder,
                                    f"nmrf-{dt.date.today().isoformat()}", suffix))
        self.out.button.pressed.connect(self._browsing)
        self.out.button.clicked.connect(self._browsed)
        self.errors = FieldErrors(error_label(self, "general"))
        agency_error, out_error = error_label(self, "agency"), error_label(self, "out")
        self.errors.add("agency", agency_error, self.agency)
        self.errors.add("out", out_error, self.out)
        self.agency_cell = with_error(self.agency, agency_error)
        out_cell = with_error(self.out, out_error)
        for cell in (self.agency_cell, out_cell):  # no room kept for a hidden error
            cell.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        agency_label = QLabel(self.tr("A&gency:"), self)
        agency_label.setBuddy(self.agency)
        if self.fmt == PDF:
            form.addRow(self.tr("&Report:"), self.kind)
            form.addRow(agency_label, self.agency_cell)
            form.addRow(self.tr("Period:"), period)
            form.addRow(self.tr("Paper:"), paper)
            self.selection_only.hide()
        else:
            form.addRow(self.tr("Scope:"), self.selection_only)
            for widget in (self.kind, self.agency, agency_label, self.agency_cell, self.start,
                           self.end, self.portrait, self.landscape, period_to):
                widget.hide()
        form.addRow(self.tr("&Save as:"), out_cell)
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
        self.agency.currentIndexChanged.connect(lambda _i: self.errors.clear())
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self._kind_changed()

    def _agency_picker(self) -> QComboBox:
        """The agency an agency summary is for: the filter's, else the officer's."""
        picker = QComboBox(self)
        picker.setObjectName("reportAgency")
        picker.setAccessibleName(self.tr("Agency the summary is for"))
        picker.addItem(self.tr("Choose an agency…"), "")
        for agency in self._agencies:
            picker.addItem(agency.display(), agency.code)
        picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        picker.setMinimumContentsLength(24)
        for wanted in (self.filters.agency, self.own_agency):
            found = picker.findData(wanted or "")
            if wanted and found > 0:
                picker.setCurrentIndex(found)
                break
        return picker

    def _kind_changed(self) -> None:
        annual = self.kind.currentData() == ReportKind.ANNUAL.value
        self.start.setEnabled(annual)
        self.end.setEnabled(annual)
        if self.fmt == PDF:
            self.form.setRowVisible(self.agency_cell, self.needs_agency())
        self.errors.clear()

    # -- what is asked for --------------------------------------------------------------

    def needs_agency(self) -> bool:
        return self.fmt == PDF and self.kind.currentData() == ReportKind.AGENCY.value

    def chosen_agency(self) -> str:
        return str(self.agency.currentData() or "")

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def request(self) -> ReportRequest:
        """The PDF report asked for: the window's filters, for the agency picked."""
        kind = ReportKind(self.kind.currentData())
        annual = kind is ReportKind.ANNUAL
        filters = replace(self.filters, agency=self.chosen_agency() or None) \
            if self.needs_agency() else self.filters
        return ReportRequest(kind, filters,
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

    # -- checking, then writing ---------------------------------------------------------

    def output(self) -> Path | None:
        """The file named, with its suffix; None while the field is empty."""
        out = self.out.path()
        if out is not None and out.suffix.lower() != f".{self.fmt}":
            out = out.with_name(f"{out.name}.{self.fmt}")
        return out

    def check(self) -> Path | None:
        """The file to write once every field is good (the default folder is made if it is
        missing); else None, with the problem shown beside its field."""
        self.errors.clear()
        if self.needs_agency() and not self.chosen_agency():
            self._problem("agency", self.tr("Choose the agency this summary is for."))
            return None
        out = self.output()
        if out is None:
            self._problem("out", self.tr("Name the file to write, or choose one with Browse…"))
            return None
        folder = out.parent
        if out.is_dir():
            self._problem("out", self.tr("{0} is a folder: add a file name.").format(out))
            return None
        if not folder.is_dir():
            if folder != self.default_folder:
                self._problem("out", self.tr(
                    "The folder {0} does not exist: choose one with Browse…").format(folder))
                return None
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self._problem("out", self.tr(
                    "The folder {0} could not be made ({1}): choose another with "
                    "Browse…").format(folder, exc.strerror or exc))
                return None
            log.info("made the folder %s for reports", folder)
        elif not os.access(folder, os.W_OK | os.X_OK):
            self._problem("out", self.tr(
                "You cannot write in the folder {0}: choose another with Browse…").format(
                    folder))
            return None
        return out

    def _problem(self, field: str, text: str) -> None:
        """Show what is wrong beside its field (focused), with room for all of it."""
        self.errors.show(field, text)
        QTimer.singleShot(0, self._make_room)

    def _make_room(self) -> None:
        """Grow to show every line of a wrapped message at this width."""
        layout = self.layout()
        if layout is None:
            return
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def start_job(self) -> None:
        if self.busy:
            return
        out = self.check()
        if out is None:
            return
        if out.exists() and out != self._confirmed:
            self._ask_to_replace(out)
            return
        self._run(out)

    def _ask_to_replace(self, out: Path) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          self.tr("{0} already exists. Replace it?").format(out.name),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("replaceReport")
        box.setInformativeText(self.tr("It is in {0}.").format(out.parent))
        replace_button = box.addButton(self.tr("&Replace"),
                                       QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box = box

        def answered(_result: int) -> None:
            self.confirm_box = None
            clicked: QAbstractButton | None = box.clickedButton()
            box.deleteLater()
            if clicked is replace_button:
                self._confirmed = out
                self._run(out)
        box.finished.connect(answered)
        box.open()

    def _browsing(self) -> None:
        self._before_browse = self.out.edit.text()

    def _browsed(self) -> None:
        """A file chosen in the Save As dialog was confirmed there if it exists."""
        if self.out.edit.text() != self._before_browse:
            self._confirmed = self.output()
            self.errors.clear()

    def _run(self, out: Path) -> None:
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
        QTimer.singleShot(0, self._make_room)
        open_file(out)

    def _failed(self, out: Path, exc: BaseException) -> None:
        self._finish()
        self.go.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.message.show_message("warning", self.tr("Cancelled: no file was written."))
        elif isinstance(exc, ReportError) and exc.field in _FIELDS and (
                exc.field != "agency" or self.needs_agency()):
            self.message.clear_message()
            self._problem(exc.field, explain(exc))
        else:
            self.message.show_message("error", explain(exc))
            QTimer.singleShot(0, self._make_room)

    # -- closing ------------------------------------------------------------------------

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
