"""The words Draft a Report… shows for each kind of draft and grouping (translatable), and
how typed paragraph numbers are read."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.drafting.request import GROUPINGS

_C = "DraftForm"
# What each kind is called, and what it is in one line (shown under the kind).
_KINDS: dict[DraftKind, tuple[object, object]] = {
    DraftKind.UPR_MID_TERM: (
        QT_TRANSLATE_NOOP("DraftForm", "UPR mid-term report"),
        QT_TRANSLATE_NOOP("DraftForm", "The UPR recommendations in scope, grouped by theme or "
                                       "overlap cluster: a table and a narrative per group.")),
    DraftKind.FOLLOW_UP: (
        QT_TRANSLATE_NOOP("DraftForm", "Treaty-body follow-up report"),
        QT_TRANSLATE_NOOP("DraftForm", "The paragraphs a committee singled out for follow-up, "
                                       "each with the State's actions and latest progress.")),
    DraftKind.PERIODIC: (
        QT_TRANSLATE_NOOP("DraftForm", "Periodic report section"),
        QT_TRANSLATE_NOOP("DraftForm", "For one treaty body: what has been done since the last "
                                       "report, paragraph by paragraph or by theme.")),
    DraftKind.CONSULTATION: (
        QT_TRANSLATE_NOOP("DraftForm", "Consultation draft (public)"),
        QT_TRANSLATE_NOOP("DraftForm", "The mid-term content limited to what may be published, "
                                       "for civil society and Māori engagement before "
                                       "submission.")),
}
_GROUPS: dict[str, object] = {  # lupdate needs the context written out, not _C
    "theme": QT_TRANSLATE_NOOP("DraftForm", "Theme"),
    "cluster": QT_TRANSLATE_NOOP("DraftForm", "Overlap cluster"),
    "paragraph": QT_TRANSLATE_NOOP("DraftForm", "Paragraph (article)"),
}
KINDS = tuple(_KINDS)  # in the order the dialog offers them
TREATY_KINDS = (DraftKind.FOLLOW_UP, DraftKind.PERIODIC)  # about one treaty body


def _tr(text: object) -> str:
    return QCoreApplication.translate(_C, str(text))


def kind_title(kind: DraftKind) -> str:
    return _tr(_KINDS[kind][0])


def kind_hint(kind: DraftKind) -> str:
    return _tr(_KINDS[kind][1])


def groupings(kind: DraftKind) -> tuple[tuple[str, str], ...]:
    """(key, words) of each grouping `kind` offers, the service's default first."""
    return tuple((key, _tr(_GROUPS[key])) for key in GROUPINGS[kind])


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Typed paragraph numbers, each once in order: 12, 14(a) 23 gives 12, 14(a) and 23
    (commas, semicolons or spaces between)."""
    return tuple(dict.fromkeys(p for p in re.split(r"[,;\s]+", text.strip()) if p))
