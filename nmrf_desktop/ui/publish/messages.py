"""What the Publish Public Site dialog says: a refusal or failure, the counts, the stage."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from nmrf_desktop.services.site import PublishError, PublishResult
from nmrf_desktop.ui.publish import choices

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Publish"
# The stages publish() names in its progress (shown translated on the bar).
STAGES = (QT_TRANSLATE_NOOP("Publish", "Reading the public record"),
          QT_TRANSLATE_NOOP("Publish", "Writing the site"),
          QT_TRANSLATE_NOOP("Publish", "Building the search index"))


def explain(exc: BaseException) -> str:
    """A failed publish in plain words; unexpected errors are logged in full."""
    if isinstance(exc, PublishError):
        return _T(_C, "The site was not published: {0}.").format(str(exc).rstrip("."))
    if isinstance(exc, OSError):
        return _T(_C, "The site could not be written: {0}. Choose another folder.").format(
            exc.strerror or exc)
    log.error("publishing the site failed", exc_info=exc)
    return _T(_C, "Something went wrong while publishing: {0}").format(
        str(exc) or type(exc).__name__)


def summary(result: PublishResult) -> str:
    """What a publish did, in one paragraph."""
    text = _T(_C, "Published {0} pages for {1} recommendations in {2}: {3} files written, "
                  "{4} unchanged, {5} removed; the search index is {6}.").format(
        result.pages, result.recommendations, result.folder, result.written,
        result.unchanged, result.removed, choices.size_text(result.index_bytes))
    others = [_T(_C, "{0} to {1}").format(f"{n:,}", c) for c, n in result.left_out]
    if others:
        text += " " + _T(_C, "The record also holds recommendations of other states, not "
                             "published: {0}.").format("; ".join(others))
    return text


def stage_text(label: str) -> str:
    """A stage publish() named, translated where the catalogue has it."""
    return _T(_C, label) if label in STAGES else label
