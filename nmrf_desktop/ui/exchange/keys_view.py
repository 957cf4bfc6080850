"""The coordinator's key registry: who may sign for which agency; register, rotate, revoke."""

from __future__ import annotations

import logging
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import catalog
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import KeyInfo, PublicKeyFile
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import MessageStrip, guarded
from nmrf_desktop.ui.exchange.key_dialogs import choose_file
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.exchange.register_key_dialog import RegisterKeyDialog, Registration
from nmrf_desktop.ui.exchange.table_model import Column, RowsModel
from nmrf_desktop.ui.palette import meaning_colour
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
_T = QCoreApplication.translate


class KeyColumn(IntEnum):
    FINGERPRINT = 0
    OFFICER = 1
    AGENCY = 2
    ROLE = 3
    STATUS = 4
    VALID_FROM = 5
    VALID_UNTIL = 6


class KeysModel(RowsModel):
    """Rows from services.keys.list_keys."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([
            Column(_T("Keys", "Fingerprint"), lambda k: k.fingerprint, lambda k: k.key_id),
            Column(_T("Keys", "Officer"), lambda k: k.officer),
            Column(_T("Keys", "Agency"), lambda k: k.agency or _T("Keys", "(central)")),
            Column(_T("Keys", "Role"), lambda k: {"officer": _T("Keys", "Officer"),
                                                   "central": _T("Keys", "Central")
                                                   }.get(k.role, k.role)),
            Column(_T("Keys", "Status"), lambda k: {"active": _T("Keys", "Active"),
                                                     "revoked": _T("Keys", "Revoked")
                                                     }.get(k.status, k.status)),
            Column(_T("Keys", "Valid from"), lambda k: k.valid_from),
            Column(_T("Keys", "Valid until"), lambda k: k.valid_until),
        ], parent)

    def foreground(self, item: KeyInfo, column: int) -> QColor | None:
        if column == KeyColumn.STATUS and item.status == "revoked":
            return meaning_colour("error")
        return None


class KeysView(QWidget):
    """The key registry (central record): list, Register from File…, Rotate…, Revoke…."""

    changed = Signal()

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._loading = False
        self.dialog: RegisterKeyDialog | None = None
        self.model = KeysModel(self)
        self.setObjectName("keyRegistry")
        self.register_button = QPushButton(self.tr("&Register from File…"), self)
        self.register_button.setToolTip(self.tr("Register an officer's public key file"))
        self.rotate_button = QPushButton(self.tr("R&otate…"), self)
        self.rotate_button.setToolTip(self.tr(
            "Register a new key for the selected officer; their old key is revoked"))
        self.revoke_button = QPushButton(self.tr("Re&voke…"), self)
        self.revoke_button.setToolTip(self.tr("Refuse bundles signed with the selected key"))
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        top = QHBoxLayout()
        for button in (self.register_button, self.rotate_button, self.revoke_button,
                       self.refresh_button):
            top.addWidget(button)
        top.addStretch(1)
        self.message = MessageStrip(self)
        self.table = QTableView(self)
        self.table.setObjectName("keysTable")
        self.table.setAccessibleName(self.tr("Key registry"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        # Every column as wide as its content (a registry holds tens of rows, not thousands);
        # the last one takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.register_button.clicked.connect(lambda: self.choose_key_file())
        self.rotate_button.clicked.connect(self.rotate_selected)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.refresh()

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.message.clear_message()
        self.refresh()

    def is_idle(self) -> bool:
        return not self._loading

    def refresh(self) -> None:
        record = self._record
        if record is None:
            self.model.set_rows([])
            self._update()
            return
        self._loading = True
        self._runner.run(lambda: keys.list_keys(record), guarded(self._show_rows),
                         guarded(self._failed), key=f"keys-{id(self)}")

    def _show_rows(self, rows: list[KeyInfo]) -> None:
        self._loading = False
        current = self.current()
        self.model.set_rows(rows)
        if current is not None:  # keep the selection on the same key
            for row, info in enumerate(rows):
                if info.key_id == current.key_id:
                    self.table.selectRow(row)
        self._update()

    def current(self) -> KeyInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update(self) -> None:
        info = self.current()
        active_officer = info is not None and info.status == "active" and info.role == "officer"
        self.register_button.setEnabled(self._record is not None)
        self.rotate_button.setEnabled(active_officer)
        self.revoke_button.setEnabled(active_officer)

    # -- register and rotate --------------------------------------------------------------

    def choose_key_file(self, replacing: KeyInfo | None = None) -> None:
        """Pick an officer's .pub file, read it on the worker, then ask whose it is."""
        if self._record is None:
            return
        caption = (self.tr("Register a Signing Key") if replacing is None
                   else self.tr("New Key for {0}").format(replacing.officer))
        choose_file(self, caption, self.tr("Public keys (*.pub *.pem);;All files (*)"),
                    lambda path: self.read_key_file(path, replacing))

    def read_key_file(self, path: Path, replacing: KeyInfo | None = None) -> None:
        record = self._record
        if record is None:
            return
        self.message.clear_message()
        self._runner.run(
            lambda: (keys.read_public_key(record, path), catalog.agencies(record)),
            guarded(self._ask, replacing), guarded(self._failed))

    def _ask(self, replacing: KeyInfo | None,
             found: tuple[PublicKeyFile, list[tuple[str, str, str]]]) -> None:
        public, agencies = found
        if public.registered is not None:
            known = public.registered
            self.message.show_message("error", self.tr(
                "The key in {0} is already registered, for {1} ({2}), fingerprint {3}; "
                "nothing changed.").format(public.path, known.officer,
                                           known.agency or self.tr("central"),
                                           known.fingerprint))
            return
        dialog = RegisterKeyDialog(public, agencies, replacing=replacing, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda reg: self.register(reg, dialog))
        self.dialog = dialog
        dialog.open()

    def register(self, reg: Registration | None,
                 dialog: RegisterKeyDialog | None = None) -> None:
        """Register (or, with `reg.replaces`, rotate) on the worker; a dialog that asked
        is told the outcome, else the message strip says it."""
        record = self._record
        if reg is None or record is None:
            return
        self._loading = True
        self._runner.run(lambda: keys.register_key(
            record, reg.public_key, officer=reg.officer, agency=reg.agency,
            valid_days=reg.valid_days, replaces=reg.replaces),
            guarded(self._registered, reg, dialog), guarded(self._refused, dialog))

    def _registered(self, reg: Registration, dialog: RegisterKeyDialog | None,
                    info: KeyInfo) -> None:
        if dialog is not None and dialog.isVisible():
            dialog.set_busy(False)
            dialog.accept()
        if reg.replaces:
            log.info("rotated key %s to %s", reg.replaces, info.key_id)
            self.message.show_message("success", self.tr(
                "Registered the new key {0} for {1} ({2}); their old key {3} is revoked. "
                "Bundles signed with the old key are refused from now on.").format(
                info.fingerprint, info.officer, info.agency, keys.fingerprint(reg.replaces)))
        else:
            self.message.show_message("success", self.tr(
                "Registered key {0} for {1} ({2}). Read this fingerprint to the officer to "
                "confirm it is theirs.").format(info.fingerprint, info.officer, info.agency))
        self.refresh()
        self.changed.emit()

    def _refused(self, dialog: RegisterKeyDialog | None, exc: BaseException) -> None:
        self._loading = False
        if dialog is not None and dialog.isVisible():
            dialog.refused(exc)
        else:
            self.message.show_message("error", explain(exc))

    def rotate_selected(self) -> None:
        info = self.current()
        if info is not None and info.status == "active" and info.role == "officer":
            self.choose_key_file(replacing=info)

    # -- revoke --------------------------------------------------------------------------

    def confirm_revoke(self, info: KeyInfo) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Revoke Key"), self.tr(
            "Revoke the key of {0} ({1})?").format(info.officer, info.agency),
            QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("revokeConfirm")
        box.setInformativeText(self.tr(
            "Fingerprint {0}\n\nBundles signed with it will be refused from now on. This "
            "cannot be undone; the officer will need a new key.").format(info.fingerprint))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        revoke = box.addButton(self.tr("&Revoke Key"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is revoke

    def revoke_selected(self) -> None:
        info, record = self.current(), self._record
        if info is None or record is None or not self.confirm_revoke(info):
            return
        self._loading = True
        key_id = info.key_id
        self._runner.run(lambda: keys.revoke_key(record, key_id),
                         guarded(self._revoked), guarded(self._failed))

    def _revoked(self, info: KeyInfo) -> None:
        log.info("revoked key %s", info.key_id)
        self.message.show_message("success", self.tr(
            "Revoked the key of {0} ({1}), fingerprint {2}.").format(
            info.officer, info.agency, info.fingerprint))
        self.refresh()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.message.show_message("error", explain(exc))


__all__ = ["KeyColumn", "KeysModel", "KeysView", "Registration"]
