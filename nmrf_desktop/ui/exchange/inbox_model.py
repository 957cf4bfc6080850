"""The bundle inbox as a table: status, file, agency, officer, sequence, changes, reason."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QColor

from nmrf_desktop.services.exchange.inbox import InboxRow
from nmrf_desktop.ui.exchange.table_model import Column, RowsModel
from nmrf_desktop.ui.palette import meaning_colour

_T = QCoreApplication.translate


class InboxColumn(IntEnum):
    STATUS = 0
    FILE = 1
    AGENCY = 2
    OFFICER = 3
    SEQUENCE = 4
    CHANGES = 5
    REASON = 6
    RECEIVED = 7


def status_label(status: str) -> str:
    labels = {
        "merged": _T("Inbox", "Merged"), "held": _T("Inbox", "Held"),
        "rejected": _T("Inbox", "Rejected"), "already imported": _T("Inbox", "Already imported"),
        "released": _T("Inbox", "Released"),
    }
    return labels.get(status, status)


_MEANINGS = {"rejected": "error", "held": "warning", "merged": "success",
             "released": "success"}


class InboxModel(RowsModel):
    """Rows from services.inbox.list_inbox, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([
            Column(_T("Inbox", "Status"), lambda r: status_label(r.status)),
            Column(_T("Inbox", "File"), lambda r: r.file, lambda r: r.file),
            Column(_T("Inbox", "Agency"), lambda r: r.agency),
            Column(_T("Inbox", "Officer"), lambda r: r.officer),
            Column(_T("Inbox", "Seq."), lambda r: r.sequence, align_right=True),
            Column(_T("Inbox", "Changes"), lambda r: r.changes, align_right=True),
            Column(_T("Inbox", "Reason"), lambda r: r.reason, lambda r: r.reason),
            Column(_T("Inbox", "Received"), lambda r: r.received_at),
        ], parent)

    def foreground(self, item: InboxRow, column: int) -> QColor | None:
        if column == InboxColumn.STATUS:
            meaning = _MEANINGS.get(item.status)
            return meaning_colour(meaning) if meaning else None
        return None

    def row_of(self, entry_id: str) -> int:
        return next((i for i, r in enumerate(self.rows()) if r.id == entry_id), -1)
