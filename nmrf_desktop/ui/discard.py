"""Dialogs that ask before closing throws away what the person typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

_C = "DiscardChanges"


def ask_discard(parent: QWidget) -> bool:
    """Ask "Discard the changes you typed?"; True only when the person chooses Discard."""
    box = QMessageBox(QMessageBox.Icon.Question,
                      QCoreApplication.translate(_C, "Discard Changes"),
                      QCoreApplication.translate(_C, "Discard the changes you typed?"),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("discardChanges")
    discard = box.addButton(QCoreApplication.translate(_C, "Discard"),
                            QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(QCoreApplication.translate(_C, "Keep Editing"),
                         QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class DiscardGuardedDialog(QDialog):
    """Escape, Close and the window's close button ask before losing changed values.

    A subclass returns its fields' values from `typed_values` and calls `mark_clean` once
    filled; accepting (saving) and closing from code (`close()`) never ask."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ask_discard: Callable[[QWidget], bool] = ask_discard
        self._opened: object = None
        self._forced = False

    def typed_values(self) -> object:
        """What the person can change, comparable with ==."""
        raise NotImplementedError

    def mark_clean(self) -> None:
        """The values now shown are the ones the dialog opened with."""
        self._opened = self.typed_values()

    def has_changes(self) -> bool:
        return self.typed_values() != self._opened

    def reject(self) -> None:
        if self._forced or not self.has_changes() or self.ask_discard(self):
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Only the window's close button is the person's; close() from code is not asked.
        self._forced = not event.spontaneous()
        try:
            super().closeEvent(event)
        finally:
            self._forced = False
