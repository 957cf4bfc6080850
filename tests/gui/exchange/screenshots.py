"""Offscreen screenshots of the exchange GUI on a real small world: inbox, conflicts, export.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.exchange.screenshots OUTDIR
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.ui.exchange import (
    ConflictsView,
    ExportBundleDialog,
    InboxView,
)
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.screenshot import wait_until
from tests.conftest import NZ_CSV
from tests.unit.exchange.world import add_action, forge_bundle, make_world

from .conftest import edit_action

log = logging.getLogger(__name__)


def _save(widget: QWidget, path: Path) -> None:
    widget.repaint()
    QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    log.info("saved %s", path)


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["NMRF_DATA_DIR"] = str(root / "userdata")
        world = make_world(root / "world", NZ_CSV)
        outbox = root / "outbox"
        outbox.mkdir()
        aroha = world.laptop("Aroha Ngata", "MOJ")
        hemi = world.laptop("Hemi Walker", "MOJ")
        ids = world.rec_ids()
        action = add_action(aroha, ids, "Review the Human Rights Act")
        bundle_import.import_bundle(world.central, aroha.export(outbox))
        world.send_pack(aroha)
        world.send_pack(hemi)
        edit_action(aroha, action, title="Review the Human Rights Act 1993")
        edit_action(hemi, action, title="Repeal and replace the Act",
                    status=ActionStatus.IN_PROGRESS)
        edit_action(aroha, action, description="Hui with iwi and hapū in Whanganui first")
        first = aroha.export(outbox)
        add_action(aroha, ids, "Te reo Māori training for court staff")
        later = aroha.export(outbox)
        add_action(aroha, ids, "Whānau Ora evaluation")
        latest = aroha.export(outbox)
        hemi_bundle = hemi.export(outbox)
        forged = forge_bundle(outbox / "unknown-sender.nmrfbundle", SigningKey.generate(),
                              "MOJ", [ChangeLine("7d0c2f7e-0000-4000-8000-000000000001",
                                                 "action",
                                                 "7d0c2f7e-0000-4000-8000-000000000002",
                                                 "insert", {"title": "x"}, None)])
        add_action(hemi, ids, "Draft the Cabinet paper")
        add_action(hemi, ids, "Consult the Human Rights Commission")

        tasks = TaskRunner()
        inbox = InboxView(tasks, world.central)
        inbox.resize(1200, 680)
        inbox.show()
        inbox.import_files([first, latest, hemi_bundle, forged])
        wait_until(lambda: inbox.is_idle() and inbox.model.rowCount() >= 5)
        inbox.table.selectRow(next(i for i, r in enumerate(inbox.model.rows())
                                   if r.status == "merged" and r.sequence == 2))
        wait_until(lambda: "Signed by" in inbox.detail.toPlainText())
        wait_until(inbox.is_idle)
        _save(inbox, out / "exchange-inbox.png")
        del later

        conflicts = ConflictsView(tasks, world.central)
        conflicts.resize(1100, 620)
        conflicts.show()
        wait_until(lambda: conflicts.is_idle() and conflicts.model.rowCount() > 0)
        row = next((i for i, c in enumerate(conflicts.model.rows()) if c.kind == "hard"), 0)
        conflicts.select(row)
        _save(conflicts, out / "exchange-conflicts.png")

        dialog = ExportBundleDialog(tasks, hemi.record)
        dialog.show()
        wait_until(lambda: dialog.state is not None)
        dialog.out.set_path(outbox / "MOJ-update.nmrfbundle")
        dialog.passphrase.setText("wrong passphrase")
        dialog.export()
        wait_until(lambda: dialog.message.kind == "error")
        dialog.adjustSize()
        _save(dialog, out / "exchange-export-bundle.png")

        for w in (inbox, conflicts, dialog):
            w.close()
        tasks.shutdown()
        world.close()
    del app
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
