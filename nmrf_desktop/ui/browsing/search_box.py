"""The search box: Escape clears it, Down or Enter moves on to the results."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchBox(QLineEdit):
    """A line edit for search-as-you-type queries."""

    # The user wants to go to the results (Down arrow or Enter).
    leaveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(
            self.tr('Search recommendations — words, "a phrase", Māori or Maori'))
        self.setAccessibleName(self.tr("Search recommendations"))
        self.setAccessibleDescription(self.tr(
            "Results update as you type. Quote a phrase to find it exactly. "
            "Press Down or Enter to move to the results."))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.leaveRequested.emit()
            return
        super().keyPressEvent(event)
