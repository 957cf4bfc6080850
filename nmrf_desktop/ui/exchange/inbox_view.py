"""The coordinator's bundle inbox: import (button or drag and drop), table, details."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.exchange import bundle_import, inbox
from nmrf_desktop.services.exchange.bundle_import import BundleResult
from nmrf_desktop.services.exchange.inbox import SETTLED, InboxDetail, InboxRow
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import (
    JobProgress,
    MessageStrip,
    ProgressPoller,
    busy_bar,
    guarded,
)
from nmrf_desktop.ui.exchange.inbox_detail import InboxDetailPane
from nmrf_desktop.ui.exchange.inbox_model import InboxColumn, InboxModel, status_label
from nmrf_desktop.ui.exchange.messages import explain, kind_remedy
from nmrf_desktop.ui.exchange.view_parts import ViewToolbar, list_table
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

BUNDLE_SUFFIX = ".nmrfbundle"
_WIDTHS = {InboxColumn.STATUS: 165, InboxColumn.FILE: 180, InboxColumn.AGENCY: 60,
           InboxColumn.OFFICER: 140, InboxColumn.SEQUENCE: 45, InboxColumn.CHANGES: 65,
           InboxColumn.REASON: 260, InboxColumn.REMEDY: 320, InboxColumn.RECEIVED: 125}


def bundle_paths(urls: Sequence[object]) -> list[Path]:
    """The local .nmrfbundle files among dropped URLs."""
    out = []
    for url in urls:
        local = url.toLocalFile() if hasattr(url, "toLocalFile") else ""
        if local and local.lower().endswith(BUNDLE_SUFFIX):
            out.append(Path(local))
    return out


def flatten(results: Sequence[BundleResult]) -> list[BundleResult]:
    """Results with the held bundles each merge released, in order."""
    out: list[BundleResult] = []
    for r in results:
        out.append(r)
        out.extend(flatten(r.released))
    return out


class InboxView(QWidget):
    """Every bundle received, with what became of it and why; drop bundles here to import."""

    # After an import: the list of BundleResult (refresh conflicts and the record views).
    bundlesImported = Signal(list)

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._importing = False
        self._loading = False
        self.model = InboxModel(self)
        self.setObjectName("bundleInbox")
        self.setAcceptDrops(True)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.import_button = QPushButton(self.tr("&Import Bundles…"), self)
        self.import_button.setToolTip(self.tr(
            "Verify and merge update bundles from agency officers (you can also drop "
            ".nmrfbundle files on this list)"))
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.filter = QComboBox(self)
        self.filter.setAccessibleName(self.tr("Show bundles with status"))
        self.filter.addItem(self.tr("All bundles"), "")
        for status in ("merged", "held", "rejected", SETTLED):
            self.filter.addItem(status_label(status), status)
        self.filter.setItemData(self.filter.findData("rejected"), self.tr(
            "Rejected bundles no later merge settled: these need action"),
            Qt.ItemDataRole.ToolTipRole)
        top = ViewToolbar(self, self.import_button, self.refresh_button, 12,
                          QLabel(self.tr("Show:"), self), self.filter)
        self.count_label = top.count_label

        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self._poller = ProgressPoller(self.progress)

        self.table = list_table(self, self.model, "inboxTable", self.tr("Bundle inbox"),
                                _WIDTHS, InboxColumn.REMEDY)
        # The reason and what to do share the width left (both in full in the details).
        self.table.horizontalHeader().setSectionResizeMode(
            InboxColumn.REASON, QHeaderView.ResizeMode.Stretch)
        self.detail = InboxDetailPane(self)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([340, 300])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.splitter, 1)

        self.import_button.clicked.connect(self.choose_files)
        self.refresh_button.clicked.connect(self.refresh)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    # -- record and refresh --------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.message.clear_message()
        self.refresh()

    def is_idle(self) -> bool:
        return not (self._importing or self._loading)

    def refresh(self) -> None:
        record = self._record
        self.import_button.setEnabled(record is not None and not self._importing)
        if record is None:
            self.model.set_rows([])
            self._show_count()
            return
        status = self.filter.currentData() or None
        self._loading = True
        self._runner.run(lambda: inbox.list_inbox(record, status),
                         guarded(self._show_rows), guarded(self._load_failed),
                         key=f"inbox-{id(self)}")

    def _show_rows(self, rows: list[InboxRow]) -> None:
        self._loading = False
        current = self.model.row_at(self.table.currentIndex().row())
        self.model.set_rows(rows)
        self._show_count()
        row = self.model.row_of(current.id) if current else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.show_placeholder()

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.message.show_message("error", explain(exc))

    def _show_count(self) -> None:
        """Rows listed, held, and rejected files needing action (each file once), as the
        dashboard counts them; rejections a later merge settled, apart."""
        rows = self.model.rows()
        shown, held = len(rows), sum(r.status == "held" for r in rows)
        settled_files = {r.file_sha256 for r in rows if r.shown_status == SETTLED}
        rejected = len({r.file_sha256 for r in rows if r.needs_action} - settled_files)
        settled = len(settled_files)
        parts = [counted(self.tr("%n bundle(s)", "", shown), shown),
                 self.tr("%n held", "", held), self.tr("%n rejected", "", rejected)]
        if settled:
            parts.append(self.tr("%n rejected, then merged", "", settled))
        self.count_label.setText(" · ".join(parts))
        self.count_label.setToolTip(self.tr(
            "Rejected: bundle files refused that no later merge settled (each file once). "
            "Rejected, then merged: refused, then merged after all (the same file or bundle "
            "imported again, or sent again)."))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        record = self._record
        if row is None or record is None:
            self.detail.show_placeholder()
            return
        entry_id = row.id
        self._runner.run(lambda: inbox.inbox_detail(record, entry_id),
                         guarded(self._show_detail, entry_id),
                         guarded(self._load_failed), key=f"inbox-detail-{id(self)}")

    def _show_detail(self, entry_id: str, detail: InboxDetail | None) -> None:
        shown = self.model.row_at(self.table.currentIndex().row())
        if shown is None or shown.id != entry_id:
            return
        if detail is None:
            self.detail.show_placeholder(self.tr("This entry is no longer in the inbox."))
        else:
            self.detail.show_detail(detail)

    # -- importing -----------------------------------------------------------------------

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Import Bundles"), "",
            self.tr("NMRF update bundles (*.nmrfbundle);;All files (*)"))
        if chosen:
            self.import_files([Path(p) for p in chosen])

    def import_files(self, paths: Sequence[Path]) -> None:
        """Verify and merge these bundles on the worker, showing progress; then refresh."""
        record = self._record
        if record is None or not paths or self._importing:
            return
        files = [Path(p) for p in paths]
        self._importing = True
        self.import_button.setEnabled(False)
        n = len(files)
        self.message.show_message("info", counted(self.tr("Importing %n bundle(s)…", "", n), n))
        progress = JobProgress()
        self._poller.watch(progress, len(files))
        self._runner.run(lambda: bundle_import.import_bundles(record, files, progress),
                         guarded(self._imported), guarded(self._import_failed))

    def _imported(self, results: list[BundleResult]) -> None:
        self._end_import()
        every = flatten(results)
        counts = Counter(r.status for r in every)
        merged, duplicate = counts[bundle_import.MERGED], counts[bundle_import.DUPLICATE]
        held, rejected = counts[bundle_import.HELD], counts[bundle_import.REJECTED]
        failed = counts[bundle_import.FAILED]
        parts = [text for n, text in (
            (merged, self.tr("%n merged", "", merged)),
            (duplicate, self.tr("%n already imported (nothing changed)", "", duplicate)),
            (held, self.tr("%n held", "", held)),
            (rejected, self.tr("%n rejected", "", rejected)),
            (failed, self.tr("%n not imported (nothing changed)", "", failed))) if n]
        total = len(results)
        lines = [counted(self.tr("%n bundle(s): {0}.", "", total), total).format(
            ", ".join(parts))]
        conflicts = sum(r.outcome.hard + r.outcome.soft for r in every if r.outcome)
        if conflicts:
            lines.append(counted(self.tr("%n conflict(s) to look at in the Conflicts view.",
                                         "", conflicts), conflicts))
        # Each refused file with its reason; what to do once for each kind of refusal.
        refused: dict[str, list[str]] = {}
        for r in every:
            if r.status in (bundle_import.REJECTED, bundle_import.FAILED):
                what = kind_remedy(r.kind) if r.status == bundle_import.REJECTED else ""
                refused.setdefault(what, []).append(
                    self.tr("{0}: {1}").format(Path(r.file).name, r.reason))
        for what, files in refused.items():
            lines.extend(files)
            if what:
                lines.append(self.tr("    What to do: {0}").format(what))
        kind = "error" if rejected or failed else (
            "warning" if counts[bundle_import.HELD] or conflicts else "success")
        self.message.show_message(kind, "\n".join(lines))
        log.info("imported %d bundles: %s", len(results), dict(counts))
        self.refresh()
        self.bundlesImported.emit(results)

    def _import_failed(self, exc: BaseException) -> None:
        self._end_import()
        self.message.show_message("error", explain(exc))
        self.refresh()

    def _end_import(self) -> None:
        self._importing = False
        self._poller.stop()
        self.import_button.setEnabled(self._record is not None)

    # -- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if (self._record is not None and not self._importing
                and bundle_paths(event.mimeData().urls())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if bundle_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = bundle_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
