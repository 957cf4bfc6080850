"""The first hour, as one story through the widgets (issue 12): a new coordinator and a new
officer start from two empty data folders and get an update from the laptop into an agency
PDF at the centre; services are read only to check where the story ends."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from nmrf_desktop import policy
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog, entry
from nmrf_desktop.services.exchange import conflicts, inbox, keys
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.ui.assigning import AssignDialog
from nmrf_desktop.ui.entry.action_dialog import ActionDialog
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.exchange import ExportBundleDialog, ExportPacksDialog, KeysView
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog, FingerprintDialog
from nmrf_desktop.ui.exchange.register_key_dialog import RegisterKeyDialog
from nmrf_desktop.ui.reports import dialog as report_dialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.profile_dialog import ProfileDialog
from tests.gui.exchange.keys_support import (
    MENU_NOISE,
    STRONG,
    activate,
    pick_file,
    shown,
    type_passphrases,
    type_text,
    wait_shown,
)
from tests.gui.exchange.test_keys_officer import _open_key_menu
from tests.gui.test_undo import choose

WAIT = 20_000
SHOTS = Path("/tmp/first-hour")
OFFICER = "Aroha Ngātā"
COORDINATOR = "Rangi Pōtae"
TITLE = "Te reo Māori in the courts: interpreters at every hui"
SECOND_TITLE = "Te reo Māori in the courts: interpreters in every region"
CENTRAL_TITLE = "Te reo Māori in the courts (secretariat's wording)"
NARRATIVE = "Interpreters funded; first whānau hearings held in Whanganui."
CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


@dataclass
class Side:
    """One desk: its data folder and home, its window once made."""
    folder: Path
    window: MainWindow | None = None

    @property
    def win(self) -> MainWindow:
        assert self.window is not None
        return self.window


@pytest.fixture
def desks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Side]:
    for name in ("central", "laptop"):
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / "home").mkdir()
    SHOTS.mkdir(parents=True, exist_ok=True)
    # The agency PDF is opened in the desktop's viewer when written: not on a test machine.
    monkeypatch.setattr(report_dialog, "open_file", lambda _path: True)
    return {name: Side(tmp_path / name) for name in ("central", "laptop")}


def at_desk(monkeypatch: pytest.MonkeyPatch, side: Side) -> None:
    """Sit at this desk: its user data folder, its home and Documents (each side its own)."""
    home = side.folder / "home"
    monkeypatch.setenv("NMRF_DATA_DIR", str(side.folder / "data"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    if side.window is not None:
        side.window.activateWindow()


def answer_file_dialogs(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """The next static file dialogs answer with these paths (a person would type them)."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(paths[0]), "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a, **_k: ([str(p) for p in paths], "")))


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None]) -> list[BaseException]:
    """Once a window of this kind shows (a modal one blocks the caller), act on it; what
    went wrong goes in the list returned (and the window is closed, so the test goes on
    to fail instead of waiting)."""
    failures: list[BaseException] = []

    def poll() -> None:
        widget = shown(kind)
        if widget is None:
            QTimer.singleShot(20, poll)
            return
        try:
            act(widget)
        except BaseException as exc:
            failures.append(exc)
            widget.close()
    QTimer.singleShot(0, poll)
    return failures


def pick_agency(qtbot, combo: QComboBox, code: str) -> None:  # type: ignore[no-untyped-def]
    """Walk down the list with the arrow key to the agency (a space would open the list,
    so typing its name is no way to get there)."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == code:
            break
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == code, combo.currentText()


def box_shown(qtbot, parent: QWidget) -> QMessageBox:  # type: ignore[no-untyped-def]
    def found() -> QMessageBox | None:
        boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        return boxes[0] if boxes else None
    qtbot.waitUntil(lambda: found() is not None, timeout=WAIT)
    box = found()
    assert box is not None
    return box


def settle(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Nothing pending, and the window has the keyboard again (its shortcuts work)."""
    qtbot.waitUntil(lambda: win.is_idle() and not win.session.loading, timeout=WAIT)
    activate(qtbot, win)


def shot(widget: QWidget, name: str) -> None:
    widget.grab().save(str(SHOTS / name))


