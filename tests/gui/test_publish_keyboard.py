"""Publish Public Site… by keyboard alone: the File menu's mnemonic opens it, Alt+letters
reach every field, Enter publishes, the home page opens from the key focus lands on, and
Escape closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.publish import dialog as publish_dialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.gui.test_publish_site import PUBLISH_WAIT, WAIT, hub_of, open_window, prepare

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    shown: list[QUrl] = []
    monkeypatch.setattr(publish_dialog, "open_url", lambda url: shown.append(url) or True)
    return shown


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


@pytest.mark.slow
@pytest.mark.qt_log_ignore(r"This plugin does not support")  # the menu's raise(), grab
def test_publish_by_keyboard_alone(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                   db_path: Path, tmp_path: Path,
                                   opened: list[QUrl]) -> None:
    prepare(nz_record)
    window = open_window(qtbot, runner, db_path)
    hub = hub_of(window)
    qtbot.waitUntil(lambda: hub.central is True, timeout=WAIT)
    window.activateWindow()
    window.table.setFocus()
    file_menu = window.file_menu()
    QTest.keyClick(window, Qt.Key.Key_F, ALT)  # Alt+F opens the File menu
    qtbot.waitUntil(file_menu.isVisible, timeout=WAIT)
    QTest.keyClick(file_menu, Qt.Key.Key_H)  # Publis&h Public Site…
    qtbot.waitUntil(lambda: hub.dialog is not None and hub.dialog.isVisible(), timeout=WAIT)
    dialog = hub.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isActiveWindow() or _focus().window() is dialog,
                    timeout=WAIT)
    # Alt+F: the folder; type a new one over what was proposed.
    QTest.keyClick(_focus(), Qt.Key.Key_F, ALT)
    assert _focus() is dialog.out.edit
    QTest.keyClick(_focus(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    out = tmp_path / "keyboard site"
    QTest.keyClicks(_focus(), str(out))
    # Alt+B: the base URL.
    QTest.keyClick(_focus(), Qt.Key.Key_B, ALT)
    assert _focus() is dialog.base_url
    QTest.keyClicks(_focus(), "https://monitor.example.govt.nz/")
    # Alt+L: the language; Down picks te reo Māori.
    QTest.keyClick(_focus(), Qt.Key.Key_L, ALT)
    assert _focus() is dialog.lang
    QTest.keyClick(_focus(), Qt.Key.Key_Down)
    assert dialog.lang.currentData() == "mi"
    # Tab goes on to the buttons without getting stuck; Enter presses Publish (the default).
    QTest.keyClick(_focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.published is not None, timeout=PUBLISH_WAIT)
    assert (out / "index.html").is_file()
    assert dialog.out.path() == out and dialog.base_url.text().endswith("govt.nz/")
    # Focus is on Open Home Page: Space opens it.
    qtbot.waitUntil(lambda: _focus() is dialog.open_home, timeout=WAIT)
    QTest.keyClick(_focus(), Qt.Key.Key_Space)
    assert [u.toLocalFile() for u in opened] == [str(out / "index.html")]
    QTest.keyClick(_focus(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: hub.dialog is None, timeout=WAIT)


def test_tab_reaches_every_field_and_button_in_order(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                     nz_record: Record, db_path: Path) -> None:
    prepare(nz_record)
    window = open_window(qtbot, runner, db_path)
    hub = hub_of(window)
    qtbot.waitUntil(lambda: hub.central is True, timeout=WAIT)
    dialog = hub.open_dialog()
    assert dialog is not None
    dialog.activateWindow()
    dialog.out.edit.setFocus()
    qtbot.waitUntil(lambda: _focus() is dialog.out.edit, timeout=WAIT)
    seen: list[QWidget] = []
    for _ in range(12):
        seen.append(_focus())
        QTest.keyClick(_focus(), Qt.Key.Key_Tab)
    wanted = [dialog.out.edit, dialog.out.button, dialog.base_url, dialog.lang, dialog.go,
              dialog.close_button]
    for widget in wanted:
        assert widget in seen, f"Tab never reached {widget.objectName() or widget}"
    order = [seen.index(w) for w in wanted]
    assert order == sorted(order), "Tab does not follow the form's order"
    dialog.reject()
