"""Every shortcut of the main window is bound once, in either role; Ctrl+Shift+Z redoes.

Qt calls a key bound to two enabled actions (or twice to one action) "ambiguous" and
triggers neither: Redo once had Ctrl+Shift+Z twice on Linux and never redid.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.menus import redo_key

from .test_undo import add_update

WAIT = 15_000
PORTABLE = QKeySequence.SequenceFormat.PortableText
PROFILES = {
    "officer": Profile(role="officer", agency="MOJ", officer_name="Aroha Ngata"),
    "coordinator": Profile(role="coordinator", agency="", officer_name="Hēmi Walker"),
}


def every_action(win: MainWindow) -> list[QAction]:
    """The window's actions and every action of its menus (submenus too), each once."""
    found: dict[int, QAction] = {id(a): a for a in win.findChildren(QAction)}

    def walk(menu: QMenu) -> None:
        menu.aboutToShow.emit()  # menus filled as they open (Open Recent) are filled now
        for action in menu.actions():
            found[id(action)] = action
            if action.menu() is not None:
                walk(action.menu())
    for action in win.menuBar().actions():
        found[id(action)] = action
        if action.menu() is not None:
            walk(action.menu())
    return list(found.values())


def _open(qtbot, runner: TaskRunner, path: Path, role: str) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner, remember_state=False)
    qtbot.addWidget(win)
    win.open_database(path)
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle()
                    and not win.session.loading and win.profile.role == role, timeout=WAIT)
    return win


@pytest.mark.parametrize("role", sorted(PROFILES))
def test_no_shortcut_is_bound_twice(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                    db_path: Path, role: str) -> None:
    assign_lead_defaults(nz_record)
    save_profile(nz_record, PROFILES[role])
    win = _open(qtbot, runner, db_path, role)
    actions = win.window_actions
    assert actions.coordinator_menu.menuAction().isVisible() == (role == "coordinator")

    bound: dict[str, list[str]] = defaultdict(list)
    twice_on_one: list[str] = []
    for action in every_action(win):
        # Undo and Redo are disabled only while the stack is empty: they count too.
        if not (action.isEnabled() or action in (actions.undo, actions.redo)):
            continue
        keys = [k.toString(PORTABLE) for k in action.shortcuts() if not k.isEmpty()]
        if len(keys) != len(set(keys)):
            twice_on_one.append(f"{action.text()!r}: {keys}")
        for key in set(keys):
            bound[key].append(action.text())
    clashes = {key: names for key, names in bound.items() if len(names) > 1}
    assert not twice_on_one, f"one action with the same shortcut twice: {twice_on_one}"
    assert not clashes, f"shortcuts bound to two enabled actions ({role}): {clashes}"
    # The walk saw the window's commands, this role's among them.
    assert len(bound) > 20
    assert {"Ctrl+Z", redo_key().toString(PORTABLE), "Ctrl+F", "Ctrl+U"} <= bound.keys()
    assert ("Ctrl+Shift+A" in bound) == (role == "coordinator")  # Assign to Agency…


def test_redo_has_one_shortcut_for_this_platform(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    redo = window.window_actions.redo
    assert len(redo.shortcuts()) == 1
    expected = "Ctrl+Y" if sys.platform == "win32" else "Ctrl+Shift+Z"
    assert redo.shortcut().toString(PORTABLE) == expected


@pytest.mark.qt_log_ignore(r"This plugin does not support")
def test_ctrl_shift_z_redoes_what_ctrl_z_undid(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                              nz_db: Path) -> None:
    win = window
    rec_id = add_update(qtbot, win, "Kōrero with the Human Rights Commission.")

    def entries() -> int:
        record = open_record(nz_db, create=False)
        try:
            return len(entry.progress_for(record, rec_id))
        finally:
            record.close()
    assert entries() == 1
    win.activateWindow()  # the dialog that saved the update has closed: the keys go here
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(win, Qt.Key.Key_Z, ctrl)
    qtbot.waitUntil(lambda: not win.runner.busy and entries() == 0, timeout=WAIT)
    assert win.editing.undo_stack.index() == 0
    qtbot.keyClick(win, Qt.Key.Key_Z, ctrl | shift)
    qtbot.waitUntil(lambda: not win.runner.busy and entries() == 1, timeout=WAIT)
    assert win.editing.undo_stack.index() == 1
