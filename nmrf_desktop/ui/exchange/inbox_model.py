"""The bundle inbox as a table: status, file, agency, officer, sequence, changes, reason, remedy."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor, QFont

from nmrf_desktop.services.exchange.inbox import SETTLED, InboxRow
from nmrf_desktop.ui.exchange.messages import remedy, unverified_note
from nmrf_desktop.ui.exchange.table_model import Column, Index, RowsModel
from nmrf_desktop.ui.palette import meaning_colour, muted_colour

_T = QCoreApplication.translate


class InboxColumn(IntEnum):
    STATUS = 0
    FILE = 1
    AGENCY = 2
    OFFICER = 3
    SEQUENCE = 4
    CHANGES = 5
    REASON = 6
    REMEDY = 7
    RECEIVED = 8


def status_label(status: str) -> str:
    labels = {
        "merged": _T("Inbox", "Merged"), "held": _T("Inbox", "Held"),
        "rejected": _T("Inbox", "Rejected"), "already imported": _T("Inbox", "Already imported"),
        "released": _T("Inbox", "Released"), SETTLED: _T("Inbox", "Rejected, then merged"),
    }
    return labels.get(status, status)


def officer_text(row: InboxRow) -> str:
    """The officer a row names; marked when an unverified bundle named them."""
    if row.verified or not (row.officer or row.agency):
        return row.officer
    return _T("Inbox", "{0} (unverified)").format(row.officer or "?")


def _changes(row: InboxRow) -> int | None:
    """How many changes it carried; unknown (blank) for a refused bundle that said none."""
    return None if row.status == "rejected" and not row.changes else row.changes


_MEANINGS = {"rejected": "error", "held": "warning", "merged": "success",
             "released": "success"}


class InboxModel(RowsModel):
    """Rows from services.inbox.list_inbox, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([
            Column(_T("Inbox", "Status"), lambda r: status_label(r.shown_status)),
            Column(_T("Inbox", "File"), lambda r: r.file, lambda r: r.file),
            Column(_T("Inbox", "Agency"), lambda r: r.agency, self._who_tip),
            Column(_T("Inbox", "Officer"), officer_text, self._who_tip),
            Column(_T("Inbox", "Seq."), lambda r: r.sequence, align_right=True),
            Column(_T("Inbox", "Changes"), _changes, align_right=True),
            Column(_T("Inbox", "Reason"), lambda r: r.reason, lambda r: r.reason),
            Column(_T("Inbox", "What to do"), remedy, remedy),
            Column(_T("Inbox", "Received"), lambda r: r.received_at),
        ], parent)

    @staticmethod
    def _who_tip(row: InboxRow) -> str:
        return "" if row.verified else unverified_note()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and not row.verified and index.column() in (
                    InboxColumn.AGENCY, InboxColumn.OFFICER):
                font = QFont()
                font.setItalic(True)
                return font
            return None
        return super().data(index, role)

    def foreground(self, item: InboxRow, column: int) -> QColor | None:
        if column == InboxColumn.STATUS:
            if item.shown_status == SETTLED:
                return muted_colour()
            meaning = _MEANINGS.get(item.status)
            return meaning_colour(meaning) if meaning else None
        return None

    def row_of(self, entry_id: str) -> int:
        return next((i for i, r in enumerate(self.rows()) if r.id == entry_id), -1)
