"""The officer's Sent list: every bundle this laptop sent, and any of them saved again."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.exchange import bundle_export
from nmrf_desktop.services.exchange.bundle_export import ExportRefused, SentRow, TargetExists
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import MessageStrip, busy_bar, guarded
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.exchange.save_places import ask_replace
from nmrf_desktop.ui.exchange.sent_model import SentColumn, SentModel
from nmrf_desktop.ui.exchange.view_parts import ViewToolbar, list_table
from nmrf_desktop.ui.places import documents_folder
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

_WIDTHS = {SentColumn.SEQUENCE: 64, SentColumn.SENT: 130, SentColumn.CHANGES: 70,
           SentColumn.EVIDENCE: 100, SentColumn.FILE: 340, SentColumn.CENTRE: 190}


class SentView(QWidget):
    """Every bundle sent from this laptop, newest first; Save Again… writes the one chosen
    again, byte for byte, under its own name (asking before it replaces a file)."""

    saved = Signal(object)  # the Path a bundle was saved again to

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._loading = False
        self._saving = False
        self._missing_said = False  # the message strip says the chosen bundle has no copy
        self.file_dialog: QFileDialog | None = None
        self.model = SentModel(self)
        self.setObjectName("sentBundles")
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.save_button = QPushButton(self.tr("Save &Again…"), self)
        self.save_button.setObjectName("saveAgain")
        self.save_button.setToolTip(self.tr(
            "Write the chosen bundle again, exactly as it was sent (if the first copy was "
            "lost or never arrived)"))
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        top = ViewToolbar(self, self.save_button, self.refresh_button)
        self.count_label = top.count_label
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self.table = list_table(self, self.model, "sentTable", self.tr("Sent bundles"),
                                _WIDTHS, SentColumn.FILE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)

        self.save_button.clicked.connect(self.save_again)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.doubleClicked.connect(lambda _index: self.save_again())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._update_buttons()

    # -- record and refresh --------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.message.clear_message()
        self.refresh()

    def is_idle(self) -> bool:
        return not (self._loading or self._saving)

    def refresh(self) -> None:
        record = self._record
        if record is None:
            self.model.set_rows([])
            self._show_count()
            self._update_buttons()
            return
        self._loading = True
        self._runner.run(lambda: bundle_export.sent_bundles(record),
                         guarded(self._show_rows), guarded(self._load_failed),
                         key=f"sent-{id(self)}")

    def _show_rows(self, rows: list[SentRow]) -> None:
        self._loading = False
        current = self.current_row()
        self.model.set_rows(rows)
        self._show_count()
        row = self.model.row_of(current.bundle_id) if current else -1
        if rows:
            self.table.setCurrentIndex(self.model.index(max(row, 0), SentColumn.SEQUENCE))
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.message.show_message("error", explain(exc))
        self._update_buttons()

    def _show_count(self) -> None:
        sent, awaiting = self.model.rowCount(), self.model.awaiting()
        # A catalogue words "%n bundle(s)" for its language; the source English keeps
        # "(s)" as written, settled here (1 bundle, 2 bundles).
        text = self.tr("%n bundle(s) sent", "", sent).replace("(s)", "" if sent == 1 else "s")
        if awaiting:
            text += " · " + self.tr("%n awaiting acknowledgement", "", awaiting)
        self.count_label.setText(text)

    def current_row(self) -> SentRow | None:
        index = self.table.currentIndex()
        row: SentRow | None = self.model.row_at(index.row()) if index.isValid() else None
        return row

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        row = self.current_row()
        if row is not None and not row.kept:
            self.message.show_message("warning", self._no_copy(row))
            self._missing_said = True
        elif self._missing_said:
            self.message.clear_message()
            self._missing_said = False

    def _no_copy(self, row: SentRow) -> str:
        return self.tr("This laptop no longer holds a copy of bundle {0}, so it cannot be "
                       "saved again.").format(row.sequence)

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.save_button.setEnabled(row is not None and row.kept and not self._saving)
        self.refresh_button.setEnabled(self._record is not None and not self._saving)

    # -- saving again --------------------------------------------------------------------

    def save_again(self) -> None:
        """Ask where (its own name in the documents folder, proposed), then save it."""
        row = self.current_row()
        if row is None or self._saving or self._record is None:
            return
        if not row.kept:
            self.message.show_message("warning", self._no_copy(row))
            return
        dialog = QFileDialog(self, self.tr("Save Bundle {0} Again").format(row.sequence),
                             str(documents_folder() / row.file_name),
                             self.tr("NMRF update bundles (*.nmrfbundle)"))
        dialog.setObjectName("saveAgainDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # asked below, the same way
        dialog.setDefaultSuffix("nmrfbundle")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(guarded(self._chosen, row))
        self.file_dialog = dialog
        dialog.open()

    def _chosen(self, row: SentRow, chosen: str) -> None:
        self.file_dialog = None
        self.save_to(row, Path(chosen))

    def save_to(self, row: SentRow, out: Path) -> None:
        """Save `row`'s bundle again at `out` (a file, or a folder to name it in), asking
        first if that replaces a file."""
        try:
            bundle_export.check_out(out)
        except TargetExists:
            ask_replace(self, out, guarded(self._replace_answered, row, out))
            return
        except ExportRefused as exc:
            self.message.show_message("error", explain(exc))
            return
        self._write(row, out, replace=False)

    def _replace_answered(self, row: SentRow, out: Path, replace: bool) -> None:
        if replace:
            self._write(row, out, replace=True)
        else:
            self.message.show_message("info", self.tr(
                "Nothing was written: {0} was kept as it is.").format(out))
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _write(self, row: SentRow, out: Path, *, replace: bool) -> None:
        record = self._record
        if record is None:
            return
        self._set_saving(True)
        self._missing_said = False
        self.message.show_message("info", self.tr("Saving bundle {0} again…").format(
            row.sequence))
        self._runner.run(
            lambda: bundle_export.reexport_bundle(record, row.bundle_id, out, replace=replace),
            guarded(self._written, row), guarded(self._save_failed))

    def _written(self, row: SentRow, path: Path) -> None:
        self._set_saving(False)
        log.info("saved bundle %s again to %s", row.sequence, path)
        self.message.show_message("success", self.tr(
            "Saved bundle {0} again to\n{1}\n\nIt is the very file that was sent: the "
            "secretariat can import it, and if it already has this bundle it says so and "
            "changes nothing.").format(row.sequence, path))
        self.saved.emit(path)

    def _save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        self.message.show_message("error", explain(exc))
        self.refresh()  # its copy may be gone: the list says so

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.progress.setRange(0, 0)
        self.progress.setVisible(saving)
        self._update_buttons()


class SentBundlesDialog(QDialog):
    """Exchange → Sent Bundles…: the Sent list in a window of its own; Enter saves the
    chosen bundle again, Escape closes."""

    def __init__(self, runner: TaskRunner, record: Record,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sent Bundles"))
        self.setObjectName("sentBundlesDialog")
        self.view = SentView(runner, record, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        self.view.refresh_button.setAutoDefault(False)
        self.view.save_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(980, 420)

    def refresh(self) -> None:
        self.view.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.view.table.setFocus(Qt.FocusReason.OtherFocusReason)
