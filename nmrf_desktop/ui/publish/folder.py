"""The site's folder, checked before publishing: named, not a file, and inside a folder that
exists (the documents folder the dialog proposes is made when it is missing)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.ui.publish import choices

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Publish"


def folder_problem(out: Path | None) -> str:
    """What is wrong with `out` as the site's folder ('' when nothing is); the folder it goes
    in is made only when it is the one proposed (the documents folder)."""
    if out is None:
        return _T(_C, "Choose the folder to publish the site into.")
    if out.exists() and not out.is_dir():
        return _T(_C, "{0} is a file, not a folder: choose a folder.").format(out)
    parent = out.parent
    if parent.is_dir():
        return ""
    if parent != choices.default_folder().parent:
        return _T(_C, "The folder {0} does not exist: choose one with Browse…").format(parent)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _T(_C, "The folder {0} could not be made ({1}): choose another with "
                      "Browse…").format(parent, exc.strerror or exc)
    log.info("made the folder %s for the public site", parent)
    return ""
