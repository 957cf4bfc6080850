"""A path entry with a Browse… button (save file, open file, or folder)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


class PathMode(Enum):
    SAVE = "save"
    OPEN = "open"
    FOLDER = "folder"


class PathField(QWidget):
    """Type a path or choose one; `path()` is None while empty."""

    changed = Signal()

    def __init__(self, mode: PathMode, caption: str, file_filter: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mode, self._caption, self._filter = mode, caption, file_filter
        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName(caption)
        self.button = QPushButton(self.tr("Browse…"), self)
        self.button.setAccessibleName(self.tr("Browse for {0}").format(caption))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.browse)
        self.edit.textChanged.connect(self.changed)
        self.setFocusProxy(self.edit)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_path(self, path: Path | str) -> None:
        self.edit.setText(str(path))
        self.edit.setCursorPosition(0)  # show where it goes from the start
        self.edit.setToolTip(str(path))

    def browse(self) -> None:
        start = self.edit.text() or str(Path.home())
        if self._mode is PathMode.SAVE:
            chosen, _ = QFileDialog.getSaveFileName(self, self._caption, start, self._filter)
        elif self._mode is PathMode.OPEN:
            chosen, _ = QFileDialog.getOpenFileName(self, self._caption, start, self._filter)
        else:
            chosen = QFileDialog.getExistingDirectory(self, self._caption, start)
        if chosen:
            self.set_path(chosen)
