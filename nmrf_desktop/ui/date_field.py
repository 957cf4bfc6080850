"""A date picker that can also say "no date" (QDateEdit alone always holds a date)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget


class OptionalDateEdit(QWidget):
    """A check box ("set") and a calendar-popup date edit enabled by it."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Field")
        self.enabled = QCheckBox(self)
        self.enabled.setObjectName(f"{name}Set")
        self.enabled.setAccessibleName(self.tr("{0}: has a date").format(name))
        self.enabled.setToolTip(self.tr("Untick for no date"))
        self.edit = QDateEdit(self)
        self.edit.setObjectName(f"{name}Date")
        self.edit.setAccessibleName(name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate.currentDate())
        self.edit.setEnabled(False)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.enabled.toggled.connect(self.changed)
        self.edit.dateChanged.connect(self.changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        self.setFocusProxy(self.enabled)

    def value(self) -> dt.date | None:
        if not self.enabled.isChecked():
            return None
        return cast(dt.date, self.edit.date().toPython())

    def set_value(self, value: dt.date | None) -> None:
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
