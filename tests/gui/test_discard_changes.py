"""Closing a form with typed changes asks first; an unchanged form or a save never asks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog, facets
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.discard import DiscardGuardedDialog
from nmrf_desktop.ui.entry.action_dialog import ActionDialog
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.indicators.add_dialog import AddIndicatorDialog
from nmrf_desktop.ui.tasks import TaskRunner

WAIT = 10_000
Opener = Callable[[TaskRunner, Record, list[str]], DiscardGuardedDialog]
WAYS = ("escape", "close button", "window close button")
TYPED = "Kaupapa Maori plan"  # QTest types Latin-1 only


@pytest.fixture
def ids(nz_record: Record) -> list[str]:
    return [r.id for r in catalog.search_recommendations(nz_record, Filters(), limit=2)]


def new_action(runner: TaskRunner, record: Record, ids: list[str]) -> DiscardGuardedDialog:
    return ActionDialog(runner, record, facets.agency_choices(record), "MOJ", link_ids=ids)


def progress_update(runner: TaskRunner, record: Record, ids: list[str]
                    ) -> DiscardGuardedDialog:
    return UpdateDialog(runner, record, ids[0], "NZL-UPR5-001", facets.agency_choices(record),
                        "MOJ")


def add_indicator(runner: TaskRunner, record: Record, ids: list[str]) -> DiscardGuardedDialog:
    return AddIndicatorDialog(facets.agency_choices(record))


OPENERS = (new_action, progress_update, add_indicator)


def _field(dialog: DiscardGuardedDialog) -> QLineEdit | QPlainTextEdit:
    """Where a person types first: the title, the narrative, the indicator's code."""
    if isinstance(dialog, ActionDialog):
        return dialog.title
    if isinstance(dialog, UpdateDialog):
        return dialog.narrative
    assert isinstance(dialog, AddIndicatorDialog)
    return dialog.code


def _type(dialog: DiscardGuardedDialog) -> str:
    QTest.keyClicks(_field(dialog), TYPED)
    return _text(dialog)


def _text(dialog: DiscardGuardedDialog) -> str:
    field = _field(dialog)
    return field.text() if isinstance(field, QLineEdit) else field.toPlainText()


def _open(qtbot, opener: Opener, runner: TaskRunner, record: Record,  # type: ignore[no-untyped-def]
          ids: list[str]) -> DiscardGuardedDialog:
    dialog = opener(runner, record, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    return dialog


def _close(dialog: DiscardGuardedDialog, way: str) -> None:
    """Close as a person does: Escape, the Close/Cancel button, or the window's close button."""
    if way == "escape":
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    elif way == "close button":
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        next(b for b in box.buttons()
             if box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole).click()
    else:
        window = dialog.windowHandle()
        assert window is not None
        # What the window system does for its close button (QWindow.close() is code's).
        QApplication.sendEvent(window, QCloseEvent())


def answer_next_question(choice: str | None) -> list[tuple[str, str, str]]:
    """Answer the next question by clicking `choice` (None: press Escape); returns what the
    question said: (text, default button, escape button)."""
    seen: list[tuple[str, str, str]] = []
    tries = [100]  # about two seconds: no question asked is a failure, not a hang

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(20, answer)
            return
        default, escape = box.defaultButton(), box.escapeButton()
        seen.append((box.text(), default.text() if default else "",
                     escape.text() if escape else ""))
        if choice is None:
            QTest.keyClick(box, Qt.Key.Key_Escape)
        else:
            next(b for b in box.buttons() if b.text() == choice).click()
    QTimer.singleShot(0, answer)
    return seen


QUESTION = ("Discard the changes you typed?", "Keep Editing", "Keep Editing")


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("opener", OPENERS)
def test_typed_changes_are_kept_unless_discarded(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                 nz_record: Record, ids: list[str],
                                                 opener: Opener, way: str) -> None:
    dialog = _open(qtbot, opener, runner, nz_record, ids)
    typed = _type(dialog)
    assert typed == TYPED
    for choice in ("Keep Editing", None):  # the button, then Escape: both keep editing
        seen = answer_next_question(choice)
        _close(dialog, way)
        assert seen == [QUESTION]
        assert dialog.isVisible() and _text(dialog) == typed
    seen = answer_next_question("Discard")
    _close(dialog, way)
    assert seen == [QUESTION]
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert dialog.result() == dialog.DialogCode.Rejected


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("opener", OPENERS)
def test_an_unchanged_form_closes_without_asking(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                 nz_record: Record, ids: list[str],
                                                 opener: Opener, way: str) -> None:
    dialog = _open(qtbot, opener, runner, nz_record, ids)
    asked: list[object] = []
    dialog.ask_discard = lambda parent: bool(asked.append(parent))
    _close(dialog, way)
    assert asked == []
    assert not dialog.isVisible()


def test_a_change_undone_by_hand_asks_nothing(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                              nz_record: Record, ids: list[str]) -> None:
    dialog = _open(qtbot, progress_update, runner, nz_record, ids)
    asked: list[object] = []
    dialog.ask_discard = lambda parent: bool(asked.append(parent))
    assert isinstance(dialog, UpdateDialog)
    dialog.narrative.setPlainText("typed")
    dialog.narrative.setPlainText("")
    _close(dialog, "escape")
    assert asked == [] and not dialog.isVisible()


def test_saving_and_closing_from_code_do_not_ask(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                 nz_record: Record, ids: list[str]) -> None:
    dialog = _open(qtbot, progress_update, runner, nz_record, ids)
    asked: list[object] = []
    dialog.ask_discard = lambda parent: bool(asked.append(parent))
    assert isinstance(dialog, UpdateDialog)
    _type(dialog)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=WAIT)
    assert asked == [] and not dialog.isVisible()

    other = _open(qtbot, add_indicator, runner, nz_record, ids)
    other.ask_discard = lambda parent: bool(asked.append(parent))
    _type(other)
    other.close()  # a record opened in its place: the form goes without a question
    assert asked == [] and not other.isVisible()


def test_offered_links_are_not_a_change(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                        nz_record: Record, ids: list[str]) -> None:
    dialog = _open(qtbot, add_indicator, runner, nz_record, ids)
    assert isinstance(dialog, AddIndicatorDialog)
    asked: list[object] = []
    dialog.ask_discard = lambda parent: bool(asked.append(parent))
    dialog.offer_recommendations(["NZL-UPR32-001"])
    _close(dialog, "escape")
    assert asked == [] and not dialog.isVisible()
