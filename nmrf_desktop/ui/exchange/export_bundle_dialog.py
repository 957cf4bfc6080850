"""The officer's "Export update bundle…" dialog: passphrase, output file, export on the worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QPushButton, QWidget

from nmrf_desktop.services.exchange import bundle_export, keys
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.exchange.bundle_export import ExportRefused, ExportResult, TargetExists
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.exchange.save_places import ask_replace
from nmrf_desktop.ui.exchange.signing_dialog import SigningDialog
from nmrf_desktop.ui.places import documents_folder
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class LaptopState:
    agency: str
    unsent: int
    awaiting: int
    has_key: bool
    file_name: str = ""  # the next bundle's own name (agency, officer, sequence)


def laptop_state(record: Record) -> LaptopState:
    """What the dialog needs to know before asking for anything (runs on the worker)."""
    agency = laptop_agency(record) or ""
    return LaptopState(agency, bundle_export.unsent_count(record),
                       bundle_export.awaiting_ack_count(record),
                       bool(record.setting(keys.LAPTOP_KEY)),
                       bundle_export.bundle_file_name(agency, record.actor(),
                                                      bundle_export.next_sequence(record)))


def default_bundle_path(file_name: str, documents: str | None = None) -> Path:
    """`file_name` in the documents folder (made if missing, else the home folder), or
    `name-2`… there if a file already has that name: a proposal that replaces nothing."""
    return bundle_export.free_path(documents_folder(documents), file_name)


def _export(record: Record, out: Path, passphrase: bytes, replace: bool) -> ExportResult:
    key = keys.load_key(record, passphrase)
    return bundle_export.export_bundle(record, out, key, replace=replace)


class ExportBundleDialog(SigningDialog):
    """Every unsent change on this laptop, signed with the officer's key, in one file."""

    exported = Signal(object)  # ExportResult
    replace_box: QWidget | None = None  # "Replace X?" while it is asked
    create_key_button: QPushButton | None = None  # shown while the laptop has no key
    key_dialog: CreateKeyDialog | None = None

    def __init__(self, runner: TaskRunner, record: Record,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._busy = False
        self.state: LaptopState | None = None
        self.result_info: ExportResult | None = None
        self.setWindowTitle(self.tr("Export Update Bundle"))
        self.setObjectName("exportBundleDialog")
        self.setProperty("help_topic", "export-bundle")  # F1 opens the guide there
        self._build()
        self._load_state()

    def _build(self) -> None:
        self.summary = QLabel(self.tr("Counting unsent changes…"), self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.out = PathField(PathMode.SAVE, self.tr("Bundle file"),
                             self.tr("NMRF update bundles (*.nmrfbundle)"), self)
        # Wide enough to show a proposed file's folder and its name in full.
        self.out.edit.setMinimumWidth(self.out.edit.fontMetrics().horizontalAdvance(
            "/home/aroha/Documents/MOJ-Aroha-Ngata-00012.nmrfbundle") + 48)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Save &to:"), self.out)
        self._build_frame(self.summary, form, passphrase_label=self.tr("&Passphrase:"),
                          placeholder=self.tr("The passphrase of your signing key"),
                          export_text=self.tr("&Export"))
        self.export_button.setEnabled(False)
        self.out.changed.connect(self._update_buttons)
        self.passphrase.textChanged.connect(self._update_buttons)

    # -- state -------------------------------------------------------------------------

    def _load_state(self) -> None:
        record = self._record
        self._runner.run(lambda: laptop_state(record), guarded(self._show_state),
                         guarded(self._failed))

    def _show_state(self, state: LaptopState) -> None:
        self.state = state
        # The same count as the status bar's badge (bundle_export.unsent_count).
        waiting = counted(self.tr("%n unsent change(s) on this laptop cannot be exported "
                                  "yet.", "", state.unsent), state.unsent)
        blocked = waiting if state.unsent else self.tr("Nothing can be exported yet.")
        if not state.agency:
            self.summary.setText(blocked)
            self.message.show_message("warning", self.tr(
                "This laptop does not work for an agency yet. Import your agency's pack from "
                "the secretariat first (Import pack…)."))
        elif not state.has_key:
            self.summary.setText(blocked)
            self.message.show_message("warning", self.tr(
                "This laptop has no signing key yet. Create it here; then export its public "
                "key (Exchange, My Signing Key) and send it to the secretariat to register, "
                "so that they accept the bundles it signs."))
            self._offer_key()
        elif state.unsent == 0:
            self.summary.setText(self.tr("There are no unsent changes."))
            self.message.show_message("info", counted(self.tr(
                "Everything recorded on this laptop is already in a bundle (%n change(s) "
                "await acknowledgement by the secretariat).", "", state.awaiting),
                state.awaiting))
        else:
            changes = counted(self.tr("%n unsent change(s)", "", state.unsent), state.unsent)
            self.summary.setText(self.tr(
                "{0} for agency {1} will be signed with your key and written to one file you "
                "can send by any means.").format(changes, state.agency))
            if self.out.path() is None:
                self.out.set_path(default_bundle_path(state.file_name))
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()

    # -- no key yet: create it here -------------------------------------------------------

    def _offer_key(self) -> None:
        if self.create_key_button is None:
            self.create_key_button = self.buttons.addButton(
                self.tr("Create My &Key…"), QDialogButtonBox.ButtonRole.ActionRole)
            self.create_key_button.setObjectName("createKeyButton")
            self.create_key_button.clicked.connect(self.create_key)
        self.export_button.setDefault(False)
        self.create_key_button.setDefault(True)
        self.create_key_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def create_key(self) -> None:
        """The officer's key, made in its own dialog; then this dialog carries on."""
        self.key_dialog = CreateKeyDialog(self._runner, self._record, parent=self)
        self.key_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.key_dialog.created.connect(lambda _new: self._key_created())
        self.key_dialog.open()

    def _key_created(self) -> None:
        if self.create_key_button is not None:
            self.create_key_button.hide()
        self.export_button.setDefault(True)
        self.message.clear_message()
        self._load_state()

    def _can_export(self) -> bool:
        s = self.state
        return (not self._busy and s is not None and bool(s.agency) and s.has_key
                and s.unsent > 0 and self.out.path() is not None
                and bool(self.passphrase.text()) and self.result_info is None)

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(self._can_export())

    # -- export ------------------------------------------------------------------------

    def export(self) -> None:
        """Export to the chosen file (or folder); if that file exists, ask first."""
        out = self.out.path()
        if not self._can_export() or out is None:
            return
        try:
            bundle_export.check_out(out)
        except TargetExists:
            self.replace_box = ask_replace(self, out, guarded(self._replace_answered, out))
            return
        except ExportRefused as exc:  # said before the passphrase is used up
            self.message.show_message("error", explain(exc))
            self.out.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._start(out, replace=False)

    def _replace_answered(self, out: Path, replace: bool) -> None:
        self.replace_box = None
        if replace:
            self._start(out, replace=True)
            return
        self.message.show_message("info", self.tr(
            "Nothing was written: {0} was kept as it is. Choose another name.").format(out))
        self.out.setFocus(Qt.FocusReason.OtherFocusReason)

    def _start(self, out: Path, *, replace: bool) -> None:
        passphrase = self.passphrase.text().encode("utf-8")
        self.passphrase.clear()
        self._set_busy(True)
        self.message.show_message("info", self.tr("Signing and writing the bundle…"))
        record = self._record
        self._runner.run(lambda: _export(record, out, passphrase, replace),
                         guarded(self._done), guarded(self._failed))

    def _done(self, result: ExportResult) -> None:
        self._set_busy(False)
        self.result_info = result
        log.info("exported bundle %s (%d changes)", result.sequence, result.changes)
        self.summary.setText(self.tr("Bundle {0} is ready to send.").format(result.sequence))
        wrote = self.tr("Wrote {0} and {1} to\n{2}\n\nThey stay marked “sent, awaiting "
                        "acknowledgement” until a pack from the secretariat acknowledges "
                        "them.").format(
            counted(self.tr("%n change(s)", "", result.changes), result.changes),
            counted(self.tr("%n evidence file(s)", "", result.evidence), result.evidence),
            result.path)
        self.message.show_message("success", wrote)
        self.export_button.hide()
        self.close_button.setText(self.tr("Close"))
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_failure(exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setRange(0, 0)
        self.progress.setVisible(busy)
        self.out.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._busy

    def reject(self) -> None:
        if not self._busy:  # the export finishes (it is all-or-nothing) before closing
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:
            event.ignore()
        else:
            super().closeEvent(event)
