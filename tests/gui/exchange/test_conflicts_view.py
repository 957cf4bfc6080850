"""The conflicts view: side by side values, and decisions that change the record."""

from __future__ import annotations

from pathlib import Path

from nmrf_desktop.services.exchange import conflicts
from nmrf_desktop.ui.exchange.conflicts_view import ConflictsView, EditValueDialog, parse_edited
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import World

from .conftest import central_title, hard_conflict


def _view(qtbot, tasks: TaskRunner, world: World) -> ConflictsView:  # type: ignore[no-untyped-def]
    view = ConflictsView(tasks, world.central)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() > 0, timeout=10_000)
    return view


def test_take_incoming_changes_the_record(qtbot, qtmodeltester, tasks: TaskRunner,
                                          world: World, outbox: Path) -> None:
    action_id = hard_conflict(world, outbox)
    view = _view(qtbot, tasks, world)
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 1
    info = view.current()
    assert info is not None and info.kind == "hard"
    assert view.current_text.toPlainText() == "Review the Human Rights Act 1993"
    assert view.incoming_text.toPlainText() == "Repeal and replace the Act"
    assert view.take_button.isEnabled() and view.keep_button.isEnabled()
    assert view.edit_button.isEnabled() and not view.ack_button.isEnabled()

    with qtbot.waitSignal(view.resolved, timeout=10_000) as blocker:
        view.take_button.click()
    assert blocker.args[0].resolution == conflicts.TAKE
    assert central_title(world, action_id) == "Repeal and replace the Act"
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 0, timeout=10_000)
    assert view.message.kind == "success"
    assert not view.take_button.isEnabled()
    assert conflicts.list_conflicts(world.central) == []

    view.show_resolved.setChecked(True)
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 1, timeout=10_000)
    assert view.model.index(0, 6).data() == "Took incoming"


def test_keep_current_leaves_the_record(qtbot, tasks: TaskRunner, world: World,
                                        outbox: Path) -> None:
    action_id = hard_conflict(world, outbox)
    view = _view(qtbot, tasks, world)
    with qtbot.waitSignal(view.resolved, timeout=10_000):
        view.keep_button.click()
    assert central_title(world, action_id) == "Review the Human Rights Act 1993"
    [done] = conflicts.list_conflicts(world.central, None)
    assert done.resolution == conflicts.KEEP


def test_edit_sets_a_third_value(qtbot, tasks: TaskRunner, world: World,
                                 outbox: Path) -> None:
    action_id = hard_conflict(world, outbox)
    view = _view(qtbot, tasks, world)
    view.edit_button.click()
    dialog = view.findChild(EditValueDialog)
    assert dialog is not None
    assert dialog.editor.toPlainText() == "Repeal and replace the Act"
    dialog.editor.setPlainText("Review, then replace, the Act")
    with qtbot.waitSignal(view.resolved, timeout=10_000):
        dialog.accept()
    assert central_title(world, action_id) == "Review, then replace, the Act"


def test_edited_text_keeps_the_shape_of_the_value() -> None:
    assert parse_edited("a\n\n b \n", ["x"]) == ["a", "b"]
    assert parse_edited("yes", False) is True
    assert parse_edited("2025-03-01", "2024-01-01") == "2025-03-01"
    assert parse_edited("", None) is None
