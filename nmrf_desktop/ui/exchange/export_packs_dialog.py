"""The coordinator's "Export packs…": one signed pack per agency with assignments, cancellable."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from nmrf_desktop.services.exchange import inbox, keys
from nmrf_desktop.services.exchange.inbox import PackRun
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import JobProgress, ProgressPoller, guarded
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.exchange.signing_dialog import SigningDialog
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def _export_all(record: Record, folder: Path, passphrase: bytes, valid_days: int,
                progress: JobProgress) -> PackRun:
    key = keys.load_key(record, passphrase, central=True)
    return inbox.export_all_packs(record, folder, key, valid_days=valid_days,
                                  progress=progress)


class ExportPacksDialog(SigningDialog):
    """Refreshed assignments back to every agency at once, signed with the central key."""

    exported = Signal(object)  # PackRun

    def __init__(self, runner: TaskRunner, record: Record,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._progress: JobProgress | None = None
        self.agencies: list[tuple[str, str]] | None = None
        self.run_info: PackRun | None = None
        self.setWindowTitle(self.tr("Export Packs"))
        self.setObjectName("exportPacksDialog")
        self.setProperty("help_topic", "export-packs")  # F1 opens the guide there
        self._build()
        self._runner.run(lambda: inbox.pack_agencies(record), guarded(self._show_agencies),
                         guarded(self._failed))

    def _build(self) -> None:
        self.summary = QLabel(self.tr("Finding the agencies with assignments…"), self)
        self.summary.setWordWrap(True)
        self.folder = PathField(PathMode.FOLDER, self.tr("Folder for the packs"), "", self)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.folder.set_path(Path(documents) / "NMRF packs")
        self.valid_days = QSpinBox(self)
        self.valid_days.setRange(1, 365)
        self.valid_days.setValue(90)
        self.valid_days.setSuffix(self.tr(" days"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Save &in:"), self.folder)
        form.addRow(self.tr("&Valid for:"), self.valid_days)
        self._build_frame(self.summary, form, passphrase_label=self.tr("&Passphrase:"),
                          placeholder=self.tr("The passphrase of the central signing key"),
                          export_text=self.tr("&Export"))
        self._poller = ProgressPoller(self.progress)
        self.folder.changed.connect(self._update_buttons)
        self.passphrase.textChanged.connect(self._update_buttons)
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def _show_agencies(self, agencies: list[tuple[str, str]]) -> None:
        self.agencies = agencies
        if not agencies:
            self.summary.setText(self.tr("No agency has assignments yet, so there are no "
                                         "packs to send."))
        else:
            self.summary.setText(self.tr(
                "One signed pack for each of the {0} agencies with assignments: {1}.").format(
                len(agencies), ", ".join(code for code, _ in agencies)))
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(
            not self.busy and bool(self.agencies) and self.folder.path() is not None
            and bool(self.passphrase.text()) and self.run_info is None)

    def export(self) -> None:
        folder = self.folder.path()
        if folder is None or self.busy or not self.export_button.isEnabled():
            return
        passphrase = self.passphrase.text().encode("utf-8")
        self.passphrase.clear()
        progress = JobProgress()
        self._progress = progress
        self._poller.watch(progress, len(self.agencies or []))
        self.message.show_message("info", self.tr("Writing packs…"))
        self._set_inputs(False)
        self.close_button.setText(self.tr("Stop"))
        record, days = self._record, self.valid_days.value()
        self._runner.run(lambda: _export_all(record, folder, passphrase, days, progress),
                         guarded(self._done), guarded(self._failed))

    def _set_inputs(self, enabled: bool) -> None:
        for widget in (self.folder, self.valid_days, self.passphrase):
            widget.setEnabled(enabled)
        self._update_buttons()

    def _done(self, run: PackRun) -> None:
        self._progress = None
        self.run_info = run
        self._poller.stop()
        files = "\n".join(Path(p["path"]).name for p in run.written)
        if run.cancelled:
            self.message.show_message("warning", self.tr(
                "Stopped: {0} of {1} packs were written (the others were not made):\n{2}"
                ).format(len(run.written), run.agencies, files))
        else:
            self.message.show_message("success", self.tr(
                "Wrote {0} packs to {1}:\n{2}\n\nSend each agency its own file.").format(
                len(run.written), self.folder.path(), files))
        log.info("exported %d packs (cancelled: %s)", len(run.written), run.cancelled)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setEnabled(True)
        self.export_button.hide()
        self._set_inputs(False)
        self.exported.emit(run)

    def _failed(self, exc: BaseException) -> None:
        self._progress = None
        self._poller.stop()
        self.close_button.setText(self.tr("Cancel"))
        self.close_button.setEnabled(True)
        self._set_inputs(True)
        self._show_failure(exc)

    def reject(self) -> None:
        if self._progress is not None:
            # Stop between agencies: the pack being written is finished first.
            self._progress.cancel()
            self.close_button.setEnabled(False)
            self.message.show_message("info", self.tr("Stopping after the current pack…"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._progress is not None:
            self.reject()
            event.ignore()
        else:
            super().closeEvent(event)
