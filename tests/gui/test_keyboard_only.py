"""The officer's whole flow by keyboard alone: find, open, add an action with evidence, export.

Only key presses drive the app (QTest.keyClick / keyClicks on whatever has focus); widgets
are read, never called. Evidence: Alt+F (Attach File…) opens Qt's own file dialog (the
offscreen platform has no native one), whose file-name field takes a typed path and
Enter, exactly as a keyboard user would; then Tab to Attach Link…, Space, type the
address, Enter. Blocking dialogs are driven from a timer inside their own event loop.
The offscreen platform has no window manager: when a modal window closes nothing
re-activates its parent, so `_focused_in` does that part (activateWindow) if needed.
The laptop is set up as in tests/unit/exchange/world.py: a signing key registered with
the secretariat and MOJ's pack imported, so the bundle can be signed and written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

from nmrf_desktop.services import catalog
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.exchange.world import PASS, World, make_world

WAIT = 15_000
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def officer_db(tmp_path: Path, nz_csv: Path) -> Path:
    """An MOJ officer's laptop: key registered centrally, the agency's pack imported."""
    world: World = make_world(tmp_path / "world", nz_csv)
    try:
        laptop = world.laptop("officer", "MOJ")
        save_profile(laptop.record, Profile(role="officer", agency="MOJ",
                                            officer_name="Test Officer"))
    finally:
        world.close()  # the app opens the laptop's database on its own
    return world.root / "officer" / "laptop.sqlite3"


@pytest.fixture
def kb_runner(officer_db: Path) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _modal() -> QWidget | None:
    return QApplication.activeModalWidget()


def _focused_in(qtbot, dialog: QWidget) -> None:  # type: ignore[no-untyped-def]
    """The window `dialog` has the keyboard focus again.

    A window system gives it back when a modal child closes; the offscreen platform has
    none, so after a short wait the test does the window manager's part (activation),
    which is not a key press but not a shortcut through the widgets either."""
    def inside() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and (focus is dialog or dialog.isAncestorOf(focus))
    try:
        qtbot.waitUntil(inside, timeout=500)
    except Exception:
        dialog.activateWindow()
        qtbot.waitUntil(inside, timeout=WAIT)


def _later(qtbot, steps) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run key presses once a blocking dialog is up (it runs its own event loop)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            steps()
        except BaseException as exc:
            errors.append(exc)
            box = _modal()
            if box is not None:
                QTest.keyClick(box, Qt.Key.Key_Escape)
    QTimer.singleShot(300, run)
    return errors


def _stats(path: Path) -> dict:  # type: ignore[type-arg]
    record: Record = open_record(path, create=False)
    try:
        return catalog.stats(record)
    finally:
        record.close()


@pytest.mark.qt_log_ignore(r"This plugin does not support")
def test_officer_flow_by_keyboard_alone(qtbot, kb_runner: TaskRunner, officer_db: Path,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    window = MainWindow(kb_runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    window.open_database(officer_db)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle(),
                    timeout=WAIT)
    qtbot.waitUntil(lambda: window.profile.agency == "MOJ", timeout=WAIT)
    before = _stats(officer_db)

    # Find: Ctrl+F, type, then Down into the results and Enter on the first one.
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    assert _focus() is window.search_box
    QTest.keyClicks(_focus(), "racism")
    qtbot.waitUntil(lambda: window.is_idle() and window.model.rowCount() > 0, timeout=WAIT)
    QTest.keyClick(_focus(), Qt.Key.Key_Down)
    assert _focus() is window.table
    QTest.keyClick(_focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=WAIT)
    opened = window.detail.detail.recommendation
    assert "racism" in opened.text.lower()

    # Add an action: Ctrl+N, a title, Tab on to the dates, the opened recommendation linked.
    QTest.keyClick(_focus(), Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: isinstance(_modal(), QDialog), timeout=WAIT)
    dialog = _modal()
    assert dialog.objectName() == "actionDialog"
    _focused_in(qtbot, dialog)
    title = _focus()
    assert isinstance(title, QLineEdit) and title.accessibleName() == "Title"
    QTest.keyClicks(title, "Anti-racism module in the curriculum")
    names = []
    for _ in range(6):  # description, kind, status, start date …
        QTest.keyClick(_focus(), Qt.Key.Key_Tab)
        names.append(_focus().accessibleName())
        if names[-1].startswith("Start date"):
            break
    assert names[-1].startswith("Start date"), names
    QTest.keyClick(_focus(), Qt.Key.Key_Space)  # it has a date
    qtbot.waitUntil(lambda: not kb_runner.busy, timeout=WAIT)
    assert list(dialog.picker.ids()) == [opened.id]  # the recommendation opened is linked

    # Evidence by keyboard: Alt+F opens the file dialog; type the path, Enter.
    evidence = tmp_path / "curriculum-plan.txt"
    evidence.write_text("Anti-racism module: plan and timeline.\n", encoding="utf-8")

    def type_path() -> None:
        box = _modal()
        assert box is not None and box is not dialog, "no file dialog"
        _focused_in(qtbot, box)
        QTest.keyClicks(_focus(), str(evidence))
        QTest.keyClick(_focus(), Qt.Key.Key_Return)
    errors = _later(qtbot, type_path)
    QTest.keyClick(dialog, Qt.Key.Key_F, ALT)
    assert not errors, errors
    qtbot.waitUntil(lambda: dialog.pending_files() == [evidence], timeout=WAIT)
    _focused_in(qtbot, dialog)

    # And a link: Tab to Attach Link…, Space, type the address, Enter.
    def type_link() -> None:
        box = _modal()
        assert box is not None and box is not dialog, "no link dialog"
        _focused_in(qtbot, box)
        QTest.keyClicks(_focus(), "https://www.justice.govt.nz/anti-racism")
        QTest.keyClick(_focus(), Qt.Key.Key_Return)
    errors = _later(qtbot, type_link)
    for _ in range(30):  # Tab along to the Attach Link button, Space presses it
        if _focus().objectName() == "attachLink":
            break
        QTest.keyClick(_focus(), Qt.Key.Key_Tab)
    assert _focus().objectName() == "attachLink"
    QTest.keyClick(_focus(), Qt.Key.Key_Space)
    assert not errors, errors
    _focused_in(qtbot, dialog)
    assert dialog.pending_links() == ["https://www.justice.govt.nz/anti-racism"]

    # Save with Ctrl+S.
    QTest.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.is_idle() and not kb_runner.busy, timeout=WAIT)
    after = _stats(officer_db)
    assert after["actions"] == before["actions"] + 1
    assert after["evidence"] == before["evidence"] + 2

    # Export the update bundle: Ctrl+Shift+E, passphrase, then the output path, Enter.
    out = tmp_path / "outbox" / "moj-update.nmrfbundle"
    out.parent.mkdir()
    _focused_in(qtbot, window)
    QTest.keyClick(_focus(), Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(_modal(), QDialog), timeout=WAIT)
    export = _modal()
    assert export.objectName() == "exportBundleDialog"
    _focused_in(qtbot, export)
    qtbot.waitUntil(lambda: export.state is not None and export.state.unsent > 0, timeout=WAIT)
    assert _focus() is export.passphrase
    QTest.keyClicks(_focus(), PASS.decode())
    QTest.keyClick(_focus(), Qt.Key.Key_Backtab)  # Browse…
    QTest.keyClick(_focus(), Qt.Key.Key_Backtab)  # the path
    assert _focus() is export.out.edit
    QTest.keyClick(_focus(), Qt.Key.Key_A, CTRL)
    QTest.keyClicks(_focus(), str(out))
    QTest.keyClick(_focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: export.result_info is not None, timeout=WAIT)
    assert out.is_file() and out.stat().st_size > 0
    QTest.keyClick(export, Qt.Key.Key_Escape)  # its Export button, now done, had the focus
    qtbot.waitUntil(lambda: _modal() is None, timeout=WAIT)
    assert _stats(officer_db)["actions"] == after["actions"]
