"""The export dialog's summary agrees with the status bar's unsent count, in plural forms."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services.exchange import bundle_export, packs
from nmrf_desktop.services.record import open_record
from nmrf_desktop.ui.exchange import ExportBundleDialog, UnsentBadge
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import Laptop, World, add_action


def _dialog(qtbot, tasks: TaskRunner, record) -> ExportBundleDialog:  # type: ignore[no-untyped-def]
    dialog = ExportBundleDialog(tasks, record)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    return dialog


def test_changes_waiting_for_a_key_are_counted_not_called_nothing(
        qtbot, tasks: TaskRunner, world: World, tmp_path: Path) -> None:
    """A laptop with its agency's pack and recorded work but no signing key yet."""
    record = open_record(tmp_path / "mere" / "laptop.sqlite3")
    try:
        pack = tmp_path / "moj.nmrfpack"
        packs.export_pack(world.central, "MOJ", pack, world.central_key)
        packs.import_pack(record, pack)
        lap = Laptop(record, SigningKey.generate(), "MOJ", "mere")  # the key is never used
        add_action(lap, world.rec_ids(), "Wānanga on the Bill of Rights")
        add_action(lap, world.rec_ids(), "Report to the Minister")
        unsent = bundle_export.unsent_count(record)
        assert unsent == 2

        badge = UnsentBadge(tasks, record)
        qtbot.addWidget(badge)
        badge.refresh()
        qtbot.waitUntil(lambda: badge.unsent == unsent, timeout=10_000)
        dialog = _dialog(qtbot, tasks, record)
        assert dialog.summary.text() == (
            "2 unsent changes on this laptop cannot be exported yet.")
        assert str(badge.unsent) in badge.text()
        assert not dialog.export_button.isEnabled()
        folder = os.environ.get("NMRF_SHOTS")  # a folder to save it in, to look at it
        if folder:
            QApplication.processEvents()
            dialog.grab().save(str(Path(folder) / "export-no-key.png"))
        dialog.close()
        qtbot.waitUntil(lambda: not tasks.busy)
    finally:
        record.close()


def test_one_unsent_change_is_singular(qtbot, tasks: TaskRunner, world: World) -> None:
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids())
    dialog = _dialog(qtbot, tasks, aroha.record)
    assert dialog.summary.text().startswith("1 unsent change for agency MOJ will be signed")
