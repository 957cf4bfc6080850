"""Where bundles are saved: the documents folder, and asking before a file is replaced."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Exchange"


def documents_folder(documents: str | None = None) -> Path:
    """The user's documents folder (`documents`, else the system's), made if it is missing;
    the home folder when there is none or it cannot be made. Never fails."""
    if documents is None:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
    if documents:
        folder = Path(documents)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("no documents folder %s (%s): proposing the home folder", folder, exc)
        else:
            if folder.is_dir():
                return folder
    return Path.home()


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
