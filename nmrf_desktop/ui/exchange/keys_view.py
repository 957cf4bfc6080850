"""The coordinator's key registry: who may sign for which agency; register and revoke keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import catalog
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import KeyInfo
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import MessageStrip, guarded
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.exchange.messages import explain
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


@dataclass(frozen=True, slots=True)
class Registration:
    public_key: Path
    officer: str
    agency: str
    valid_days: int


class RegisterKeyDialog(QDialog):
    """An officer's public key file, their name and agency, and how long it is valid."""

    def __init__(self, agencies: list[tuple[str, str, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register a Signing Key"))
        self.file = PathField(PathMode.OPEN, self.tr("Public key file"),
                              self.tr("Public keys (*.pub *.pem);;All files (*)"), self)
        self.officer = QLineEdit(self)
        self.officer.setAccessibleName(self.tr("Officer"))
        self.agency = QComboBox(self)
        self.agency.setAccessibleName(self.tr("Agency"))
        for code, name_en, _name_mi in agencies:
            self.agency.addItem(f"{code} — {name_en}", code)
        self.valid_days = QSpinBox(self)
        self.valid_days.setRange(1, 3650)
        self.valid_days.setValue(730)
        self.valid_days.setSuffix(self.tr(" days"))
        form = QFormLayout(self)
        form.addRow(self.tr("Public &key file:"), self.file)
        form.addRow(self.tr("&Officer:"), self.officer)
        form.addRow(self.tr("&Agency:"), self.agency)
        form.addRow(self.tr("&Valid for:"), self.valid_days)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Register"))
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.file.changed, self.officer.textChanged):
            signal.connect(self._update)
        self._update()
        self.setMinimumWidth(480)

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.registration() is not None)

    def registration(self) -> Registration | None:
        path, officer, agency = self.file.path(), self.officer.text().strip(), \
            self.agency.currentData()
        if path is None or not officer or not agency:
            return None
        return Registration(path, officer, agency, self.valid_days.value())


class KeysView(QWidget):
    """The key registry (central record): list, Register…, Revoke…."""

    changed = Signal()

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._loading = False
        self.model = KeysModel(self)
        self.setObjectName("keyRegistry")
        self.register_button = QPushButton(self.tr("&Register…"), self)
        self.revoke_button = QPushButton(self.tr("Re&voke…"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        top = QHBoxLayout()
        for button in (self.register_button, self.revoke_button, self.refresh_button):
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
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.resizeSection(KeyColumn.FINGERPRINT, 330)
        header.setSectionResizeMode(KeyColumn.OFFICER, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.register_button.clicked.connect(self.register_key)
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
        self.model.set_rows(rows)
        self._update()

    def current(self) -> KeyInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update(self) -> None:
        info = self.current()
        self.register_button.setEnabled(self._record is not None)
        self.revoke_button.setEnabled(info is not None and info.status == "active"
                                      and info.role == "officer")

    # -- register ------------------------------------------------------------------------

    def register_key(self) -> None:
        record = self._record
        if record is not None:
            self._runner.run(lambda: catalog.agencies(record), guarded(self._ask))

    def _ask(self, agencies: list[tuple[str, str, str]]) -> None:
        dialog = RegisterKeyDialog(agencies, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.register(dialog.registration()))
        dialog.open()

    def register(self, reg: Registration | None) -> None:
        record = self._record
        if reg is None or record is None:
            return
        self._loading = True
        self._runner.run(lambda: keys.register_key(
            record, reg.public_key, officer=reg.officer, agency=reg.agency,
            valid_days=reg.valid_days), guarded(self._registered),
            guarded(self._failed))

    def _registered(self, info: KeyInfo) -> None:
        self.message.show_message("success", self.tr(
            "Registered key {0} for {1} ({2}). Read this fingerprint to the officer to "
            "confirm it is theirs.").format(info.fingerprint, info.officer, info.agency))
        self.refresh()
        self.changed.emit()

    # -- revoke --------------------------------------------------------------------------

    def confirm_revoke(self, info: KeyInfo) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Revoke Key"), self.tr(
                "Revoke the key of {0} ({1})?\n\n{2}\n\nBundles signed with it will be "
                "refused from now on. This cannot be undone; the officer will need a new "
                "key.").format(info.officer, info.agency, info.fingerprint),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

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
        self.message.show_message("success", self.tr("Revoked the key of {0} ({1}).").format(
            info.officer, info.agency))
        self.refresh()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.message.show_message("error", explain(exc))