def click_menu_item(qtbot, win: MainWindow, menu_name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Open a menu of the menu bar and click one of its items with the mouse."""
    menu = win.findChild(QMenu, menu_name)
    assert menu is not None
    menu.popup(win.mapToGlobal(QPoint(40, 20)))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT)
    action = next(a for a in menu.actions() if a.text() == text and a.isVisible())
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                     pos=menu.actionGeometry(action).center())


def click_row(qtbot, win: MainWindow, row: int,  # type: ignore[no-untyped-def]
              modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    index = win.model.index(row, 1)
    win.table.scrollTo(index)
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, modifier,
                     win.table.visualRect(index).center())


def click_text(qtbot, win: MainWindow, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click a link in the detail pane where it shows `text` (an action's title)."""
    pane = win.detail
    qtbot.waitUntil(lambda: text in pane.toPlainText(), timeout=WAIT)
    found = pane.document().find(text)
    assert not found.isNull()
    found.setPosition(found.selectionStart() + 3, QTextCursor.MoveMode.MoveAnchor)
    pane.ensureCursorVisible()
    pane.setTextCursor(found)
    pane.ensureCursorVisible()
    where = pane.cursorRect(found).center()
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=where)


def open_detail(qtbot, win: MainWindow, rec_id: str) -> None:  # type: ignore[no-untyped-def]
    row = win.model.row_of(rec_id)
    assert row is not None and row >= 0, rec_id
    click_row(qtbot, win, row)
    qtbot.waitUntil(lambda: win.detail.current_id == rec_id and win.detail.detail is not None,
                    timeout=WAIT)


def retitle(qtbot, win: MainWindow, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    """Open the action from its link in the detail pane, type a new title, Ctrl+S."""
    click_text(qtbot, win, old)
    dialog = wait_shown(qtbot, ActionDialog)
    qtbot.waitUntil(lambda: dialog.title.text() == old, timeout=WAIT)
    dialog.title.setFocus()
    dialog.title.selectAll()
    type_text(qtbot, dialog.title, new)
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    settle(qtbot, win)


def read(path: Path, fn):  # type: ignore[no-untyped-def]
    record = open_record(path, create=False)
    try:
        return fn(record)
    finally:
        record.close()


# -- the story, desk by desk --------------------------------------------------------------


def coordinator_first_run(qtbot, runner: TaskRunner, side: Side) -> list[str]:  # type: ignore[no-untyped-def]
    """No data anywhere: the app opens the demo (its first-run path, app.startup_database
    gives None), here through File → Open Demo Database (Ctrl+Shift+D). There is no GUI
    import of a UPR Info CSV, so the demo record, the real New Zealand recommendations, is
    the central record. The first-run profile dialog asks the role; then a bulk assignment
    of three Māori-related recommendations to MOJ as lead; the ids assigned."""
    win = MainWindow(runner, remember_state=False)
    side.window = win
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    activate(qtbot, win)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT)
    qtbot.keyClick(win, Qt.Key.Key_D, CTRL | SHIFT)  # File → Open Demo Database
    qtbot.waitUntil(lambda: win.database_path is not None, timeout=60_000)
    profile = wait_shown(qtbot, ProfileDialog)
    assert profile.windowTitle() == "Welcome to NMRF Desktop"
    qtbot.mouseClick(profile.coordinator, Qt.MouseButton.LeftButton, pos=QPoint(6, 6))
    assert profile.coordinator.isChecked()
    profile.name.setFocus()
    type_text(qtbot, profile.name, COORDINATOR)
    qtbot.keyClick(profile.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.profile.is_coordinator, timeout=WAIT)
    assert win.profile.officer_name == COORDINATOR
    settle(qtbot, win)

    qtbot.keyClicks(win.search_box, "Maori")
    qtbot.waitUntil(lambda: win.model.filters.text == "Maori" and win.is_idle(), timeout=WAIT)
    assert win.model.rowCount() >= 3
    click_row(qtbot, win, 0)
    click_row(qtbot, win, 2, SHIFT)
    picked = win.selected_ids()
    assert len(picked) == 3

    def assign(dialog: QWidget) -> None:
        assert isinstance(dialog, AssignDialog) and dialog.selection.isChecked()
        pick_agency(qtbot, dialog.agency, "MOJ")
        assert dialog.lead.isChecked()
        shot(dialog, "1-assign.png")
        qtbot.keyClick(dialog.agency, Qt.Key.Key_Return)
    failures = when_shown(AssignDialog, assign)
    qtbot.keyClick(win, Qt.Key.Key_A, CTRL | SHIFT)  # Coordinator → Assign to Agency…
    assert not failures, failures
    qtbot.waitUntil(lambda: "Assigned 3" in win.statusBar().currentMessage(), timeout=WAIT)
    settle(qtbot, win)
    return picked


