"""Wires the pack and bundle windows into the main window: menu, badge, inbox and conflicts tabs."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QVBoxLayout

from nmrf_desktop.domain.changes import MERGED, PACK_IMPORTED, Changed
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import OwnKey
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange import (
    ConflictsView,
    ExportBundleDialog,
    ExportPacksDialog,
    InboxView,
    KeysView,
    PackImporter,
    UnsentBadge,
)
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog, PublicKeyExporter
from nmrf_desktop.ui.exchange.sent_view import SentBundlesDialog
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Exchange"


class ExchangeHub(Hub):
    """Everything about packs and bundles that the main window shows, for either role."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        runner = window.runner
        self.badge = UnsentBadge(runner, None, window)
        self.badge.clicked.connect(self.export_bundle)
        window.statusBar().addPermanentWidget(self.badge)
        self.inbox = InboxView(runner, None, window)
        self.conflicts = ConflictsView(runner, None, window)
        self.inbox.bundlesImported.connect(lambda _results: self._after_merge())
        self.conflicts.resolved.connect(lambda _info: window.did_change(MERGED))
        window.changed.connect(self._changed)
        self._inbox_tab = window.tabs.addTab(self.inbox, _T(_C, "Bundle Inbox"))
        self._conflicts_tab = window.tabs.addTab(self.conflicts, _T(_C, "Conflicts"))
        self._keys_dialog: QDialog | None = None
        self._sent_dialog: SentBundlesDialog | None = None
        self._importer: PackImporter | None = None
        self.menu = _make_menu(window)
        window.menuBar().insertMenu(window.window_actions.coordinator_menu.menuAction(),
                                    self.menu)
        self.officer_actions = (
            self._add(_T(_C, "&Export Update Bundle…"), self.export_bundle, "Ctrl+Shift+E",
                      _T(_C, "Write every unsent change to one signed file for the "
                             "secretariat")),
            self._add(_T(_C, "&Import Pack…"), self.import_pack, "Ctrl+Shift+I",
                      _T(_C, "Import your agency's signed pack from the secretariat")),
            self._add(_T(_C, "&Sent Bundles…"), self.show_sent, "Ctrl+Shift+S",
                      _T(_C, "Every bundle this laptop sent, acknowledged or not; save any "
                             "of them again")),
            *self._key_menu(),
        )
        self.menu.addSeparator()
        self.coordinator_actions = (
            self._add(_T(_C, "Import &Bundles…"), self.import_bundles, "Ctrl+Shift+B",
                      _T(_C, "Verify and merge officers' update bundles")),
            self._add(_T(_C, "Bundle I&nbox"), lambda: self._show(self._inbox_tab), "Ctrl+3",
                      _T(_C, "Every bundle received: merged, held or rejected, with reasons")),
            self._add(_T(_C, "&Conflicts"), lambda: self._show(self._conflicts_tab), "Ctrl+4",
                      _T(_C, "Edits that met newer values: decide which to keep")),
            self._add(_T(_C, "Signing &Keys…"), self.show_keys, None,
                      _T(_C, "The key registry: register, rotate and revoke officers' keys")),
            self._add(_T(_C, "Export &Packs…"), self.export_packs, "Ctrl+Shift+K",
                      _T(_C, "Write a signed pack for every agency with assignments")),
        )
        # Officers see export/import and the badge; coordinators the inbox and conflicts.
        self.for_role(False, actions=self.officer_actions, widgets=(self.badge,))
        self.for_role(True, actions=self.coordinator_actions,
                      tabs=(self._inbox_tab, self._conflicts_tab))
        self.set_coordinator(False)

    def _add(self, text: str, slot, shortcut: str | None, tip: str) -> QAction:  # type: ignore[no-untyped-def]
        return self.add_command(text, slot, shortcut, tip, self.menu)

    def _key_menu(self) -> tuple[QAction, ...]:
        """Exchange → My Signing Key: Create… (Replace… once there is one), Export Public Key…."""
        menu = self.menu.addMenu(_T(_C, "My Signing &Key"))
        menu.setObjectName("mySigningKeyMenu")
        self.create_key_action = self.add_command(
            _T(_C, "&Create…"), self.create_key, None,
            _T(_C, "Make the key that signs your update bundles"), menu)
        self.export_key_action = self.add_command(
            _T(_C, "&Export Public Key…"), self.export_public_key, None,
            _T(_C, "Save your public key for the secretariat to register"), menu)
        self._own_key: OwnKey | None = None
        self._exporter: PublicKeyExporter | None = None
        self.key_dialog: CreateKeyDialog | None = None
        # A key made elsewhere (the export dialog's Create My Key…) shows when it opens.
        menu.aboutToShow.connect(self._refresh_key_menu)
        return menu.menuAction(), self.create_key_action, self.export_key_action

    def _refresh_key_menu(self) -> None:
        record = self._window.record
        if record is not None:
            self._refresh_own_key(record)

    # -- state ------------------------------------------------------------------------

    def opened(self, record: Record) -> None:
        for view in (self.badge, self.inbox, self.conflicts):
            view.set_record(record)
        if self._keys_dialog is not None:
            self._keys_dialog.close()
        if self._sent_dialog is not None:
            self._sent_dialog.close()
        self._refresh_own_key(record)

    def _refresh_own_key(self, record: Record) -> None:
        self._window.runner.run(lambda: keys.own_key(record), guarded(self._show_own_key))

    def _show_own_key(self, own: OwnKey | None) -> None:
        """Create… before there is a key, Replace… (with its fingerprint) after."""
        self._own_key = own
        if own is None:
            self.create_key_action.setText(_T(_C, "&Create…"))
            self.create_key_action.setStatusTip(_T(_C, "Make the key that signs your update "
                                                   "bundles"))
        else:
            self.create_key_action.setText(_T(_C, "&Replace…"))
            self.create_key_action.setStatusTip(_T(_C, "Make a new key in place of {0}; the "
                                                   "secretariat must register it").format(
                own.fingerprint))

    def _changed(self, changes: Changed) -> None:
        """A write changed the exchange (a local edit adds to the unsent count)."""
        if changes.affects(Changed.EXCHANGE):
            self.badge.refresh()
            self._refresh_sent()

    def _after_merge(self) -> None:
        self.conflicts.refresh()
        self._window.did_change(MERGED)

    def _show(self, tab: int) -> None:
        self._window.tabs.setCurrentIndex(tab)

    # -- commands ---------------------------------------------------------------------

    def _record(self) -> Record | None:
        record = self._window.record
        if record is None:
            self._window.show_error(_T(_C, "Open a database first."))
        return record

    def export_bundle(self) -> None:
        record = self._record()
        if record is None:
            return
        dialog = ExportBundleDialog(self._window.runner, record, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda _result: self._refresh_sent())
        # The unsent log changed: the badge counts again, Edit → Undo says "already sent".
        dialog.exported.connect(lambda _result: self._window.did_change(Changed.EXCHANGE))
        dialog.open()

    def create_key(self) -> None:
        record = self._record()
        if record is None:
            return
        dialog = CreateKeyDialog(self._window.runner, record, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(lambda _new: self._key_created(record))
        self.key_dialog = dialog
        dialog.open()

    def _key_created(self, record: Record) -> None:
        self._refresh_own_key(record)
        self._window.did_change(Changed.EXCHANGE)

    def export_public_key(self) -> None:
        record = self._record()
        if record is None:
            return
        self._exporter = PublicKeyExporter(self._window.runner, record, self._window)
        self._exporter.createRequested.connect(self.create_key)
        self._exporter.start()

    def import_pack(self) -> None:
        record = self._record()
        if record is None:
            return
        self._importer = PackImporter(self._window.runner, record, self._window)
        self._importer.imported.connect(lambda _result: self._after_pack())
        self._importer.choose()

    def _after_pack(self) -> None:
        self._window.did_change(PACK_IMPORTED)

    def import_bundles(self) -> None:
        if self._record() is None:
            return
        self._show(self._inbox_tab)
        self.inbox.choose_files()

    def export_packs(self) -> None:
        record = self._record()
        if record is None:
            return
        dialog = ExportPacksDialog(self._window.runner, record, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda _run: self._window.did_change(Changed.EXCHANGE))
        dialog.open()

    def show_sent(self) -> None:
        """Exchange → Sent Bundles…: every bundle this laptop sent; any saved again."""
        record = self._record()
        if record is None:
            return
        if self._sent_dialog is None:
            dialog = SentBundlesDialog(self._window.runner, record, self._window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(lambda _r: setattr(self, "_sent_dialog", None))
            self._sent_dialog = dialog
        self._sent_dialog.show()
        self._sent_dialog.raise_()
        self._sent_dialog.activateWindow()

    def _refresh_sent(self) -> None:
        if self._sent_dialog is not None:
            self._sent_dialog.refresh()

    def show_keys(self) -> None:
        record = self._record()
        if record is None:
            return
        if self._keys_dialog is None:
            dialog = QDialog(self._window)
            dialog.setWindowTitle(_T(_C, "Signing Keys"))
            dialog.setObjectName("keysDialog")
            dialog.setProperty("help_topic", "signing-keys")  # F1 opens the guide there
            dialog.resize(1060, 440)
            view = KeysView(self._window.runner, record, dialog)
            view.changed.connect(lambda: self._window.did_change(Changed.EXCHANGE))
            layout = QVBoxLayout(dialog)
            layout.addWidget(view)
            dialog.finished.connect(lambda _r: setattr(self, "_keys_dialog", None))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._keys_dialog = dialog
        self._keys_dialog.show()
        self._keys_dialog.raise_()


def _make_menu(window: Shell) -> QMenu:
    menu = QMenu(_T(_C, "E&xchange"), window)
    menu.setObjectName("exchangeMenu")
    return menu
