"""The coordinator's exchange GUI: export packs for every agency, the key registry."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from nmrf_desktop.services.exchange import inbox, keys
from nmrf_desktop.store.models import IssuedPack
from nmrf_desktop.ui.exchange import ExportPacksDialog, KeysView
from nmrf_desktop.ui.exchange.keys_view import Registration
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import PASS, World


def _issued(world: World) -> int:
    with world.central.reading() as session:
        return int(session.execute(select(func.count()).select_from(IssuedPack)).scalar_one())


def _dialog(qtbot, tasks: TaskRunner, world: World, folder: Path  # type: ignore[no-untyped-def]
            ) -> ExportPacksDialog:
    dialog = ExportPacksDialog(tasks, world.central)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.agencies is not None, timeout=10_000)
    dialog.folder.set_path(folder)
    return dialog


def test_wrong_passphrase_writes_no_pack(qtbot, tasks: TaskRunner, world: World,
                                         tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    before = _issued(world)
    dialog = _dialog(qtbot, tasks, world, folder)
    dialog.passphrase.setText("wrong")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=10_000)
    assert "passphrase" in dialog.message.text()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert _issued(world) == before
    assert dialog.passphrase.isEnabled() and dialog.passphrase.text() == ""


def test_one_pack_per_agency_with_assignments(qtbot, tasks: TaskRunner, world: World,
                                              tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    expected = [code for code, _ in inbox.pack_agencies(world.central)]
    assert len(expected) >= 2
    dialog = _dialog(qtbot, tasks, world, folder)
    assert all(code in dialog.summary.text() for code in expected)
    dialog.passphrase.setText(PASS.decode())
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.export_button.click()
    run = blocker.args[0]
    assert not run.cancelled and [p["agency"] for p in run.written] == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        inbox.pack_file_name(code) for code in expected)
    assert dialog.message.kind == "success"


def test_stop_between_agencies(qtbot, tasks: TaskRunner, world: World,
                               tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    dialog = _dialog(qtbot, tasks, world, folder)
    dialog.passphrase.setText(PASS.decode())
    gate = threading.Event()
    tasks.run(gate.wait)  # hold the worker so Stop is pressed before the first pack
    dialog.export_button.click()
    dialog.reject()  # "Stop": asks to stop between agencies; the dialog stays open
    assert dialog.isVisible()
    gate.set()
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        pass
    run = blocker.args[0]
    assert run.cancelled and len(run.written) == 1 < run.agencies
    assert dialog.message.kind == "warning"
    assert len(list(folder.iterdir())) == 1


def test_key_registry_registers_and_revokes(qtbot, qtmodeltester, tasks: TaskRunner,
                                            world: World, monkeypatch) -> None:
    from nmrf_desktop.bundles.keys import SigningKey

    view = KeysView(tasks, world.central)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 1, timeout=10_000)
    assert view.model.index(0, 3).data() == "Central"

    pub = world.root / "mere.pub"
    officer_key = SigningKey.generate()
    pub.write_bytes(officer_key.public.to_pem())
    view.register(Registration(pub, "Mere", "MOJ", 365))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(view.model)
    assert view.message.kind == "success"
    assert keys.fingerprint(officer_key.id) in view.message.text()

    view.table.selectRow(1)
    assert view.revoke_button.isEnabled()
    monkeypatch.setattr(view, "confirm_revoke", lambda info: True)
    view.revoke_button.click()
    qtbot.waitUntil(lambda: view.is_idle() and view.model.row_at(1).status == "revoked",
                    timeout=10_000)
    assert view.model.index(1, 4).data() == "Revoked"

    view.register(Registration(pub, "Mere", "MOJ", 365))  # the same key twice: refused
    qtbot.waitUntil(lambda: view.message.kind == "error", timeout=10_000)
    assert "already registered" in view.message.text()