def export_packs(qtbot, side: Side, folder: Path) -> str:  # type: ignore[no-untyped-def]
    """Coordinator → Exchange → Export Packs…: no central key yet, so Create Central Key…
    first, then the packs are written; the fingerprint officers check by phone."""
    win = side.win
    qtbot.keyClick(win, Qt.Key.Key_K, CTRL | SHIFT)
    dialog = wait_shown(qtbot, ExportPacksDialog)
    qtbot.waitUntil(lambda: dialog.agencies is not None, timeout=WAIT)
    assert dialog.needs_key and dialog.export_button.text() == "Create Central &Key…"
    dialog.folder.edit.setFocus()
    dialog.folder.edit.selectAll()
    qtbot.keyClicks(dialog.folder.edit, str(folder))
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)
    create = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: create.state is not None, timeout=WAIT)
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        type_passphrases(qtbot, create, STRONG)
    assert dialog.message.kind == "success"
    fingerprint = dialog.central_key.text()
    assert fingerprint
    shot(dialog, "2-export-packs.png")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown(ExportPacksDialog) is None, timeout=WAIT)
    assert (folder / inbox.pack_file_name("MOJ")).is_file()
    return fingerprint


def officer_first_run(qtbot, runner: TaskRunner, side: Side,  # type: ignore[no-untyped-def]
                      monkeypatch: pytest.MonkeyPatch, pub: Path) -> Path:
    """A new laptop: File → Open Database… at the default database (created there), the
    first-run profile as an officer of MOJ, a key made and its public half saved."""
    win = MainWindow(runner, remember_state=False)
    side.window = win
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    activate(qtbot, win)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT)
    database = policy.default_database()
    assert not database.exists()
    answer_file_dialogs(monkeypatch, database)
    qtbot.keyClick(win, Qt.Key.Key_O, CTRL)
    profile = wait_shown(qtbot, ProfileDialog)
    assert profile.officer.isChecked()
    pick_agency(qtbot, profile.agency, "MOJ")
    profile.name.setFocus()
    type_text(qtbot, profile.name, OFFICER)
    qtbot.keyClick(profile.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.profile.is_set and win.profile.agency == "MOJ", timeout=WAIT)
    assert win.profile.officer_name == OFFICER and win.database_path == database
    settle(qtbot, win)

    qtbot.waitUntil(lambda: win.exchange.create_key_action.text() == "&Create…", timeout=WAIT)
    menu = _open_key_menu(qtbot, win)
    qtbot.keyClick(menu, Qt.Key.Key_C)
    create = wait_shown(qtbot, CreateKeyDialog)
    qtbot.waitUntil(lambda: create.state is not None, timeout=WAIT)
    type_passphrases(qtbot, create, STRONG)
    qtbot.waitUntil(lambda: create.new_key is not None, timeout=WAIT)
    new = create.new_key
    assert new is not None
    qtbot.keyClick(create, Qt.Key.Key_E, ALT)  # &Export Public Key…
    pick_file(qtbot, pub)
    saved = wait_shown(qtbot, FingerprintDialog)
    assert saved.fingerprint.text() == keys.grouped_fingerprint(new.key_id)
    qtbot.keyClick(saved, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown(FingerprintDialog) is None, timeout=WAIT)
    qtbot.waitUntil(lambda: shown(CreateKeyDialog) is None, timeout=WAIT)  # closed itself
    assert pub.is_file()
    return database


def register_key(qtbot, side: Side, pub: Path) -> None:  # type: ignore[no-untyped-def]
    """Exchange → Signing Keys… → Register from File…: the officer's name and agency."""
    win = side.win
    activate(qtbot, win)
    click_menu_item(qtbot, win, "exchangeMenu", "Signing &Keys…")
    qtbot.waitUntil(lambda: win.findChild(KeysView) is not None, timeout=WAIT)
    keys_view = win.findChild(KeysView)
    assert keys_view is not None
    qtbot.waitUntil(lambda: keys_view.is_idle() and keys_view.model.rowCount() == 1,
                    timeout=WAIT)
    qtbot.mouseClick(keys_view.register_button, Qt.MouseButton.LeftButton)
    pick_file(qtbot, pub)
    dialog = wait_shown(qtbot, RegisterKeyDialog)
    dialog.officer.setFocus()
    type_text(qtbot, dialog.officer, OFFICER)
    pick_agency(qtbot, dialog.agency, "MOJ")
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown(RegisterKeyDialog) is None, timeout=WAIT)
    qtbot.waitUntil(lambda: keys_view.is_idle() and keys_view.model.rowCount() == 2,
                    timeout=WAIT)
    assert keys_view.message.kind == "success"
    keys_dialog = keys_view.window()
    qtbot.keyClick(keys_dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not keys_dialog.isVisible(), timeout=WAIT)


