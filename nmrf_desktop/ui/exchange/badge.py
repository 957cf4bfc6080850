"""The officer's status-bar badge: unsent changes and bundles awaiting acknowledgement."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QToolButton, QWidget

from nmrf_desktop.services.exchange import bundle_export
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class UnsentBadge(QToolButton):
    """“3 unsent · 2 awaiting acknowledgement”; click it to export (connect `clicked`)."""

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._record = record
        self.unsent = 0
        self.awaiting = 0
        self.setObjectName("unsentBadge")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._show(0, 0)
        if record is not None:
            self.refresh()

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Count again on the worker (call after an edit, an export or a pack import)."""
        record = self._record
        if record is None:
            self._show(0, 0)
            return

        def count() -> tuple[int, int]:
            return (bundle_export.unsent_count(record),
                    bundle_export.awaiting_ack_count(record))

        self._runner.run(count, guarded(self._show_counts),
                         guarded(self._failed), key=f"unsent-badge-{id(self)}")

    def _show_counts(self, counts: tuple[int, int]) -> None:
        self._show(*counts)

    def _failed(self, exc: BaseException) -> None:
        log.warning("could not count unsent changes: %s", exc)
        self.setText(self.tr("Unsent changes: ?"))

    def _show(self, unsent: int, awaiting: int) -> None:
        self.unsent, self.awaiting = unsent, awaiting
        if self._record is None:
            text = ""
        elif unsent == 0 and awaiting == 0:
            text = self.tr("All changes sent")
        else:
            parts = []
            if unsent:
                parts.append(self.tr("1 unsent change") if unsent == 1
                             else self.tr("{0} unsent changes").format(unsent))
            if awaiting:
                parts.append(self.tr("{0} awaiting acknowledgement").format(awaiting))
            text = " · ".join(parts)
        self.setText(text)
        self.setVisible(bool(text))
        self.setToolTip(self.tr(
            "Changes recorded on this laptop that are in no bundle yet: {0}.\n"
            "Changes sent in a bundle that no pack has acknowledged yet: {1}.\n"
            "Click to export an update bundle.").format(unsent, awaiting))
        font = self.font()
        font.setBold(unsent > 0)
        self.setFont(font)
