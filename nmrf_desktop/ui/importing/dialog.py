"""File → Import Recommendations…: the files chosen, the kind told from each (or chosen), the
options that matter, and the import run on the worker with progress and Cancel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop import policy
from nmrf_desktop.importers.sniff import Sniffed, sniff
from nmrf_desktop.services.import_batch import (
    STEPS_PER_FILE,
    FileOutcome,
    FileToImport,
    import_each,
)
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import JobProgress, MessageStrip, guarded
from nmrf_desktop.ui.importing.kinds import KINDS, encodings, kind_text
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

FILE, KIND = 0, 1


class ImportDialog(QDialog):
    """Which files to import, and how; `imported` carries one FileOutcome per file."""

    imported = Signal(object)  # list[FileOutcome]

    def __init__(self, runner: TaskRunner, record: Record,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._files: list[tuple[Path, Sniffed, str]] = []  # path, what was found, kind
        self._job: JobProgress | None = None
        self._sniffing = 0
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import Recommendations"))
        self.setProperty("help_topic", "import-un-data")  # F1 opens the guide there
        self._build()
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        self._update()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(self.tr(
            "Choose UPR Info exports (.xls, .xlsx or CSV), the Universal Human Rights Index's "
            "“Export to Excel”, or the app's own Excel template. Each file is imported whole "
            "or not at all; importing a file again updates its recommendations, never copies "
            "them."), self)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("importFiles")
        self.table.setAccessibleName(self.tr("Files to import"))
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Kind")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        files_caption = QLabel(self.tr("&Files:"), self)
        files_caption.setBuddy(self.table)

        self.add_button = QPushButton(self.tr("&Add Files…"), self)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table,
                  self.remove_selected, context=Qt.ShortcutContext.WidgetShortcut)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)

        self.kind = QComboBox(self)
        self.kind.setObjectName("importKind")
        self.kind.setAccessibleName(self.tr("Kind of the selected file"))
        for kind in KINDS:
            self.kind.addItem(kind_text(kind), kind)
        self.kind.activated.connect(self._kind_chosen)
        self.encoding = QComboBox(self)
        self.encoding.setObjectName("importEncoding")
        self.encoding.setAccessibleName(self.tr("Encoding of CSV files"))
        for label, codec in encodings():
            self.encoding.addItem(label, codec)
        self.skip_bad_rows = QCheckBox(self.tr(
            "Import the &good rows of a file with wrong rows, and list the wrong ones"), self)
        self.skip_bad_rows.setObjectName("importSkipBadRows")
        self.skip_bad_rows.setToolTip(self.tr(
            "Unticked, a file with any wrong row is not imported at all, and its wrong rows "
            "are listed so that they can be put right."))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        kind_caption = QLabel(self.tr("&Kind of the selected file:"), self)
        kind_caption.setBuddy(self.kind)
        form.addRow(kind_caption, self.kind)
        encoding_caption = QLabel(self.tr("CSV &encoding:"), self)
        encoding_caption.setBuddy(self.encoding)
        form.addRow(encoding_caption, self.encoding)
        form.addRow("", self.skip_bad_rows)

        self.message = MessageStrip(self)
        self.message.setObjectName("importMessage")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(files_caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(720, 460)

    # -- the files -----------------------------------------------------------------------

    def choose_files(self) -> None:
        start = str(policy.browse_folder(self._files[-1][0].parent if self._files
                                         else Path.home()))
        names, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Choose Files to Import"), start,
            self.tr("Data files (*.csv *.xls *.xlsx *.txt);;All files (*)"))
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Add these files (each once), their kinds told on the worker."""
        known = {p for p, _s, _k in self._files}
        new = [Path(p) for p in dict.fromkeys(paths) if Path(p) not in known]
        if not new:
            return
        self._sniffing += 1
        self._update()
        self._runner.run(lambda: [sniff(p) for p in new], guarded(self._sniffed, new),
                         guarded(self._sniff_failed))

    def _sniffed(self, paths: list[Path], found: list[Sniffed]) -> None:
        self._sniffing -= 1
        known = {p for p, _s, _k in self._files}
        for path, sniffed in zip(paths, found, strict=True):
            if path not in known:
                self._files.append((path, sniffed, sniffed.kind))
        self._fill()
        unknown = next((i for i, (_p, _s, k) in enumerate(self._files) if not k), None)
        self.table.selectRow(len(self._files) - 1 if unknown is None else unknown)
        self._update()

    def _sniff_failed(self, exc: BaseException) -> None:
        self._sniffing -= 1
        log.error("could not tell the kind of a file", exc_info=exc)
        self.message.show_message("error", str(exc))
        self._update()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if self.busy or not 0 <= row < len(self._files):
            return
        del self._files[row]
        self._fill()
        if self._files:
            self.table.selectRow(min(row, len(self._files) - 1))
        self._update()

    def _fill(self) -> None:
        self.table.setRowCount(len(self._files))
        for row, (path, _sniffed, kind) in enumerate(self._files):
            name = QTableWidgetItem(path.name)
            name.setToolTip(str(path))
            self.table.setItem(row, FILE, name)
            self.table.setItem(row, KIND, QTableWidgetItem(kind_text(kind)))

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._files):
            kind = self._files[row][2]
            self.kind.setCurrentIndex(self.kind.findData(kind) if kind else -1)
        self._update()

    def _kind_chosen(self, index: int) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._files) or index < 0:
            return
        path, sniffed, _kind = self._files[row]
        kind = self.kind.itemData(index)
        self._files[row] = (path, sniffed, kind)
        self.table.setItem(row, KIND, QTableWidgetItem(kind_text(kind)))
        self._update()

    def files(self) -> list[FileToImport]:
        return [FileToImport(p, k) for p, _s, k in self._files]

    def select_file(self, row: int) -> None:
        self.table.selectRow(row)

    def _update(self) -> None:
        busy = self.busy
        has_row = 0 <= self.table.currentRow() < len(self._files)
        unknown = [p.name for p, _s, k in self._files if not k]
        for widget in (self.add_button, self.table, self.skip_bad_rows):
            widget.setEnabled(not busy)
        self.remove_button.setEnabled(not busy and has_row)
        self.kind.setEnabled(not busy and has_row)
        self.encoding.setEnabled(not busy and any(
            s.shape == "csv" for _p, s, k in self._files if k == "upr-info"))
        self.import_button.setEnabled(not busy and bool(self._files) and not unknown
                                      and not self._sniffing)
        if busy:
            return
        if unknown:
            self.message.show_message("warning", counted(self.tr(
                "%n file(s) not recognised from the content: select each one and choose "
                "its kind ({0}).", "", len(unknown)), len(unknown)).format(
                    ", ".join(unknown)))
        elif self.message.kind == "warning":
            self.message.clear_message()

    # -- importing -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        """Import the files on the worker, each whole or not at all; Cancel stops it."""
        files = self.files()
        if self.busy or not files or any(not f.kind for f in files):
            return
        record, job = self._record, JobProgress()
        encoding = self.encoding.currentData() or None
        skip = self.skip_bad_rows.isChecked()
        self._job = job
        self.message.clear_message()
        self.progress.setRange(0, len(files) * STEPS_PER_FILE)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Starting…"))
        self.progress.show()
        self._poll.start()
        self._update()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("importing %d file(s)", len(files))
        self._runner.run(lambda: import_each(record, files, encoding=encoding,
                                             skip_bad_rows=skip, progress=job),
                         guarded(self._done), guarded(self._failed))

    def _show_progress(self) -> None:
        if self._job is None:
            return
        done, _total = self._job.snapshot()
        n = len(self._files)
        at = min(done // STEPS_PER_FILE, n - 1)
        self.progress.setValue(done)
        if self._job.cancelled:
            self.progress.setFormat(self.tr("Cancelling: stopping before the next file…"))
        else:
            self.progress.setFormat(self.tr("Importing file {0} of {1}: {2}").format(
                at + 1, n, self._files[at][0].name))

    def _end(self) -> None:
        self._poll.stop()
        self._job = None
        self.progress.hide()
        self.cancel_button.setEnabled(True)
        self._update()

    def _done(self, outcomes: list[FileOutcome]) -> None:
        self._end()
        self.imported.emit(outcomes)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._end()
        log.error("import failed", exc_info=exc)
        self.message.show_message("error", self.tr("The files could not be imported.\n\n{0}")
                                  .format(exc))

    def cancel(self) -> None:
        """Stop the import: the file being read is dropped, one being written is finished."""
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self._show_progress()

    def reject(self) -> None:
        if self.busy:  # Cancel or Escape while importing: stop it, and close when it has
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