def officer_works(qtbot, side: Side, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                  pack: Path, central_fingerprint: str, evidence: Path) -> tuple[str, Path, Path]:
    """Import Pack… (the central key's fingerprint shown), an action with evidence and a
    progress update, Undo and Redo, two bundles with a change between them."""
    win = side.win
    activate(qtbot, win)
    answer_file_dialogs(monkeypatch, pack)
    qtbot.keyClick(win, Qt.Key.Key_I, CTRL | SHIFT)
    box = box_shown(qtbot, win)
    said = box.text() + "\n" + box.informativeText()
    assert central_fingerprint in said or keys.fingerprint(
        central_fingerprint.replace(" ", "").replace("\n", "")) in said, said
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    qtbot.waitUntil(lambda: win.model.rowCount() > 0, timeout=WAIT)
    settle(qtbot, win)

    qtbot.keyClicks(win.search_box, "Maori")
    qtbot.waitUntil(lambda: win.model.filters.text == "Maori" and win.is_idle(), timeout=WAIT)
    click_row(qtbot, win, 0)
    rec_id = win.model.id_at(0)
    assert rec_id
    qtbot.waitUntil(lambda: win.detail.current_id == rec_id, timeout=WAIT)

    answer_file_dialogs(monkeypatch, evidence)
    qtbot.keyClick(win, Qt.Key.Key_N, CTRL)  # Record → New Action…
    action = wait_shown(qtbot, ActionDialog)
    action.title.setFocus()
    type_text(qtbot, action.title, TITLE)
    qtbot.keyClick(action, Qt.Key.Key_F, ALT)  # Attach &File…
    qtbot.waitUntil(lambda: action.pending_files() == [evidence], timeout=WAIT)
    shot(action, "3-action.png")
    qtbot.keyClick(action, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=WAIT)
    settle(qtbot, win)

    qtbot.keyClick(win, Qt.Key.Key_U, CTRL)  # Record → New Progress Update…
    update = wait_shown(qtbot, UpdateDialog)
    update.status.setFocus()
    qtbot.keyClicks(update.status, "In progress")
    assert update.status.currentData() == "in_progress"
    update.narrative.setFocus()
    type_text(qtbot, update.narrative, NARRATIVE)
    qtbot.mouseClick(update.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not update.isVisible(), timeout=WAIT)
    settle(qtbot, win)
    record = win.record
    assert record is not None
    assert len(entry.progress_for(record, rec_id)) == 1

    # Edit → Undo takes the unsent update away (no entry left); Redo puts it back.
    choose(qtbot, win, win.window_actions.undo, Qt.Key.Key_U)
    assert entry.progress_for(record, rec_id) == []
    choose(qtbot, win, win.window_actions.redo, Qt.Key.Key_R)
    [progress] = entry.progress_for(record, rec_id)
    assert progress.narrative == NARRATIVE

    first = export_bundle(qtbot, win)
    retitle(qtbot, win, TITLE, SECOND_TITLE)
    second = export_bundle(qtbot, win)
    return rec_id, first, second


def export_bundle(qtbot, win: MainWindow) -> Path:  # type: ignore[no-untyped-def]
    """Exchange → Export Update Bundle… to the name it proposes; the file written."""
    activate(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_E, CTRL | SHIFT)
    dialog = wait_shown(qtbot, ExportBundleDialog)
    qtbot.waitUntil(lambda: dialog.state is not None and dialog.out.path() is not None,
                    timeout=WAIT)
    proposed = dialog.out.path()
    assert proposed is not None and not proposed.exists()
    dialog.passphrase.setFocus()
    type_text(qtbot, dialog.passphrase, STRONG)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    out: Path = blocker.args[0].path
    assert out == proposed and out.is_file()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shown(ExportBundleDialog) is None, timeout=WAIT)
    settle(qtbot, win)
    return out


def import_bundles(qtbot, side: Side, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                   bundle: Path) -> None:
    win = side.win
    activate(qtbot, win)
    answer_file_dialogs(monkeypatch, bundle)
    view = win.exchange.inbox
    with qtbot.waitSignal(view.bundlesImported, timeout=WAIT):
        qtbot.keyClick(win, Qt.Key.Key_B, CTRL | SHIFT)  # Exchange → Import Bundles…
    qtbot.waitUntil(view.is_idle, timeout=WAIT)
    settle(qtbot, win)


