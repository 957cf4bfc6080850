"""Record Value…: an officer of the steward agency, on a laptop, records one value of one
series (sent to the secretariat in the next update bundle); refusals shown by their field."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.indicators import ValueStatus
from nmrf_desktop.services.indicator_views import IndicatorDetail
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.indicators.text import title_with_mi


class RecordValueDialog(QDialog):
    """Series, period, value, status and note of one value; Save asks the record
    (saveRequested: the code and the fields), and `show_problem` puts a refusal by its field."""

    saveRequested = Signal(str, dict)

    def __init__(self, detail: IndicatorDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordValueDialog")
        found = detail.indicator
        self._code = found.code
        self.setWindowTitle(self.tr("Record Value of {0}").format(found.code))
        heading = QLabel(f"<b>{found.code}</b> {title_with_mi(found.title, found.title_mi)}",
                         self)
        heading.setWordWrap(True)
        self.series = QComboBox(self)
        self.series.setObjectName("recordSeries")
        for view in detail.series:
            self.series.addItem(view.label, (view.trend.disaggregation, view.trend.units))
        if not detail.series:  # no values yet: the total
            self.series.addItem(self.tr("Total"), ({}, ""))
        self.period = QLineEdit(self)
        self.period.setPlaceholderText(self.tr("2024, 2024/25, 2024-Q1"))
        self.value = QLineEdit(self)
        self.value.setPlaceholderText(self.tr("a number, e.g. 43.2"))
        self.status = QComboBox(self)
        self.status.addItem(self.tr("Final"), ValueStatus.FINAL.value)
        self.status.addItem(self.tr("Provisional"), ValueStatus.PROVISIONAL.value)
        self.note = QLineEdit(self)
        self.general = error_label(self, "recordGeneral")
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        for text, name, widget in ((self.tr("&Series:"), "disaggregation", self.series),
                                   (self.tr("&Period:"), "period", self.period),
                                   (self.tr("&Value:"), "value", self.value),
                                   (self.tr("S&tatus:"), "status", self.status),
                                   (self.tr("&Note:"), "note", self.note)):
            label = error_label(self, name)
            self.errors.add(name, label, widget)
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            form.addRow(caption, with_error(widget, label))
        self.errors.alias("units", "disaggregation")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(self.tr("The value is a new version of its period (the one it replaces "
                              "is kept) and goes to the secretariat in your next update "
                              "bundle."), self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.period.setFocus()

    def fields(self) -> dict[str, object]:
        disaggregation, units = self.series.currentData()
        return {"period": self.period.text(), "value": self.value.text(),
                "disaggregation": dict(disaggregation), "units": units,
                "status": self.status.currentData(), "note": self.note.text()}

    def submit(self) -> None:
        self.errors.clear()
        self.buttons.setEnabled(False)
        self.saveRequested.emit(self._code, self.fields())

    def show_problem(self, field: str, message: str) -> None:
        """The refusal beside its field ('' : under the form); the dialog stays open."""
        self.buttons.setEnabled(True)
        self.errors.show(field, message)
