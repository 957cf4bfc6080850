"""Import Values…: a CSV or XLSX file in the Open SDG layout into one indicator, read off the
GUI thread; the dialog says what changed, or why nothing did (naming row and column)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.indicators import IndicatorRecord, ValuesReport
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.ui.field_errors import error_label
from nmrf_desktop.ui.indicators.text import title_with_mi
from nmrf_desktop.ui.places import documents_location


class ImportValuesDialog(QDialog):
    """Which indicator, which file; Import asks the record (importRequested) and the dialog
    waits, then shows the report or the refusal. It stays open for another file."""

    importRequested = Signal(str, object)  # indicator code, Path

    def __init__(self, indicators: list[IndicatorRecord], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importValuesDialog")
        self.setWindowTitle(self.tr("Import Indicator Values"))
        self.indicator = QComboBox(self)
        self.indicator.setObjectName("importIndicator")
        for found in indicators:
            self.indicator.addItem(f"{found.code} — {title_with_mi(found.title, found.title_mi)}",
                                   found.code)
        if current is not None and (i := self.indicator.findData(current)) >= 0:
            self.indicator.setCurrentIndex(i)
        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText(self.tr("A CSV or Excel file in the Open SDG layout"))
        self.browse = QPushButton(self.tr("&Browse…"), self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the import reports no steps
        self.progress.setAccessibleName(self.tr("Importing"))
        self.progress.hide()
        self.outcome = QLabel(self)
        self.outcome.setObjectName("importResult")
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName(self.tr("What the import did"))
        self.error = error_label(self, "importValues")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.ApplyRole)
        self.import_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.submit)
        self.browse.clicked.connect(self.choose_file)
        self.path.textChanged.connect(self._changed)
        form = QFormLayout()
        which = QLabel(self.tr("I&ndicator:"), self)
        which.setBuddy(self.indicator)
        form.addRow(which, self.indicator)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        file_label = QLabel(self.tr("&File:"), self)
        file_label.setBuddy(self.path)
        form.addRow(file_label, row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(self.tr("Columns: Year, one column per disaggregation (Sex, Ethnicity, "
                              "Age…), Value; optionally Units, Observation status, Unit "
                              "multiplier. Importing the same file again changes nothing; a "
                              "changed value is kept as a new version."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._busy = False
        self._changed()

    def code(self) -> str | None:
        data = self.indicator.currentData()
        return str(data) if data else None

    def choose_file(self) -> None:
        start = self.path.text().strip() or str(documents_location())
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import Indicator Values"), start,
            self.tr("Values (*.csv *.xlsx);;CSV (*.csv);;Excel (*.xlsx);;All files (*)"))
        if name:
            self.path.setText(name)

    def _changed(self) -> None:
        self.import_button.setEnabled(not self._busy and bool(self.path.text().strip())
                                      and self.code() is not None)

    def submit(self) -> None:
        code, text = self.code(), self.path.text().strip()
        if code is None or not text:
            return
        self.set_busy(True)
        self.outcome.clear()
        self.error.hide()
        self.importRequested.emit(code, Path(text))

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        for widget in (self.indicator, self.path, self.browse):
            widget.setEnabled(not busy)
        self._changed()

    def show_report(self, report: ValuesReport) -> None:
        self.set_busy(False)
        self.error.hide()
        self.outcome.setText(self.tr("{0} into {1}: {2}.").format(
            report.file, report.code, report.summary()))
        self._fit()
        self.outcome.setFocus()

    def show_refusal(self, exc: BaseException) -> None:
        """Why nothing was imported: every problem the file has (row and column), at most
        ten, and that the record is unchanged."""
        self.set_busy(False)
        self.outcome.clear()
        if isinstance(exc, ImportFailed) and exc.problems:
            lines = [str(p) for p in exc.problems[:10]]
            more = len(exc.problems) - len(lines)
            if more:
                lines.append(self.tr("… and %n more problem(s).", "", more))
        else:
            lines = [str(exc) or type(exc).__name__]
        if "nothing was changed" not in lines[-1].casefold():
            lines.append(self.tr("Nothing was changed."))
        self.error.setText("\n".join(lines))
        self.error.show()
        self._fit()
        self.path.setFocus()

    def _fit(self) -> None:
        """Grow to show the whole outcome (a refusal can run to eleven lines)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
