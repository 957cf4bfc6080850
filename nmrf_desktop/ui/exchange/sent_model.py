"""The bundles this laptop sent, as a table: number, when, changes, evidence files, file
name, and whether the centre acknowledged it."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QColor

from nmrf_desktop.services.exchange.bundle_export import SentRow
from nmrf_desktop.ui.exchange.table_model import Column, RowsModel
from nmrf_desktop.ui.palette import meaning_colour

_T = QCoreApplication.translate
_C = "Sent"


class SentColumn(IntEnum):
    SEQUENCE = 0
    SENT = 1
    CHANGES = 2
    EVIDENCE = 3
    FILE = 4
    CENTRE = 5


def centre_label(row: SentRow) -> str:
    return (_T(_C, "Acknowledged") if row.acknowledged
            else _T(_C, "Awaiting acknowledgement"))


def centre_tip(row: SentRow) -> str:
    if row.acknowledged:
        return _T(_C, "A pack from the secretariat says the centre has merged this bundle.")
    return _T(_C, "No pack from the secretariat has acknowledged this bundle yet. If it "
              "never arrived, save it again and send the copy.")


def file_label(row: SentRow) -> str:
    if row.kept:
        return row.file_name
    return _T(_C, "{0} (no copy on this laptop)").format(row.file_name)


def file_tip(row: SentRow) -> str:
    if row.kept:
        return _T(_C, "Saved again under this name: {0}").format(row.file_name)
    return _T(_C, "This laptop no longer holds a copy of this bundle: it cannot be saved "
              "again.")


class SentModel(RowsModel):
    """Rows from services.exchange.bundle_export.sent_bundles, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([
            Column(_T(_C, "Bundle"), lambda r: r.sequence, align_right=True),
            Column(_T(_C, "Sent"), lambda r: r.sent_at),
            Column(_T(_C, "Changes"), lambda r: r.changes, align_right=True),
            Column(_T(_C, "Evidence Files"), lambda r: r.evidence, align_right=True),
            Column(_T(_C, "File Name"), file_label, file_tip),
            Column(_T(_C, "Centre"), centre_label, centre_tip),
        ], parent)

    def foreground(self, item: SentRow, column: int) -> QColor | None:
        if column == SentColumn.CENTRE and item.acknowledged:
            return meaning_colour("success")
        if column == SentColumn.FILE and not item.kept:
            return meaning_colour("error")
        return None

    def row_of(self, bundle_id: str) -> int:
        return next((i for i, r in enumerate(self.rows()) if r.bundle_id == bundle_id), -1)

    def awaiting(self) -> int:
        return sum(not r.acknowledged for r in self.rows())
