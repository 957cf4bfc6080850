"""The coordinator's signing keys in the app: Register from File…, Revoke…, Rotate… in the
registry, and Export Packs creating the central key; real keys, real record files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView, QLineEdit, QMessageBox
from sqlalchemy import select

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.exchange import bundle_import, inbox, keys, packs
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import SigningKeyRow
from nmrf_desktop.ui.exchange import ExportPacksDialog, KeysView
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog
from nmrf_desktop.ui.exchange.keys_view import KeyColumn
from nmrf_desktop.ui.exchange.register_key_dialog import RegisterKeyDialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import World, add_action, record_digest

from .keys_support import (
    MENU_NOISE,
    STRONG,
    activate,
    pick_file,
    shown,
    type_passphrases,
    type_text,
    wait_shown,
)

# A file dialog's completer pops up as a path is typed (tests/gui/conftest.py's marker is
# closer than a module's, so each test that types one says it).
popups = pytest.mark.qt_log_ignore(*MENU_NOISE)


def _registry(qtbot, tasks: TaskRunner, world: World) -> KeysView:  # type: ignore[no-untyped-def]
    view = KeysView(tasks, world.central)
    qtbot.addWidget(view)
    view.resize(1060, 420)
    view.show()
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() >= 1, timeout=10_000)
    return view


def _officer_pub(folder: Path, name: str = "mere.pub") -> tuple[Path, SigningKey]:
    key = SigningKey.generate()
    path = folder / name
    path.write_bytes(key.public.to_pem())
    return path, key


def _row_of(view: KeysView, key_id: str) -> int:
    return next(i for i, k in enumerate(view.model.rows()) if k.key_id == key_id)


def _answer_box(qtbot, check, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier  # type: ignore[no-untyped-def]
                ) -> list[str]:
    """Answer the next message box from the keyboard once it shows; its texts go in the
    list returned (for the test to read after the box is gone)."""
    seen: list[str] = []

    def answer() -> None:
        box = shown(QMessageBox)
        if box is None or QApplication.activeWindow() is not box:  # it has the keyboard
            if box is not None:
                box.activateWindow()
            QTimer.singleShot(20, answer)
            return
        seen.extend([box.text(), box.informativeText()])
        check(box)
        qtbot.keyClick(box, key, modifier)
    QTimer.singleShot(0, answer)
    return seen


@popups
def test_register_from_file_shows_the_fingerprint_then_registers(
        qtbot, tasks: TaskRunner, world: World, tmp_path: Path) -> None:
    view = _registry(qtbot, tasks, world)
    pub, officer_key = _officer_pub(tmp_path)
    qtbot.mouseClick(view.register_button, Qt.MouseButton.LeftButton)
    pick_file(qtbot, pub)
    dialog = wait_shown(qtbot, RegisterKeyDialog)
    # The fingerprint to compare by phone, before anything is registered.
    assert dialog.fingerprint.text() == keys.grouped_fingerprint(officer_key.id)
    assert dialog.findChild(QLineEdit, "publicKeyFile").text() == str(pub)
    assert dialog.focusWidget() is dialog.officer
    names = [dialog.agency.itemText(i) for i in range(dialog.agency.count())]
    assert "MOJ: Ministry of Justice — Te Tāhū o te Ture" in names

    # Enter with no name: the problem is said beside the name; nothing registered.
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    assert "name of the officer" in dialog.errors.message("officer")
    type_text(qtbot, dialog.officer, "Mere Tūhoe")
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    assert "Choose the agency" in dialog.errors.message("agency")
    assert dialog.focusWidget() is dialog.agency
    assert len(keys.list_keys(world.central)) == 1
    qtbot.keyClicks(dialog.agency, "MOJ")
    assert dialog.agency.currentData() == "MOJ"
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.valid_days, timeout=5_000)
    dialog.valid_days.selectAll()
    qtbot.keyClicks(dialog.valid_days, "365")
    qtbot.keyClick(dialog.valid_days, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown(RegisterKeyDialog) is None, timeout=10_000)
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 2, timeout=10_000)
    info = view.model.rows()[_row_of(view, officer_key.id)]
    assert (info.officer, info.agency, info.status) == ("Mere Tūhoe", "MOJ", "active")
    assert info.valid_until is not None and (info.valid_until - info.valid_from).days == 365
    assert view.message.kind == "success" and info.fingerprint in view.message.text()

    # The same file again: refused before the form, naming whose it is; nothing changes.
    qtbot.mouseClick(view.register_button, Qt.MouseButton.LeftButton)
    pick_file(qtbot, pub)
    qtbot.waitUntil(lambda: view.message.kind == "error", timeout=10_000)
    assert "already registered, for Mere Tūhoe (MOJ)" in view.message.text()
    assert shown(RegisterKeyDialog) is None
    # A file that is no public key: refused, naming the file.
    junk = tmp_path / "notes.pub"
    junk.write_text("kia ora", encoding="utf-8")
    qtbot.mouseClick(view.register_button, Qt.MouseButton.LeftButton)
    pick_file(qtbot, junk)
    qtbot.waitUntil(lambda: "notes.pub" in view.message.text(), timeout=10_000)
    assert "not a public key file" in view.message.text()
    assert len(keys.list_keys(world.central)) == 2


def test_officer_column_fits_its_content(qtbot, tasks: TaskRunner, world: World,
                                         tmp_path: Path) -> None:
    long_name = "Wiremu Tāwhiao-Rangihīroa Te Whatahoro"
    pub, _key = _officer_pub(tmp_path)
    keys.register_key(world.central, pub, officer=long_name, agency="MOJ")
    view = _registry(qtbot, tasks, world)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    header = view.table.horizontalHeader()
    assert header.sectionResizeMode(KeyColumn.OFFICER) == QHeaderView.ResizeMode.ResizeToContents
    needed = view.table.fontMetrics().horizontalAdvance(long_name)
    assert header.sectionSize(KeyColumn.OFFICER) > needed
    fingerprint = keys.list_keys(world.central)[0].fingerprint
    assert header.sectionSize(KeyColumn.FINGERPRINT) > view.table.fontMetrics(
        ).horizontalAdvance(fingerprint)


@popups
def test_revoke_asks_naming_officer_and_fingerprint(qtbot, tasks: TaskRunner, world: World,
                                                    outbox: Path) -> None:
    aroha = world.laptop("Aroha Ngātā", "MOJ")
    view = _registry(qtbot, tasks, world)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    assert not view.revoke_button.isEnabled() and not view.rotate_button.isEnabled()
    view.table.selectRow(_row_of(view, world.central_key.id))
    assert not view.revoke_button.isEnabled()  # the central key is not revoked from here
    view.table.selectRow(_row_of(view, aroha.key.id))
    assert view.revoke_button.isEnabled() and view.rotate_button.isEnabled()

    def names_both(box: QMessageBox) -> None:
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)

    # Escape: nothing happens.
    seen = _answer_box(qtbot, names_both, Qt.Key.Key_Escape)
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    assert "Aroha Ngātā (MOJ)" in seen[0]
    assert keys.fingerprint(aroha.key.id) in seen[1]
    assert keys.list_keys(world.central)[1].status == "active"

    # Alt+R: Revoke Key.
    _answer_box(qtbot, names_both, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rows()[
        _row_of(view, aroha.key.id)].status == "revoked", timeout=10_000)
    assert view.model.index(_row_of(view, aroha.key.id), KeyColumn.STATUS).data() == "Revoked"
    assert keys.fingerprint(aroha.key.id) in view.message.text()
    assert not view.revoke_button.isEnabled()

    # Bundles signed with it are refused from now on.
    add_action(aroha, world.rec_ids(), "After the revocation")
    before = record_digest(world.central)
    result = bundle_import.import_bundle(world.central, aroha.export(outbox))
    assert result.status == "rejected"
    assert record_digest(world.central) == before


@popups
def test_rotate_registers_the_replacement_and_revokes_the_old_key(
        qtbot, tasks: TaskRunner, world: World, tmp_path: Path, outbox: Path) -> None:
    aroha = world.laptop("Aroha Ngātā", "MOJ")
    old = aroha.key.id
    ids = world.rec_ids()
    add_action(aroha, ids, "Signed with the old key")
    assert bundle_import.import_bundle(world.central, aroha.export(outbox)).status == "merged"

    # Aroha replaces her key on her laptop and exports the new public key.
    create = CreateKeyDialog(tasks, aroha.record)
    qtbot.addWidget(create)
    create.show()
    qtbot.waitUntil(lambda: create.state is not None, timeout=10_000)
    assert create.warning.isVisible()
    type_passphrases(qtbot, create, STRONG)
    qtbot.waitUntil(lambda: create.new_key is not None, timeout=20_000)
    create.close()
    new = aroha.record.setting(keys.LAPTOP_KEY)
    pub = tmp_path / "aroha-new.pub"
    keys.export_public(aroha.record, pub)

    view = _registry(qtbot, tasks, world)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    view.table.selectRow(_row_of(view, old))
    activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # R&otate…
    pick_file(qtbot, pub)
    dialog = wait_shown(qtbot, RegisterKeyDialog)
    assert dialog.windowTitle() == "Rotate a Signing Key"
    assert dialog.officer.text() == "Aroha Ngātā"
    assert dialog.agency.currentData() == "MOJ" and not dialog.agency.isEnabled()
    assert dialog.fingerprint.text() == keys.grouped_fingerprint(new)
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown(RegisterKeyDialog) is None, timeout=10_000)
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 3, timeout=10_000)
    assert view.message.kind == "success" and keys.fingerprint(old) in view.message.text()
    with world.central.reading() as session:
        old_row = session.get(SigningKeyRow, old)
        new_row = session.get(SigningKeyRow, new)
        assert old_row is not None and new_row is not None
        assert (old_row.status, old_row.replaced_by) == ("revoked", new)
        assert (new_row.status, new_row.officer_name, new_row.agency_code) == (
            "active", "Aroha Ngātā", "MOJ")

    # Her next bundle, signed with the new key, merges; one signed with the old is refused.
    aroha.key = keys.load_key(aroha.record, STRONG.encode("utf-8"))
    add_action(aroha, ids, "Signed with the new key")
    result = bundle_import.import_bundle(world.central, aroha.export(outbox))
    assert result.status == "merged", result.reason


def test_rotating_a_key_of_another_agency_is_refused_in_the_dialog(
        qtbot, tasks: TaskRunner, world: World, tmp_path: Path) -> None:
    aroha = world.laptop("Aroha Ngātā", "MOJ")
    view = _registry(qtbot, tasks, world)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    info = view.model.rows()[_row_of(view, aroha.key.id)]
    keys.revoke_key(world.central, aroha.key.id)  # meanwhile, on another desk
    pub, _key = _officer_pub(tmp_path)
    view.read_key_file(pub, replacing=info)
    dialog = wait_shown(qtbot, RegisterKeyDialog)
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=10_000)
    assert "already revoked" in dialog.message.text()
    assert dialog.isVisible() and dialog.register_button.isEnabled()
    assert len(keys.list_keys(world.central)) == 2
    dialog.reject()


@pytest.fixture
def bare_central(tmp_path: Path, nz_csv: Path):  # type: ignore[no-untyped-def]
    """A central record with assignments but no central signing key yet."""
    record = open_record(tmp_path / "bare" / "central.sqlite3")
    record.set_setting("officer_name", "Secretariat")
    import_files(record, "upr-info", [nz_csv])
    assign_lead_defaults(record)
    yield record
    record.close()


def test_export_packs_creates_the_central_key_then_writes_the_packs(
        qtbot, bare_central: Record, tmp_path: Path) -> None:
    tasks = TaskRunner()
    try:
        folder = tmp_path / "packs"
        dialog = ExportPacksDialog(tasks, bare_central)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.agencies is not None, timeout=10_000)
        dialog.folder.set_path(folder)
        assert dialog.needs_key
        assert not dialog.passphrase.isVisible() and not dialog.central_key.isVisible()
        assert "no central signing key yet" in dialog.message.text()
        assert "nmrf" not in dialog.message.text() and "--" not in dialog.message.text()
        assert dialog.export_button.text() == "Create Central &Key…"
        activate(qtbot, dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
        create = wait_shown(qtbot, CreateKeyDialog)
        qtbot.waitUntil(lambda: create.state is not None, timeout=10_000)
        assert create.windowTitle() == "Create the Central Signing Key"
        type_passphrases(qtbot, create, "secretariat2024")  # the same checks as an officer's
        assert create.errors.message("passphrase").startswith("Too")
        assert bare_central.setting(keys.CENTRAL_KEY) == ""
        with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
            type_passphrases(qtbot, create, STRONG)
        run = blocker.args[0]
        central_id = bare_central.setting(keys.CENTRAL_KEY)
        assert central_id and "Created the central signing key" not in dialog.message.text()
        expected = [code for code, _ in inbox.pack_agencies(bare_central)]
        assert [p["agency"] for p in run.written] == expected and not run.cancelled
        assert dialog.central_key.isVisible()  # the fingerprint officers will check by phone
        assert dialog.central_key.text() == keys.fingerprint(central_id)
        assert dialog.message.kind == "success"
        # The key unlocks with its passphrase, and a laptop takes the pack it signed,
        # pinning that key.
        assert keys.load_key(bare_central, STRONG.encode("utf-8"), central=True).id == central_id
        laptop = open_record(tmp_path / "laptop" / "laptop.sqlite3")
        try:
            result = packs.import_pack(laptop, folder / inbox.pack_file_name("MOJ"))
            assert result.agency == "MOJ" and result.first_pin
            assert result.fingerprint == keys.fingerprint(central_id)
        finally:
            laptop.close()
        with bare_central.reading() as session:
            roles = session.execute(select(SigningKeyRow.role)).scalars().all()
        assert roles == ["central"]
        # Next time the dialog asks for the passphrase, as before.
        again = ExportPacksDialog(tasks, bare_central)
        qtbot.addWidget(again)
        again.show()
        qtbot.waitUntil(lambda: again.agencies is not None, timeout=10_000)
        assert not again.needs_key and again.passphrase.isVisible()
        assert again.central_key.text() == keys.fingerprint(central_id)
        again.close()
        dialog.close()
    finally:
        tasks.shutdown()
