"""End to end on the real New Zealand data: filter, search, act, update, reopen; undo, redo."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services import entry, workspace
from nmrf_desktop.services.record import open_record
from nmrf_desktop.ui.entry.action_dialog import ActionDialog
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

WAIT = 15_000


def _open(qtbot, runner: TaskRunner, path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner)
    qtbot.addWidget(win)
    win.open_database(path)
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle()
                    and not win.session.loading, timeout=WAIT)
    return win


def _check(win: MainWindow, facet: str, value: object) -> None:
    items = win.filter_panel.lists[facet]
    for i in range(items.count()):
        if items.item(i).data(Qt.ItemDataRole.UserRole) == value:
            items.item(i).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"{value!r} is not a choice of {facet}")


def _new_action(qtbot, win: MainWindow, second_id: str,  # type: ignore[no-untyped-def]
                evidence: Path) -> ActionDialog:
    dialog = win.editing.new_action()
    assert dialog is not None
    dialog.title.setText("Māori language strategy: funding for immersion schooling")
    dialog.kind.setCurrentIndex(dialog.kind.findData("funding"))
    dialog.start.set_value(dt.date(2024, 1, 1))
    dialog.target.set_value(dt.date(2025, 6, 30))
    dialog.public.setChecked(True)
    qtbot.keyClicks(dialog.picker.search, "Maori")
    qtbot.waitUntil(lambda: dialog.picker.results.count() > 1, timeout=WAIT)
    row = next(i for i in range(dialog.picker.results.count())
               if dialog.picker.results.item(i).data(Qt.ItemDataRole.UserRole) == second_id)
    dialog.picker.results.setCurrentRow(row)
    dialog.picker.link_selected()
    assert len(dialog.picker.ids()) == 2
    assert dialog.add_files([evidence])
    return dialog


def test_officer_records_work_and_finds_it_after_reopening(
        qtbot, runner: TaskRunner, nz_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    win = _open(qtbot, runner, nz_db)
    _check(win, "bodies", "UPR")
    qtbot.keyClicks(win.search_box, "Maori")
    qtbot.waitUntil(lambda: win.model.filters.bodies == ("UPR",)
                    and win.model.filters.text == "Maori" and win.is_idle(), timeout=WAIT)
    shown = win.model.rowCount()
    assert 2 <= shown < 228
    assert win.count_label.text() == f"{shown} of 228 recommendations"
    first, second = win.model.id_at(0), win.model.id_at(1)
    assert first and second
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.current_id == first, timeout=WAIT)

    paper = tmp_path / "cabinet-paper.pdf"
    paper.write_bytes(b"%PDF-1.4 example cabinet paper\n" * 20)
    dialog = _new_action(qtbot, win, second, paper)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: win.detail.detail is not None and bool(win.detail.detail.actions),
                    timeout=WAIT)

    update = win.editing.new_update()
    assert isinstance(update, UpdateDialog)
    update.status.setCurrentIndex(update.status.findData("in_progress"))
    update.narrative.setPlainText("Funding approved in Budget 2024; first kura opened.")
    update.save()
    qtbot.waitUntil(lambda: not update.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: win.detail.detail is not None and bool(win.detail.detail.progress),
                    timeout=WAIT)
    assert win.editing.undo_stack.count() == 2
    win.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)

    # The database itself holds it all ...
    record = open_record(nz_db, create=False)
    try:
        for rec_id in (first, second):
            [action] = entry.actions_for(record, rec_id)
            assert action.recommendation_ids == tuple(sorted((first, second)))
            assert action.kind == "funding" and action.is_public
            assert action.start_date == dt.date(2024, 1, 1)
        [evidence] = entry.evidence_for(record, action_id=action.id)
        assert evidence.sha256 == hashlib.sha256(paper.read_bytes()).hexdigest()
        [progress] = entry.progress_for(record, first)
        assert progress.status == "in_progress" and progress.agency == "MOJ"
    finally:
        record.close()

    # ... and the window shows it again after reopening (filters remembered).
    again = _open(qtbot, runner, nz_db)
    assert again.filter_panel.filters().bodies == ("UPR",)
    again.select_row(again.model.row_of(second))
    qtbot.waitUntil(lambda: again.detail.current_id == second, timeout=WAIT)
    text = again.detail.toPlainText()
    assert "Māori language strategy: funding for immersion schooling" in text
    assert "cabinet-paper.pdf" in text and evidence.sha256 in text  # type: ignore[operator]
    again.select_row(again.model.row_of(first))
    qtbot.waitUntil(lambda: again.detail.current_id == first, timeout=WAIT)
    assert "Funding approved in Budget 2024" in again.detail.toPlainText()


def _read(path: Path, fn):  # type: ignore[no-untyped-def]
    record = open_record(path, create=False)
    try:
        return fn(record)
    finally:
        record.close()


def test_undo_and_redo_of_actions_and_updates(qtbot, runner: TaskRunner, nz_db: Path,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    win = _open(qtbot, runner, nz_db)
    actions = win.window_actions
    assert actions.undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert QKeySequence("Ctrl+Shift+Z") in actions.redo.shortcuts()
    qtbot.keyClicks(win.search_box, "Maori")
    qtbot.waitUntil(lambda: win.model.filters.text == "Maori" and win.is_idle(), timeout=WAIT)
    first, second = win.model.id_at(0), win.model.id_at(1)
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.current_id == first, timeout=WAIT)
    evidence = tmp_path / "note.txt"
    evidence.write_text("evidence")
    dialog = _new_action(qtbot, win, second, evidence)  # type: ignore[arg-type]
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    stack = win.editing.undo_stack

    def action():  # type: ignore[no-untyped-def]
        return _read(nz_db, lambda r: entry.actions_for(r, first)[0])

    def settled() -> bool:
        return not runner.busy

    assert action().status == ActionStatus.PLANNED
    created = action().id
    stack.undo()  # creating, not sent yet: undo removes it (a sent one is cancelled)
    qtbot.waitUntil(settled, timeout=WAIT)
    assert _read(nz_db, lambda r: entry.actions_for(r, first)) == []
    stack.redo()  # ... and redo puts it back as new, same id
    qtbot.waitUntil(settled, timeout=WAIT)
    assert (action().id, action().status) == (created, ActionStatus.PLANNED)

    # Editing: undo puts the old values back.
    qtbot.waitUntil(lambda: win.detail.detail is not None and bool(win.detail.detail.actions)
                    and win.detail.detail.actions[0].action.status == "planned", timeout=WAIT)
    edit = win.editing.edit_action(action().id)
    assert edit is not None
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    edit.title.setText("Renamed action")
    edit.status.setCurrentIndex(edit.status.findData("in_progress"))
    edit.save()
    qtbot.waitUntil(lambda: not edit.isVisible(), timeout=WAIT)
    assert (action().title, action().status) == ("Renamed action", "in_progress")
    stack.undo()
    qtbot.waitUntil(settled, timeout=WAIT)
    assert (action().title, action().status) == (
        "Māori language strategy: funding for immersion schooling", "planned")
    stack.redo()
    qtbot.waitUntil(settled, timeout=WAIT)
    assert action().title == "Renamed action"

    # A progress update not sent yet: undo removes it, redo puts it back (tests/gui/test_undo
    # has the sent case: a correcting entry).
    qtbot.waitUntil(lambda: win.detail.detail is not None and
                    win.detail.detail.actions[0].action.title == "Renamed action", timeout=WAIT)
    update = win.editing.new_update()
    assert update is not None
    update.status.setCurrentIndex(update.status.findData("implemented"))
    update.narrative.setPlainText("Done.")
    update.save()
    qtbot.waitUntil(lambda: not update.isVisible(), timeout=WAIT)
    status = lambda: _read(nz_db, lambda r: workspace.browsing.detail(r, first)  # noqa: E731
                           ).recommendation.status
    assert status() == "implemented"
    stack.undo()
    qtbot.waitUntil(settled, timeout=WAIT)
    assert _read(nz_db, lambda r: entry.progress_for(r, first)) == []
    assert status() is None
    stack.redo()
    qtbot.waitUntil(settled, timeout=WAIT)
    assert status() == "implemented"
    assert len(_read(nz_db, lambda r: entry.progress_for(r, first))) == 1

    # Ctrl+Z goes through the Edit menu's action.
    win.activateWindow()
    actions.undo.trigger()
    qtbot.waitUntil(settled, timeout=WAIT)
    assert status() is None
