"""Saving bundles: asking before a file is replaced."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Exchange"


def ask_replace(parent: QWidget, path: Path, answered: Callable[[bool], None]) -> QMessageBox:
    """Ask "Replace X?" (Yes or No, No the default and Escape) without blocking; `answered`
    gets True only for Yes."""
    no, yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes
    box = QMessageBox(QMessageBox.Icon.Warning, _T(_C, "Replace File"),
                      _T(_C, "Replace {0}?").format(path.name), yes | no, parent)
    box.setObjectName("replaceFileBox")
    box.setInformativeText(_T(_C, "A file of that name is already in the folder\n{0}\n\n"
                              "Replacing it overwrites what it holds.").format(path.parent))
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda _result: answered(box.standardButton(box.clickedButton()) == yes))
    box.open()
    return box
