"""What Draft a Report… says and does around the work: a refusal or failure in plain
words, the counts of a finished draft, asking before a file is replaced, opening it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from nmrf_desktop.services.drafting import DraftResult
from nmrf_desktop.services.reports.request import ReportError
from nmrf_desktop.ui.plural import counted

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "DraftDialog"


def open_file(path: Path) -> bool:
    """Open a written draft in the system's word processor (its handler of file: URLs)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def explain(exc: BaseException) -> str:
    """A failed draft in plain words; unexpected errors are logged in full."""
    if isinstance(exc, ReportError):
        return _T(_C, "The draft was not written: {0}.").format(str(exc).rstrip("."))
    if isinstance(exc, OSError):
        return _T(_C, "The file could not be written: {0}. Choose another folder.").format(
            exc.strerror or exc)
    log.error("drafting failed", exc_info=exc)
    return _T(_C, "Something went wrong and no file was written: {0}").format(
        str(exc) or type(exc).__name__)


def done_text(result: DraftResult, public: bool) -> str:
    """What a finished draft holds (Drafted x.docx: 12 recommendations, 3 gaps to fill in)
    and, for a consultation draft, that it is public content."""
    n, gaps = result.recommendations, result.gaps  # lupdate reads a plain name as the count
    text = counted(_T(_C, "Drafted {0}: %n recommendation(s)", "", n), n).format(
        result.path.name)
    text += counted(_T(_C, ", %n gap(s) to fill in (highlighted).", "", gaps), gaps) \
        if gaps else _T(_C, ", no gaps.")
    if public:
        text += " " + _T(_C, "This draft is public content: it may be shared outside "
                             "government.")
    return text


def ask_to_replace(parent: QWidget, out: Path, replace: Callable[[], None]) -> QMessageBox:
    """Ask (window-modal) before `out` is overwritten; `replace()` if the user agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.windowTitle(),
                      _T(_C, "{0} already exists. Replace it?").format(out.name),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("replaceDraft")
    box.setInformativeText(_T(_C, "It is in {0}.").format(out.parent))
    yes = box.addButton(_T(_C, "&Replace"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def answered(_result: int) -> None:
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is yes:
            replace()
    box.finished.connect(answered)
    box.open()
    return box
