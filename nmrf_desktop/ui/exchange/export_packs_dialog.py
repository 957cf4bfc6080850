"""The coordinator's "Export packs…": one signed pack per agency with assignments, cancellable.

A record without a central signing key creates it here first (the passphrase asked twice),
then goes on to write the packs with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services.exchange import inbox, keys
from nmrf_desktop.services.exchange.inbox import PackRun
from nmrf_desktop.services.exchange.keys import OwnKey
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import JobProgress, ProgressPoller, guarded
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog, NewKey
from nmrf_desktop.ui.exchange.signing_dialog import SigningDialog
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
_SHOWN_LEFT_OUT = 4  # rows named in the dialog; the log and the audit have them all


@dataclass(frozen=True, slots=True)
class PacksState:
    """The agencies that get a pack, and the central key that signs them (None: not yet)."""

    agencies: list[tuple[str, str]]
    central: OwnKey | None


def _plural(text: str, n: int) -> str:
    """A "%n pack(s)" text: a catalogue words it for its language; English drops "(s)"."""
    return text.replace("(s)", "" if n == 1 else "s")


def _packs_state(record: Record) -> PacksState:
    return PacksState(inbox.pack_agencies(record), keys.own_key(record, central=True))


def _export_all(record: Record, folder: Path, signer: bytes | SigningKey, valid_days: int,
                progress: JobProgress) -> PackRun:
    """Write every pack, signed by the key just created or the one `signer` unlocks."""
    key = (signer if isinstance(signer, SigningKey)
           else keys.load_key(record, signer, central=True))
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
        self.needs_key = False  # the record has no central key: create it, then export
        self.key_dialog: CreateKeyDialog | None = None
        self.run_info: PackRun | None = None
        self.setWindowTitle(self.tr("Export Packs"))
        self.setObjectName("exportPacksDialog")
        self.setProperty("help_topic", "export-packs")  # F1 opens the guide there
        self._build()
        self._runner.run(lambda: _packs_state(record), guarded(self._show_agencies),
                         guarded(self._failed))

    def _build(self) -> None:
        self.summary = QLabel(self.tr("Finding the agencies with assignments…"), self)
        self.summary.setWordWrap(True)
        self.folder = PathField(PathMode.FOLDER, self.tr("Folder for the packs"), "", self)
        self.folder.set_path(documents_location() / "NMRF packs")
        self.valid_days = QSpinBox(self)
        self.valid_days.setRange(1, 365)
        self.valid_days.setValue(90)
        self.valid_days.setAccessibleName(self.tr("Valid for, in days"))
        self.until = QLabel(self)
        days = QHBoxLayout()
        days.addWidget(self.valid_days)
        days.addWidget(self.until, 1)
        self.valid_days.valueChanged.connect(self._show_until)
        self._show_until(self.valid_days.value())
        self._form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Save &in:"), self.folder)
        days_caption = QLabel(self.tr("&Valid for (days):"), self)
        days_caption.setBuddy(self.valid_days)
        form.addRow(days_caption, days)
        # The central key's fingerprint: what officers check by phone on their first pack.
        self.central_key = QLabel(self)
        self.central_key.setObjectName("centralFingerprint")
        self.central_key.setAccessibleName(self.tr("Fingerprint of the central key"))
        self.central_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Central key:"), self.central_key)
        form.setRowVisible(self.central_key, False)
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

    def _show_until(self, days: int) -> None:
        until = dt.date.today() + dt.timedelta(days=days)
        self.until.setText(self.tr("until {0}").format(QLocale().toString(
            QDate(until.year, until.month, until.day), QLocale.FormatType.LongFormat)))

    def _show_agencies(self, state: PacksState) -> None:
        agencies = state.agencies
        self.agencies = agencies
        if not agencies:
            self.summary.setText(self.tr("No agency has assignments yet, so there are no "
                                         "packs to send."))
        else:
            self.summary.setText(self.tr(
                "One signed pack for each agency with assignments: {0}.").format(
                ", ".join(code for code, _ in agencies)))
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        if state.central is None:
            self._ask_for_key()
        else:
            self._show_central(state.central.fingerprint)
        self._update_buttons()

    def _show_central(self, fingerprint: str) -> None:
        self.central_key.setText(fingerprint)
        self._form.setRowVisible(self.central_key, True)

    def _ask_for_key(self) -> None:
        """No central key yet: the Export button creates it first."""
        self.needs_key = True
        self._form.setRowVisible(self.passphrase, False)
        self.export_button.setText(self.tr("Create Central &Key…"))
        self.message.show_message("info", self.tr(
            "This record has no central signing key yet. It signs every pack, and officers' "
            "laptops check its fingerprint with you by phone when they import their first "
            "pack. Create it now (you choose its passphrase); the packs are written next."))
        self.export_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(
            not self.busy and bool(self.agencies) and self.folder.path() is not None
            and (self.needs_key or bool(self.passphrase.text())) and self.run_info is None
            and self.key_dialog is None)

    def export(self) -> None:
        folder = self.folder.path()
        if folder is None or self.busy or not self.export_button.isEnabled():
            return
        if self.needs_key:
            self.create_central_key()
            return
        passphrase = self.passphrase.text().encode("utf-8")
        self.passphrase.clear()
        self._write(folder, passphrase)

    def create_central_key(self) -> None:
        """Create the central key (a dialog of its own), then go on to write the packs."""
        dialog = CreateKeyDialog(self._runner, self._record, central=True, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._key_created)
        dialog.finished.connect(self._key_dialog_closed)
        self.key_dialog = dialog
        self._update_buttons()
        dialog.open()

    def _key_dialog_closed(self) -> None:
        self.key_dialog = None
        self._update_buttons()

    def _key_created(self, new: NewKey) -> None:
        self.needs_key = False
        self.key_dialog = None
        self.export_button.setText(self.tr("&Export"))
        self._show_central(new.fingerprint)
        log.info("created the central key %s from Export Packs", new.key_id)
        folder = self.folder.path()
        if folder is None:
            return
        self._write(folder, new.key, self.tr(
            "Created the central signing key {0}. Writing packs…").format(new.fingerprint))

    def _write(self, folder: Path, signer: bytes | SigningKey, note: str = "") -> None:
        progress = JobProgress()
        self._progress = progress
        self._poller.watch(progress, len(self.agencies or []))
        self.message.show_message("info", note or self.tr("Writing packs…"))
        self._set_inputs(False)
        self.close_button.setText(self.tr("Stop"))
        record, days = self._record, self.valid_days.value()
        self._runner.run(lambda: _export_all(record, folder, signer, days, progress),
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
                "Stopped after %n of {0} packs (the others were not made):\n{1}", "",
                len(run.written)).format(run.agencies, files))
        else:
            written = len(run.written)
            text = _plural(self.tr(
                "Wrote %n pack(s) to {0}:\n{1}\n\nSend each agency its own file.", "",
                written), written).format(self.folder.path(), files)
            # A row left out of several agencies' packs is named once.
            left_out = list(dict.fromkeys(row for p in run.written
                                          for row in p.get("left_out", [])))
            if left_out:
                shown = "\n".join(left_out[:_SHOWN_LEFT_OUT])
                more = len(left_out) - _SHOWN_LEFT_OUT
                text += "\n\n" + _plural(self.tr(
                    "Left out of the packs, because the record holds values the pack format "
                    "cannot carry (%n row(s); the log lists them all). Correct them, then "
                    "export again:", "", len(left_out)), len(left_out)) + "\n" + shown
                if more > 0:
                    text += "\n" + self.tr("…and %n more.", "", more)
            self.message.show_message("warning" if left_out else "success", text)
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
