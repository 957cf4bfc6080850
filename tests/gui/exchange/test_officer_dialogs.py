"""The officer's exchange GUI: export a bundle, import a pack, the unsent-changes badge."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QMessageBox
from sqlalchemy import func, select

from nmrf_desktop.services.exchange import bundle_export, keys, packs
from nmrf_desktop.services.record import open_record
from nmrf_desktop.store.models import SentBundle
from nmrf_desktop.ui.exchange import ExportBundleDialog, PackImporter, UnsentBadge
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import PASS, World, add_action, record_digest


def _dialog(qtbot, tasks: TaskRunner, record) -> ExportBundleDialog:  # type: ignore[no-untyped-def]
    dialog = ExportBundleDialog(tasks, record)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    return dialog


def _sent(record) -> int:  # type: ignore[no-untyped-def]
    with record.reading() as session:
        return int(session.execute(select(func.count()).select_from(SentBundle)).scalar_one())


def test_wrong_passphrase_shows_the_message_and_writes_nothing(
        qtbot, tasks: TaskRunner, world: World, outbox: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids())
    dialog = _dialog(qtbot, tasks, aroha.record)
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.summary.text().startswith("1 unsent change for agency MOJ")
    out = outbox / "aroha.nmrfbundle"
    dialog.out.set_path(out)
    dialog.passphrase.setText("not the passphrase")
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()
    assert dialog.passphrase.text() == ""  # never kept in the field once used
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=10_000)
    assert "passphrase" in dialog.message.text()
    assert "Nothing was written" in dialog.message.text()
    assert not out.exists()
    assert list(outbox.iterdir()) == []
    assert bundle_export.unsent_count(aroha.record) == 1
    assert _sent(aroha.record) == 0


def test_right_passphrase_writes_the_bundle(qtbot, tasks: TaskRunner, world: World,
                                            outbox: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids())
    dialog = _dialog(qtbot, tasks, aroha.record)
    out = outbox / "aroha.nmrfbundle"
    dialog.out.set_path(out)
    dialog.passphrase.setText(PASS.decode())
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as blocker:
        dialog.export_button.click()
    assert blocker.args[0].changes == 1 and out.exists()
    assert dialog.message.kind == "success" and str(out) in dialog.message.text()
    assert bundle_export.unsent_count(aroha.record) == 0
    assert bundle_export.awaiting_ack_count(aroha.record) == 1
    assert not dialog.export_button.isVisible()


def test_no_unsent_changes_and_no_agency_are_said_up_front(qtbot, tasks: TaskRunner,
                                                           world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    dialog = _dialog(qtbot, tasks, aroha.record)
    assert "no unsent changes" in dialog.summary.text()
    assert not dialog.export_button.isEnabled()

    fresh = open_record(tmp_path / "fresh" / "laptop.sqlite3")
    try:
        dialog = _dialog(qtbot, tasks, fresh)
        assert dialog.message.kind == "warning"
        assert "Import your agency's pack" in dialog.message.text()
        dialog.passphrase.setText("anything")
        dialog.out.set_path(tmp_path / "x.nmrfbundle")
        assert not dialog.export_button.isEnabled()
        qtbot.waitUntil(lambda: not tasks.busy)
    finally:
        fresh.close()


def _message_box(parent) -> QMessageBox:  # type: ignore[no-untyped-def]
    boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_first_pack_shows_the_fingerprint_to_check_by_phone(qtbot, tasks: TaskRunner,
                                                           world: World, tmp_path: Path,
                                                           outbox: Path) -> None:
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    laptop = open_record(tmp_path / "new" / "laptop.sqlite3")
    try:
        pack = outbox / "MOJ.nmrfpack"
        packs.export_pack(world.central, "MOJ", pack, world.central_key)
        importer = PackImporter(tasks, laptop, window)
        with qtbot.waitSignal(importer.imported, timeout=20_000):
            importer.import_file(pack)
        box = _message_box(window)
        assert "Imported pack 1 for MOJ" in box.text()
        fingerprint = keys.fingerprint(world.central_key.id)
        assert fingerprint in box.informativeText()
        assert "phone" in box.informativeText()
        assert laptop.setting(packs.AGENCY) == "MOJ"
        box.close()
        qtbot.waitUntil(lambda: not tasks.busy)
    finally:
        laptop.close()


def test_expired_pack_warns_and_older_pack_is_refused(qtbot, tasks: TaskRunner,
                                                      world: World, outbox: Path) -> None:
    from PySide6.QtWidgets import QWidget

    aroha = world.laptop("aroha", "MOJ")  # holds pack 1
    older = outbox / "v2.nmrfpack"
    packs.export_pack(world.central, "MOJ", older, world.central_key)
    expired = outbox / "v3.nmrfpack"
    packs.export_pack(world.central, "MOJ", expired, world.central_key, valid_days=-1)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    importer = PackImporter(tasks, aroha.record, window)

    with qtbot.waitSignal(importer.imported, timeout=20_000):
        importer.import_file(expired)
    box = _message_box(window)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "expired" in box.informativeText()
    assert "phone" not in box.informativeText()  # the key was pinned by the first pack
    box.close()
    qtbot.waitUntil(lambda: not box.isVisible())

    before = record_digest(aroha.record)
    with qtbot.waitSignal(importer.refused, timeout=20_000) as blocker:
        importer.import_file(older)
    assert "older" in blocker.args[0] and "nothing changed" in blocker.args[0]
    box = _message_box(window)
    assert box.icon() == QMessageBox.Icon.Critical and "older" in box.text()
    assert record_digest(aroha.record) == before
    assert aroha.record.setting(packs.PACK_VERSION) == "3"
    box.close()


def test_badge_counts_unsent_and_awaiting(qtbot, tasks: TaskRunner, world: World,
                                          outbox: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    badge = UnsentBadge(tasks, aroha.record)
    qtbot.addWidget(badge)
    qtbot.waitUntil(lambda: not tasks.busy)
    assert (badge.unsent, badge.awaiting) == (0, 0)
    assert badge.text() == "All changes sent"

    ids = world.rec_ids()
    add_action(aroha, ids, "One")
    add_action(aroha, ids, "Two")
    badge.refresh()
    qtbot.waitUntil(lambda: badge.unsent == 2, timeout=10_000)
    assert badge.text() == "2 unsent changes"
    assert badge.font().bold()

    aroha.export(outbox)
    add_action(aroha, ids, "Three")
    badge.refresh()
    qtbot.waitUntil(lambda: badge.awaiting == 2, timeout=10_000)
    assert badge.unsent == 1
    assert badge.text() == "1 unsent change · 2 awaiting acknowledgement"

    badge.set_record(None)
    assert badge.text() == "" and not badge.isVisible()
