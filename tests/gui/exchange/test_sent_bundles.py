"""Bundles in the officer's GUI are never lost or overwritten: the export dialog proposes a
name no bundle has and asks before replacing a file; Exchange → Sent Bundles lists every
bundle sent and saves any of them again, byte for byte."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QMessageBox

from nmrf_desktop.services.exchange import bundle_export, bundle_import
from nmrf_desktop.ui.exchange.export_bundle_dialog import ExportBundleDialog, default_bundle_path
from nmrf_desktop.ui.exchange.sent_model import SentColumn
from nmrf_desktop.ui.exchange.sent_view import SentBundlesDialog
from nmrf_desktop.ui.places import documents_folder
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.exchange.world import PASS, Laptop, World, add_action

WAIT = 15_000
# Offscreen, a dialog's window cannot be raised nor grab the keyboard (a test-level mark:
# pytest-qt reads the closest one, and the folder's conftest marks each test).
OFFSCREEN = pytest.mark.qt_log_ignore(r"This plugin does not support")
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, with no Documents folder in it yet."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    return folder


@pytest.fixture
def aroha(world: World) -> Laptop:
    return world.laptop("Aroha Ngata", "MOJ")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to, root included (mode 0555; for root, immutable)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root, and no immutable folders here: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def _open_export(qtbot, tasks: TaskRunner, lap: Laptop) -> ExportBundleDialog:  # type: ignore[no-untyped-def]
    dialog = ExportBundleDialog(tasks, lap.record)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None and dialog.out.path() is not None,
                    timeout=WAIT)
    return dialog


def _type_path(qtbot, dialog: ExportBundleDialog, path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.out.edit.setFocus()
    dialog.out.edit.selectAll()
    QTest.keyClick(dialog.out.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.out.edit, str(path))


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def _export(qtbot, dialog: ExportBundleDialog) -> bundle_export.ExportResult:  # type: ignore[no-untyped-def]
    if not dialog.passphrase.text():
        qtbot.keyClicks(dialog.passphrase, PASS.decode())
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as blocker:
        _click(qtbot, dialog.export_button)
    result: bundle_export.ExportResult = blocker.args[0]
    return result


def _replace_box(qtbot, parent) -> QMessageBox:  # type: ignore[no-untyped-def]
    def shown() -> QMessageBox | None:
        boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        return boxes[0] if len(boxes) == 1 else None
    qtbot.waitUntil(lambda: shown() is not None, timeout=WAIT)
    box = shown()
    assert box is not None
    return box


# -- the export dialog --------------------------------------------------------------------


def test_two_exports_on_the_same_day_give_two_files(qtbot, tasks: TaskRunner, world: World,  # type: ignore[no-untyped-def]
                                                    aroha: Laptop, home: Path) -> None:
    ids = world.rec_ids()
    add_action(aroha, ids, "Te reo Māori training for court staff")
    first = _open_export(qtbot, tasks, aroha)
    documents = home / "Documents"
    assert documents.is_dir()  # made for the proposal
    assert first.out.path() == documents / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    first_result = _export(qtbot, first)
    assert first_result.path == documents / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    first_hash = sha256(first_result.path)
    first.close()

    add_action(aroha, ids, "Whānau Ora evaluation")
    second = _open_export(qtbot, tasks, aroha)
    assert second.out.path() == documents / "MOJ-Aroha-Ngata-00002.nmrfbundle"
    second_result = _export(qtbot, second)
    assert sorted(p.name for p in documents.iterdir()) == [
        "MOJ-Aroha-Ngata-00001.nmrfbundle", "MOJ-Aroha-Ngata-00002.nmrfbundle"]
    assert sha256(first_result.path) == first_hash  # nothing overwritten
    assert second_result.sequence == 2 and not any(
        m.kind == "question" for m in [second.message])
    results = bundle_import.import_bundles(world.central,
                                           [first_result.path, second_result.path])
    assert [r.status for r in results] == [bundle_import.MERGED, bundle_import.MERGED]


def test_the_proposal_never_names_a_file_that_is_there(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    assert default_bundle_path("MOJ-A-00003.nmrfbundle", str(documents)) == \
        documents / "MOJ-A-00003.nmrfbundle"
    (documents / "MOJ-A-00003.nmrfbundle").write_bytes(b"restored from a backup")
    assert default_bundle_path("MOJ-A-00003.nmrfbundle", str(documents)) == \
        documents / "MOJ-A-00003-2.nmrfbundle"
    a_file = tmp_path / "not a folder"
    a_file.write_text("x")
    assert documents_folder(str(a_file / "Documents")) == Path.home()  # never fails
    assert documents_folder("") == Path.home()


def test_the_dialog_asks_before_replacing_and_no_writes_nothing(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                                                world: World, aroha: Laptop,
                                                                home: Path, outbox: Path) -> None:
    add_action(aroha, world.rec_ids(), "Hui with iwi and hapū")
    out = outbox / "MOJ-update.nmrfbundle"
    out.write_bytes(b"yesterday's bundle, not yet delivered")
    dialog = _open_export(qtbot, tasks, aroha)
    _type_path(qtbot, dialog, out)
    qtbot.keyClicks(dialog.passphrase, PASS.decode())
    _click(qtbot, dialog.export_button)
    box = _replace_box(qtbot, dialog)
    assert box.text() == "Replace MOJ-update.nmrfbundle?"
    assert str(outbox) in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.grab().save("/tmp/sent-replace-box.png")
    QTest.keyClick(box, Qt.Key.Key_Return)  # Enter takes the default: No
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT)
    assert out.read_bytes() == b"yesterday's bundle, not yet delivered"
    assert dialog.message.kind == "info" and "Nothing was written" in dialog.message.text()
    assert bundle_export.unsent_count(aroha.record) == 1
    assert dialog.passphrase.text() == PASS.decode()  # not used up by the question
    assert dialog.export_button.isEnabled() and not tasks.busy

    _click(qtbot, dialog.export_button)
    box = _replace_box(qtbot, dialog)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        _click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert out.read_bytes() != b"yesterday's bundle, not yet delivered"
    assert bundle_import.import_bundle(world.central, out).status == bundle_import.MERGED


def test_a_folder_chosen_in_the_dialog_gets_the_bundle_under_its_own_name(  # type: ignore[no-untyped-def]
        qtbot, tasks: TaskRunner, world: World, aroha: Laptop, home: Path,
        outbox: Path) -> None:
    add_action(aroha, world.rec_ids())
    dialog = _open_export(qtbot, tasks, aroha)
    _type_path(qtbot, dialog, outbox)
    result = _export(qtbot, dialog)  # no question: nothing is replaced
    assert result.path == outbox / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    assert str(result.path) in dialog.message.text()
    assert [p.name for p in outbox.iterdir()] == [result.path.name]


def test_bad_places_are_named_before_the_passphrase_is_used(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                                            world: World, aroha: Laptop,
                                                            home: Path, tmp_path: Path,
                                                            read_only_folder: Path) -> None:
    add_action(aroha, world.rec_ids())
    dialog = _open_export(qtbot, tasks, aroha)
    qtbot.keyClicks(dialog.passphrase, PASS.decode())
    missing = tmp_path / "no such folder"
    for out, words in ((missing / "b.nmrfbundle", (str(missing), "does not exist")),
                       (read_only_folder / "b.nmrfbundle",
                        (str(read_only_folder), "cannot be written")),
                       (read_only_folder, (str(read_only_folder), "cannot be written"))):
        _type_path(qtbot, dialog, out)
        _click(qtbot, dialog.export_button)
        assert dialog.message.kind == "error"
        for word in words:
            assert word in dialog.message.text()
        assert dialog.passphrase.text() == PASS.decode() and not dialog.busy
    assert not missing.exists() and list(read_only_folder.iterdir()) == []
    assert bundle_export.unsent_count(aroha.record) == 1
    assert bundle_export.sent_bundles(aroha.record) == []


# -- Exchange → Sent Bundles --------------------------------------------------------------


def _sent_dialog(qtbot, tasks: TaskRunner, lap: Laptop) -> SentBundlesDialog:  # type: ignore[no-untyped-def]
    dialog = SentBundlesDialog(tasks, lap.record)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view.is_idle() and not tasks.busy, timeout=WAIT)
    return dialog


def _save_in_file_dialog(qtbot, view, path: Path) -> None:  # type: ignore[no-untyped-def]
    """In the Save Again file dialog (opened in the documents folder, the bundle's own name
    proposed), type the name and press Enter, as a person would."""
    qtbot.waitUntil(lambda: view.file_dialog is not None and view.file_dialog.isVisible(),
                    timeout=WAIT)
    chooser: QFileDialog = view.file_dialog
    assert Path(chooser.directory().path()) == path.parent
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    assert name is not None and name.text() == "MOJ-Aroha-Ngata-00001.nmrfbundle"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name, timeout=WAIT)
    name.selectAll()
    qtbot.keyClicks(name, path.name)
    QTest.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.file_dialog is None, timeout=WAIT)


@OFFSCREEN
def test_the_sent_list_shows_both_and_saves_the_first_again(qtbot, qtmodeltester,  # type: ignore[no-untyped-def]
                                                            tasks: TaskRunner, world: World,
                                                            aroha: Laptop, home: Path,
                                                            outbox: Path) -> None:
    ids = world.rec_ids()
    add_action(aroha, ids, "Te reo Māori training")
    first = bundle_export.export_bundle(aroha.record, outbox, aroha.key)
    add_action(aroha, ids, "Whānau Ora evaluation")
    bundle_export.export_bundle(aroha.record, outbox, aroha.key)
    assert bundle_import.import_bundle(world.central, first.path).status == \
        bundle_import.MERGED
    world.send_pack(aroha)  # acknowledges the first
    original = sha256(first.path)
    first.path.unlink()  # lost on the way

    dialog = _sent_dialog(qtbot, tasks, aroha)
    view = dialog.view
    qtmodeltester.check(view.model)
    rows = view.model.rows()
    assert [(r.sequence, r.acknowledged) for r in rows] == [(2, False), (1, True)]
    model = view.model
    assert model.data(model.index(1, SentColumn.FILE)) == "MOJ-Aroha-Ngata-00001.nmrfbundle"
    assert model.data(model.index(1, SentColumn.CENTRE)) == "Acknowledged"
    assert model.data(model.index(0, SentColumn.CENTRE)) == "Awaiting acknowledgement"
    assert view.count_label.text() == "2 bundles sent · 1 awaiting acknowledgement"
    dialog.resize(980, 300)
    qtbot.wait(50)
    dialog.grab().save("/tmp/sent-dialog.png")

    # By keyboard: the list has the focus, Down to bundle 1, Enter is Save Again….
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table, timeout=WAIT)
    QTest.keyClick(view.table, Qt.Key.Key_Down)
    assert view.current_row() is not None and view.current_row().sequence == 1
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    again = home / "Documents" / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    with qtbot.waitSignal(view.saved, timeout=WAIT) as blocker:
        _save_in_file_dialog(qtbot, view, again)
    assert blocker.args[0] == again
    assert sha256(again) == original  # the very file that was sent
    assert view.message.kind == "success" and str(again) in view.message.text()
    assert bundle_import.import_bundle(world.central, again).status == \
        bundle_import.DUPLICATE

    # Again to the same place: asked first; No keeps the file, Yes writes it.
    again.write_bytes(b"a copy edited by hand")
    _click(qtbot, view.save_button)
    _save_in_file_dialog(qtbot, view, again)
    box = _replace_box(qtbot, view)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    _click(qtbot, box.button(QMessageBox.StandardButton.No))
    qtbot.waitUntil(lambda: view.message.kind == "info", timeout=WAIT)
    assert again.read_bytes() == b"a copy edited by hand"
    _click(qtbot, view.save_button)
    _save_in_file_dialog(qtbot, view, again)
    box = _replace_box(qtbot, view)
    with qtbot.waitSignal(view.saved, timeout=WAIT):
        _click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert sha256(again) == original


def test_a_bundle_whose_copy_is_gone_cannot_be_saved_again(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                                           world: World, aroha: Laptop,
                                                           home: Path, outbox: Path) -> None:
    add_action(aroha, world.rec_ids())
    result = bundle_export.export_bundle(aroha.record, outbox, aroha.key)
    (aroha.record.data_root / "sent" / f"{result.bundle_id}.nmrfbundle").unlink()
    dialog = _sent_dialog(qtbot, tasks, aroha)
    view = dialog.view
    assert view.current_row() is not None and not view.current_row().kept
    assert not view.save_button.isEnabled()  # and the list says why
    assert view.message.kind == "warning"
    assert view.message.text() == ("This laptop no longer holds a copy of bundle 1, so it "
                                   "cannot be saved again.")
    model = view.model
    assert "no longer holds a copy" in model.data(model.index(0, SentColumn.FILE),
                                                  Qt.ItemDataRole.ToolTipRole)
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    view.save_again()  # even when asked directly: no file dialog, the reason again
    assert view.file_dialog is None and view.message.kind == "warning"


@OFFSCREEN
def test_exchange_menu_opens_the_sent_list_by_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    hub = window.exchange
    sent = hub.officer_actions[2]
    assert sent.text() == "&Sent Bundles…" and sent.isVisible() and sent.isEnabled()
    assert sent in hub.menu.actions()
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: hub._sent_dialog is not None and hub._sent_dialog.isVisible(),
                    timeout=WAIT)
    dialog = hub._sent_dialog
    assert isinstance(dialog, QDialog)
    qtbot.waitUntil(lambda: dialog.view.is_idle(), timeout=WAIT)
    assert dialog.view.count_label.text() == "0 bundles sent"
    assert not dialog.view.save_button.isEnabled()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: hub._sent_dialog is None, timeout=WAIT)
