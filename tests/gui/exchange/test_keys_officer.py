"""The officer's own signing key in the app: Exchange → My Signing Key → Create… / Replace…,
Export Public Key…, and Create My Key… in the export dialog; real keys, real records."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMenu, QMessageBox

from nmrf_desktop.bundles.keys import PublicKey
from nmrf_desktop.services.exchange import bundle_export, bundle_import, keys
from nmrf_desktop.ui.exchange import ExportBundleDialog
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog, FingerprintDialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.exchange.world import World

from .keys_support import (
    MENU_NOISE,
    STRONG,
    activate,
    new_laptop,
    pick_file,
    record_action,
    shown,
    type_passphrases,
    type_text,
    wait_shown,
)

# Closer than the marker tests/gui/conftest.py adds to every test, so it names that too.
uses_menus = pytest.mark.qt_log_ignore(*MENU_NOISE)


@pytest.fixture
def laptop_window(qtbot, tasks: TaskRunner, world: World,  # type: ignore[no-untyped-def]
                  tmp_path: Path) -> MainWindow:
    """The app on Aroha's new laptop: MOJ's pack imported, her profile set, no key yet."""
    path = new_laptop(world, tmp_path / "aroha", "Aroha Ngātā")
    window = MainWindow(tasks, remember_state=False)
    qtbot.addWidget(window)
    window.open_database(path)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle(),
                    timeout=20_000)
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
    return window


def _open_key_menu(qtbot, window: MainWindow) -> QMenu:  # type: ignore[no-untyped-def]
    """Alt+X opens Exchange; K opens My Signing Key (as a person would, from the keyboard)."""
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    exchange = window.findChild(QMenu, "exchangeMenu")
    assert exchange is not None
    qtbot.waitUntil(exchange.isVisible, timeout=5_000)
    qtbot.keyClick(exchange, Qt.Key.Key_K)
    menu = window.findChild(QMenu, "mySigningKeyMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    return menu


@uses_menus
def test_create_from_the_menu_refuses_weak_and_mismatched_then_signs_a_verified_bundle(
        qtbot, tasks: TaskRunner, world: World, laptop_window: MainWindow,
        tmp_path: Path) -> None:
    window = laptop_window
    record = window.record
    assert record is not None
    hub = window.exchange
    qtbot.waitUntil(lambda: hub.create_key_action.text() == "&Create…", timeout=10_000)
    menu = _open_key_menu(qtbot, window)
    assert [a.text() for a in menu.actions()] == ["&Create…", "&Export Public Key…"]
    qtbot.keyClick(menu, Qt.Key.Key_C)
    dialog = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert dialog.windowTitle() == "Create My Signing Key"
    assert not dialog.warning.isVisible()  # nothing to replace
    assert dialog.focusWidget() is dialog.first
    assert "At least 12 characters" in dialog.hint.text()

    # Too short: refused, the reason beside the field, nothing written.
    type_passphrases(qtbot, dialog, "kia kaha")
    assert dialog.errors.message("passphrase").startswith("Too short: use at least 12 "
                                                         "characters")
    assert dialog.focusWidget() is dialog.first
    # Long enough but one of the first passwords an attacker tries.
    type_passphrases(qtbot, dialog, "password1234")
    assert dialog.errors.message("passphrase").startswith("Too common")
    # Her own name is no secret either.
    type_passphrases(qtbot, dialog, "Aroha Ngātā MOJ")
    assert dialog.errors.message("passphrase").startswith("Too easy to guess")
    assert "your name" in dialog.errors.message("passphrase")
    # Typed without its macrons it is no better, and the hint's wrapped lines show whole.
    dialog.first.setText("Aroha Ngata 2026")
    assert dialog.hint.text().startswith("Too easy to guess")
    dialog.resize(1, 1)  # as small as its layout lets it be (a person saw it clipped)
    qtbot.wait(50)
    assert dialog.hint.height() >= dialog.hint.heightForWidth(dialog.hint.width()), (
        dialog.hint.height(), dialog.hint.heightForWidth(dialog.hint.width()))
    # Strong, but typed differently the second time.
    type_passphrases(qtbot, dialog, STRONG, STRONG + "!")
    assert dialog.errors.message("passphrase") == ""
    assert "differ" in dialog.errors.message("repeat")
    assert dialog.focusWidget() is dialog.second
    assert record.setting(keys.LAPTOP_KEY) == ""
    assert not (record.keys_root.exists() and any(record.keys_root.iterdir()))

    type_passphrases(qtbot, dialog, STRONG)
    qtbot.waitUntil(lambda: dialog.new_key is not None, timeout=20_000)
    new = dialog.new_key
    assert new is not None
    assert record.setting(keys.LAPTOP_KEY) == new.key_id
    assert dialog.first.text() == "" and dialog.second.text() == ""  # never kept
    assert dialog.message.kind == "success"
    assert dialog.fingerprint is not None
    assert dialog.fingerprint.text() == keys.grouped_fingerprint(new.key_id)
    assert dialog.export_button.isVisible() and dialog.export_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown(CreateKeyDialog) is None, timeout=5_000)
    qtbot.waitUntil(lambda: hub.create_key_action.text() == "&Replace…", timeout=10_000)

    # The key is usable: it unlocks with the passphrase typed, signs a bundle, and the
    # bundle verifies and merges at the central record once the key is registered there.
    record_action(record, "MOJ", "Hui with iwi in Whanganui")
    key = keys.load_key(record, STRONG.encode("utf-8"))
    assert key.id == new.key_id
    pub = tmp_path / "aroha.pub"
    keys.export_public(record, pub)
    keys.register_key(world.central, pub, officer="Aroha Ngātā", agency="MOJ")
    bundle = tmp_path / "aroha.nmrfbundle"
    bundle_export.export_bundle(record, bundle, key)
    result = bundle_import.import_bundle(world.central, bundle)
    assert result.status == "merged", result.reason
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)


@uses_menus
def test_replace_warns_and_export_shows_the_fingerprint_to_check_by_phone(
        qtbot, tasks: TaskRunner, world: World, laptop_window: MainWindow,
        tmp_path: Path) -> None:
    window = laptop_window
    record = window.record
    assert record is not None
    keys.create_key(record, b"an older key passphrase here")
    old = record.setting(keys.LAPTOP_KEY)
    hub = window.exchange
    menu = _open_key_menu(qtbot, window)
    qtbot.waitUntil(lambda: hub.create_key_action.text() == "&Replace…", timeout=10_000)
    qtbot.keyClick(menu, Qt.Key.Key_R)
    dialog = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert dialog.windowTitle() == "Replace My Signing Key"
    assert dialog.warning.isVisible()
    assert keys.fingerprint(old) in dialog.warning.text()
    assert "secretariat registers it as the replacement" in dialog.warning.text()
    assert dialog.create_button.text() == "&Replace Key"
    type_passphrases(qtbot, dialog, STRONG)
    qtbot.waitUntil(lambda: dialog.new_key is not None, timeout=20_000)
    new = record.setting(keys.LAPTOP_KEY)
    assert new != old and dialog.new_key is not None and dialog.new_key.key_id == new

    # Export Public Key… from the dialog (Alt+E): a save dialog named for MOJ and Aroha.
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    chooser = wait_shown(qtbot, QFileDialog)
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    assert name is not None and name.text() == "MOJ-Aroha-Ngātā-signing-key.pub"
    out = tmp_path / "outbox" / name.text()
    out.parent.mkdir()
    pick_file(qtbot, out)
    saved = wait_shown(qtbot, FingerprintDialog)
    assert saved.fingerprint.text() == keys.grouped_fingerprint(new)
    assert len(saved.fingerprint.text().split("\n")) == 2
    assert all(len(g) == 4 for g in saved.fingerprint.text().split())
    assert saved.fingerprint.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert str(out) in saved.findChild(type(saved.fingerprint), "savedTo").text()
    assert PublicKey.from_pem(out.read_bytes()).id == new
    qtbot.keyClick(saved, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == keys.fingerprint(new),
                    timeout=5_000)  # a mnemonic clicks the button after a short flash
    qtbot.keyClick(saved, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown(FingerprintDialog) is None, timeout=5_000)

    # From the menu too, and a second time to the same name: the file dialog asks first
    # (its own overwrite question), so here it goes to a new name.
    menu = _open_key_menu(qtbot, window)
    qtbot.keyClick(menu, Qt.Key.Key_E)
    again = tmp_path / "outbox" / "again.pub"
    pick_file(qtbot, again)
    saved = wait_shown(qtbot, FingerprintDialog)
    assert again.read_bytes() == out.read_bytes()
    saved.close()


@uses_menus
def test_export_public_key_with_no_key_offers_to_create_one(
        qtbot, tasks: TaskRunner, laptop_window: MainWindow) -> None:
    window = laptop_window
    menu = _open_key_menu(qtbot, window)
    qtbot.keyClick(menu, Qt.Key.Key_E)
    box = wait_shown(qtbot, QMessageBox)
    assert "no signing key yet" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: Create My Key…
    dialog = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    dialog.reject()


def test_the_export_dialog_creates_the_key_right_there(qtbot, tasks: TaskRunner, world: World,
                                                      laptop_window: MainWindow,
                                                      tmp_path: Path) -> None:
    window = laptop_window
    record = window.record
    assert record is not None
    record_action(record, "MOJ", "Te reo Māori training for court staff")
    dialog = ExportBundleDialog(tasks, record, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert "no signing key yet" in dialog.message.text()
    assert "nmrf" not in dialog.message.text() and "--" not in dialog.message.text()
    button = dialog.create_key_button
    assert button is not None and button.isVisible() and button.isDefault()
    assert not dialog.export_button.isEnabled()
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    create = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: create.state is not None, timeout=10_000)
    type_passphrases(qtbot, create, STRONG)
    qtbot.waitUntil(lambda: create.new_key is not None, timeout=20_000)
    create.close()
    # The export dialog carries on: the key is there, the change is ready to sign.
    qtbot.waitUntil(lambda: dialog.state is not None and dialog.state.has_key, timeout=10_000)
    assert not button.isVisible()
    assert dialog.summary.text().startswith("1 unsent change for agency MOJ")
    dialog.out.set_path(tmp_path / "first.nmrfbundle")
    type_text(qtbot, dialog.passphrase, STRONG)
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    written = blocker.args[0].path
    pub = tmp_path / "aroha.pub"
    keys.export_public(record, pub)
    keys.register_key(world.central, pub, officer="Aroha Ngātā", agency="MOJ")
    assert bundle_import.import_bundle(world.central, written).status == "merged"
    dialog.close()


def test_the_organisation_minimum_applies(qtbot, tasks: TaskRunner, laptop_window: MainWindow,
                                          tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text("[keys]\nmin_passphrase_length = 24\n", encoding="utf-8")
    monkeypatch.setenv("NMRF_POLICY_FILE", str(policy_file))
    window = laptop_window
    record = window.record
    assert record is not None
    dialog = CreateKeyDialog(tasks, record, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert dialog.state is not None and dialog.state.minimum == 24
    type_passphrases(qtbot, dialog, STRONG)  # 20 characters: strong, but not 24
    assert dialog.errors.message("passphrase").startswith("Too short: use at least 24")
    assert record.setting(keys.LAPTOP_KEY) == ""
    type_passphrases(qtbot, dialog, STRONG + " tīeke")
    qtbot.waitUntil(lambda: dialog.new_key is not None, timeout=20_000)
    dialog.close()