@pytest.mark.qt_log_ignore(*MENU_NOISE, r"This plugin does not support")
def test_first_hour_from_two_empty_folders(qtbot, desks: dict[str, Side],  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    runner = TaskRunner()
    central, laptop = desks["central"], desks["laptop"]
    try:
        # 1. The coordinator's first run, the assignment, the central key and the packs.
        at_desk(monkeypatch, central)
        picked = coordinator_first_run(qtbot, runner, central)
        central_db = central.win.database_path
        assert isinstance(central_db, Path) and central_db.is_relative_to(central.folder)
        packs_folder = central.folder / "home" / "to-agencies"
        fingerprint = export_packs(qtbot, central, packs_folder)

        # 2. The officer's first run, her key, its public half to a file.
        at_desk(monkeypatch, laptop)
        pub = laptop.folder / "home" / "aroha.pub"
        laptop_db = officer_first_run(qtbot, runner, laptop, monkeypatch, pub)

        # 3. The coordinator registers it.
        at_desk(monkeypatch, central)
        register_key(qtbot, central, pub)

        # 4. The officer imports the pack, works, undoes and redoes, sends twice.
        at_desk(monkeypatch, laptop)
        pack = packs_folder / inbox.pack_file_name("MOJ")
        evidence = laptop.folder / "home" / "hui-minutes-Whanganui.pdf"
        evidence.write_bytes(b"%PDF-1.4 minutes of the hui\n" * 40)
        rec_id, first, second = officer_works(qtbot, laptop, monkeypatch, pack, fingerprint,
                                              evidence)
        assert rec_id in picked
        assert first != second and first.parent == second.parent
        first_bytes = first.read_bytes()
        shot(laptop.win, "4-officer-window.png")

        # 5. The coordinator merges the first, retitles the action meanwhile, merges the
        # second (a conflict on the title), takes the officer's title, prints MOJ's PDF.
        at_desk(monkeypatch, central)
        import_bundles(qtbot, central, monkeypatch, first)
        win = central.win
        win.show_list()
        win.search_box.clear()
        qtbot.keyClicks(win.search_box, "Maori")
        settle(qtbot, win)
        open_detail(qtbot, win, rec_id)
        retitle(qtbot, win, TITLE, CENTRAL_TITLE)
        import_bundles(qtbot, central, monkeypatch, second)
        qtbot.keyClick(win, Qt.Key.Key_4, CTRL)  # Exchange → Conflicts
        view = win.exchange.conflicts
        qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 1, timeout=WAIT)
        assert view.current_text.toPlainText() == CENTRAL_TITLE
        assert view.incoming_text.toPlainText() == SECOND_TITLE
        shot(win, "5-conflicts.png")
        with qtbot.waitSignal(view.resolved, timeout=WAIT):
            qtbot.mouseClick(view.take_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 0, timeout=WAIT)

        win.show_list()
        settle(qtbot, win)
        qtbot.keyClick(win, Qt.Key.Key_P, CTRL)  # File → Print / Export PDF…
        qtbot.waitUntil(lambda: win.reports.dialog is not None, timeout=WAIT)
        report = win.reports.dialog
        assert report is not None
        report.kind.setFocus()
        qtbot.keyClicks(report.kind, "Agency")
        pick_agency(qtbot, report.agency, "MOJ")
        shot(report, "6-report.png")
        qtbot.mouseClick(report.go, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: report.written is not None, timeout=60_000)
        pdf = report.written
        assert pdf is not None and pdf.is_relative_to(central.folder / "home")
        report.reject()
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
        assert "Ministry of Justice" in text
        assert SECOND_TITLE in " ".join(text.split())
        assert "Correction" not in text
        for side in (laptop, central):
            side.win.close()
        qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    finally:
        runner.shutdown()

    # Where the story ends, read from the files.
    assert first.read_bytes() == first_bytes and second.is_file()  # nothing overwritten
    sha = hashlib.sha256(evidence.read_bytes()).hexdigest()

    def central_state(record: Record) -> None:
        actions = entry.actions_for(record, rec_id)
        assert [a.title for a in actions] == [SECOND_TITLE]
        assert [e.sha256 for e in entry.evidence_for(record, action_id=actions[0].id)] == [sha]
        [progress] = entry.progress_for(record, rec_id)
        assert (progress.narrative, progress.status, progress.agency) == (
            NARRATIVE, "in_progress", "MOJ")
        rows = inbox.list_inbox(record)
        assert sorted(r.file for r in rows if r.status == "merged") == sorted(
            [first.name, second.name])
        assert conflicts.list_conflicts(record) == []
        [done] = conflicts.list_conflicts(record, None)
        assert done.resolution == conflicts.TAKE
        mine = catalog.search_recommendations(record, Filters(agency="MOJ", role="lead"),
                                              limit=None)
        assert set(picked) <= {r.id for r in mine}
        assert catalog.check(record) == []
    read(central_db, central_state)
    assert read(laptop_db, lambda r: entry.progress_for(r, rec_id))[0].narrative == NARRATIVE
