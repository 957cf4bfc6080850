"""File → Draft a Report… from the main window: the menu item beside the other reports, and
the whole draft by keyboard alone (shortcut, mnemonics, Tab, Enter, Escape)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services import catalog
from nmrf_desktop.ui.reports.draft_command import DraftCommand
from nmrf_desktop.ui.reports.draft_dialog import DraftDialog
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.gui.test_draft_dialog import UrlCatcher, docx_text, urls
from tests.gui.test_help import OFFSCREEN, _check_f1

__all__ = ["urls"]  # the fixture, shared with test_draft_dialog

WAIT = 60_000
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def command(window: MainWindow) -> Iterator[DraftCommand]:
    found = window.findChild(DraftCommand)
    assert found is not None, "the main window has no Draft a Report… command"
    yield found
    if found.dialog is not None:
        found.dialog.close()


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


@OFFSCREEN  # the guide asks to be raised; the offscreen platform cannot
def test_the_menu_item_sits_with_the_reports_and_opens_the_dialog(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, command: DraftCommand, tmp_path: Path) -> None:
    reports = window.reports
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    actions = file_menu.actions()
    assert actions.index(command.action) == actions.index(reports.excel_action) + 1
    assert command.action.text() == "Dra&ft a Report…"
    assert command.action.shortcut().toString() == "Ctrl+Shift+J"
    command.action.trigger()
    dialog = command.dialog
    assert isinstance(dialog, DraftDialog) and dialog.isVisible() and dialog.isModal()
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT)
    # An MOJ officer's laptop: the draft is for MOJ; the demo-like record has no treaty body.
    assert dialog.form.agency.currentData() == "MOJ"
    assert dialog.form.body.currentText() == "No treaty body in this record"
    assert not dialog.form.body.isEnabled()
    command.action.trigger()  # again: the same dialog comes forward
    assert command.dialog is dialog
    _check_f1(qtbot, window, dialog, "draft-report")  # F1: the guide's section on drafts
    # A periodic section needs a treaty body, and this record has none: said beside Body.
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData(DraftKind.PERIODIC.value))
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    dialog.form.out.set_path(drafts / "periodic.docx")
    dialog.go.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    shown = dialog.findChild(QLabel, "bodyError")
    assert shown is not None and shown.isVisibleTo(dialog), dialog.message.text()
    assert shown.text().startswith("The draft was not written: a periodic-report section "
                                   "needs the body it is for")
    assert list(drafts.iterdir()) == []


def test_a_draft_by_keyboard_alone(qtbot, window: MainWindow, command: DraftCommand,  # type: ignore[no-untyped-def]
                                   tmp_path: Path, urls: UrlCatcher) -> None:
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_J, CTRL | SHIFT)
    dialog = command.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ready and _focus() is dialog.form.kind, timeout=WAIT)
    for label in dialog.form.findChildren(QLabel):  # every field's label leads to it
        if label.text().endswith(":"):
            assert label.buddy() is not None, label.text()
    assert dialog.form.chosen_kind() is DraftKind.UPR_MID_TERM

    order = []
    for _ in range(12):  # Tab walks the enabled fields in reading order
        QTest.keyClick(_focus(), Qt.Key.Key_Tab)
        order.append(_focus().accessibleName() or _focus().objectName())
        if _focus() is dialog.form.out.edit:
            break
    assert order == ["Group the report by", "Responsible agency", "Cycle", "Theme",
                     "File to write"]

    QTest.keyClick(_focus(), Qt.Key.Key_K, ALT)  # Alt+K: the kind
    assert _focus() is dialog.form.kind
    QTest.keyClick(_focus(), Qt.Key.Key_S, ALT)  # Alt+S: Save as
    assert _focus() is dialog.form.out.edit
    out = tmp_path / "mid-term by keyboard.docx"
    QTest.keyClick(_focus(), Qt.Key.Key_A, CTRL)
    QTest.keyClicks(_focus(), str(out))
    QTest.keyClick(_focus(), Qt.Key.Key_Return)  # Enter: Draft, the default button
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=WAIT)
    result = dialog.result_
    record = window.record
    assert result is not None and record is not None
    mine = catalog.search_recommendations(record, Filters(agency="MOJ"), limit=None)
    assert result.recommendations == len(mine) > 0  # the officer's agency, by default
    text = docx_text(out)
    assert all(row.reference in text for row in mine)
    assert _focus() is dialog.open_button
    QTest.keyClick(_focus(), Qt.Key.Key_Return)  # Enter again: Open
    assert urls.asked == [QUrl.fromLocalFile(str(out))]
    QTest.keyClick(_focus(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: command.dialog is None, timeout=WAIT)
