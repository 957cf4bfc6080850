"""The officer's "Import pack…": choose the file, verify and import on the worker, report."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.exchange.packs import PackImport
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class PackImporter(QObject):
    """Imports a pack for the window it belongs to and tells the officer what happened.

    `imported(PackImport)` fires after a successful import (refresh the views and the
    badge); `refused(str)` with the message shown when the pack was refused.
    """

    imported = Signal(object)
    refused = Signal(str)

    def __init__(self, runner: TaskRunner, record: Record, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner, self._record, self._window = runner, record, parent
        self.busy = False
        self.last_box: QMessageBox | None = None

    def choose(self) -> None:
        """Ask for a pack file, then import it."""
        chosen, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Import Pack"), str(Path.home()),
            self.tr("NMRF packs (*.nmrfpack);;All files (*)"))
        if chosen:
            self.import_file(Path(chosen))

    def import_file(self, path: Path) -> None:
        if self.busy:
            return
        self.busy = True
        record = self._record
        self._window.setCursor(Qt.CursorShape.BusyCursor)
        self._runner.run(lambda: packs.import_pack(record, path),
                         guarded(self._done), guarded(self._failed))

    def _done(self, result: PackImport) -> None:
        self._finish()
        if result.already_imported:
            self._box(QMessageBox.Icon.Information, self.tr(
                "Pack {0} for {1} was already imported; nothing changed.").format(
                result.version, result.agency))
            return
        text = self.tr("Imported pack {0} for {1}: {2} recommendations, {3} of your bundles "
                       "acknowledged. Your unsent changes were kept.").format(
            result.version, result.agency, result.recommendations, result.acknowledged)
        details: list[str] = []
        icon = QMessageBox.Icon.Information
        if result.first_pin:
            icon = QMessageBox.Icon.Warning
            details.append(self.tr(
                "This laptop now trusts the secretariat's signing key with the fingerprint\n\n"
                "{0}\n\nPlease phone the secretariat and check that they read out the same "
                "fingerprint. If it differs, stop and tell them: the pack did not come from "
                "them.").format(result.fingerprint))
        for warning in result.warnings:
            icon = QMessageBox.Icon.Warning
            details.append(self.tr("Warning: {0}").format(warning))
        log.info("imported pack %s for %s", result.version, result.agency)
        self._box(icon, text, "\n\n".join(details))
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        message = explain(exc)
        self._box(QMessageBox.Icon.Critical, message)
        self.refused.emit(message)

    def _finish(self) -> None:
        self.busy = False
        self._window.unsetCursor()

    def _box(self, icon: QMessageBox.Icon, text: str, informative: str = "") -> None:
        box = QMessageBox(icon, self.tr("Import Pack"), text, QMessageBox.StandardButton.Ok,
                          self._window)
        box.setObjectName("packImportMessage")
        box.setProperty("help_topic", "import-pack")  # F1 opens the guide there
        if informative:
            box.setInformativeText(informative)
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_box = box
        box.open()
