"""Where the app proposes to save what a person exports: the documents folder."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths

log = logging.getLogger(__name__)


def documents_location() -> Path:
    """The user's documents folder (it may not exist yet), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


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
