"""Edit → Undo and Redo on real entries: unsent work is removed, sent work corrected, and
the Edit menu says which before it is chosen (also after a bundle left meanwhile)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry, undo
from nmrf_desktop.services.exchange import bundle_export
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.ui.exchange import ExportBundleDialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.exchange.world import PASS, World, assign_some, make_world
from tests.unit.services.undo_support import audit_events, pdf_text, unsent

# A menu on the offscreen platform cannot raise itself or grab the keyboard (nor can the
# window send size hints); that says nothing of ours.
MENUS = pytest.mark.qt_log_ignore(r"This plugin does not support")

WAIT = 15_000
U, R = Qt.Key.Key_U, Qt.Key.Key_R  # &Undo …, &Redo …


def edit_menu(win: MainWindow) -> QMenu:
    return next(m for m in (a.menu() for a in win.menuBar().actions())
                if isinstance(m, QMenu) and win.window_actions.undo in m.actions())


def choose(qtbot, win: MainWindow, action: QAction, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Open the Edit menu and choose `action` by its underlined letter, as a person would;
    then wait for the step to finish."""
    menu = edit_menu(win)
    menu.popup(win.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)  # the menu asked: sent yet?
    with qtbot.waitSignal(action.triggered, timeout=WAIT):
        qtbot.keyClick(menu, key)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)


def add_update(qtbot, win: MainWindow, narrative: str) -> str:  # type: ignore[no-untyped-def]
    """Record a progress update on the first row through its dialog; the recommendation id."""
    win.select_row(0)
    rec_id = win.model.id_at(0)
    qtbot.waitUntil(lambda: win.detail.detail is not None and win.detail.current_id == rec_id,
                    timeout=WAIT)
    dialog = win.editing.new_update()
    assert dialog is not None
    dialog.status.setCurrentIndex(dialog.status.findData("implemented"))
    dialog.narrative.setPlainText(narrative)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)
    assert rec_id
    return rec_id


def reference(win: MainWindow) -> str:
    detail = win.detail.detail
    assert detail is not None
    return detail.recommendation.reference


def read(path: Path, fn):  # type: ignore[no-untyped-def]
    record = open_record(path, create=False)
    try:
        return fn(record)
    finally:
        record.close()


@MENUS
def test_undo_redo_undo_of_an_unsent_update_leaves_nothing_to_send_or_print(
        qtbot, window: MainWindow, nz_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: undo, redo, undo of one progress update left four entries, all bundled."""
    win, actions = window, window.window_actions
    rec_id = add_update(qtbot, win, "Hui held in Ōtautahi with iwi.")
    ref = reference(win)
    assert actions.undo.text() == f"&Undo Add Progress Update on {ref} (not sent yet: removes it)"

    choose(qtbot, win, actions.undo, U)
    assert read(nz_db, lambda r: entry.progress_for(r, rec_id)) == []
    assert actions.redo.text() == f"&Redo Add Progress Update on {ref}"
    assert win.statusBar().currentMessage() == f"Removed the unsent update on {ref}."

    choose(qtbot, win, actions.redo, R)
    [back] = read(nz_db, lambda r: entry.progress_for(r, rec_id))
    assert back.narrative == "Hui held in Ōtautahi with iwi."
    assert actions.undo.text().endswith("(not sent yet: removes it)")

    choose(qtbot, win, actions.undo, U)
    assert read(nz_db, lambda r: entry.progress_for(r, rec_id)) == []
    assert read(nz_db, unsent) == []
    assert read(nz_db, bundle_export.unsent_count) == 0
    qtbot.waitUntil(lambda: win.detail.detail is not None
                    and win.detail.detail.recommendation.status is None, timeout=WAIT)
    out = tmp_path / "moj.pdf"
    read(nz_db, lambda r: build_pdf(r, ReportRequest("agency", Filters(agency="MOJ")), out))
    text = pdf_text(out)
    assert "Correction" not in text and "Ōtautahi" not in text


@MENUS
def test_a_new_action_with_evidence_is_removed_and_put_back(
        qtbot, window: MainWindow, nz_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    win, actions = window, window.window_actions
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.detail is not None, timeout=WAIT)
    paper = tmp_path / "pānui.pdf"
    paper.write_bytes(b"%PDF-1.4 a cabinet paper\n" * 40)
    dialog = win.editing.new_action()
    assert dialog is not None
    dialog.title.setText("Whānau Ora expansion")
    qtbot.waitUntil(lambda: bool(dialog.picker.ids()), timeout=WAIT)
    assert dialog.add_files([paper])
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)
    assert actions.undo.text() == "&Undo New Action “Whānau Ora expansion” (not sent yet: " \
        "removes it)"
    [change] = [c for c in read(nz_db, unsent) if c[0] == "evidence"]
    blob = read(nz_db, lambda r: BlobStore(r.evidence_root).path_for(
        entry.evidence_for(r, action_id=None)[0].sha256 or ""))
    assert blob.is_file()

    choose(qtbot, win, actions.undo, U)
    assert read(nz_db, unsent) == []
    assert not blob.exists()
    assert win.statusBar().currentMessage() == (
        "Removed the unsent action “Whānau Ora expansion”. 1 evidence item with it.")

    choose(qtbot, win, actions.redo, R)
    assert [c[0] for c in read(nz_db, unsent)] == ["action", "evidence"]
    assert change in read(nz_db, unsent)  # the same evidence, as a new change
    assert blob.is_file()


@MENUS
def test_an_unsent_edit_is_taken_back(qtbot, window: MainWindow, nz_db: Path) -> None:  # type: ignore[no-untyped-def]
    win, actions = window, window.window_actions
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.detail is not None, timeout=WAIT)
    dialog = win.editing.new_action()
    assert dialog is not None
    dialog.title.setText("Te reo Māori training")
    qtbot.waitUntil(lambda: bool(dialog.picker.ids()), timeout=WAIT)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible() and not win.runner.busy, timeout=WAIT)
    qtbot.waitUntil(lambda: win.detail.detail is not None and bool(win.detail.detail.actions),
                    timeout=WAIT)
    detail = win.detail.detail
    assert detail is not None
    edit = win.editing.edit_action(detail.actions[0].action.id)
    assert edit is not None
    edit.title.setText("Te reo Māori training for all staff")
    edit.save()
    qtbot.waitUntil(lambda: not edit.isVisible() and not win.runner.busy, timeout=WAIT)
    assert actions.undo.text() == ("&Undo Edit Action “Te reo Māori training for all staff” "
                                   "(not sent yet: removes the edit)")
    choose(qtbot, win, actions.undo, U)
    assert [c[2] for c in read(nz_db, unsent)] == ["insert"]  # the edit's change is gone
    assert actions.undo.text() == "&Undo New Action “Te reo Māori training” (not sent yet: " \
        "removes it)"


@MENUS
def test_attached_evidence_is_removed_by_undo(qtbot, window: MainWindow, nz_db: Path,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    win, actions = window, window.window_actions
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.detail is not None, timeout=WAIT)
    files = [tmp_path / "hui-minutes.txt", tmp_path / "pūrongo.txt"]
    for number, path in enumerate(files):
        path.write_text(f"minutes {number}", encoding="utf-8")
    win.editing.attach_evidence(files)
    qtbot.waitUntil(lambda: win.editing.undo_stack.count() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)
    assert actions.undo.text() == "&Undo Attach 2 Evidence Files (not sent yet: removes 2 files)"
    assert len(read(nz_db, unsent)) == 2
    choose(qtbot, win, actions.undo, U)
    assert read(nz_db, unsent) == []
    assert win.statusBar().currentMessage() == "Removed 2 unsent evidence files."
    choose(qtbot, win, actions.redo, R)
    assert len(read(nz_db, unsent)) == 2


# -- on a laptop that sends bundles -------------------------------------------------------

@pytest.fixture
def laptop_db(tmp_path: Path, nz_csv: Path) -> Iterator[tuple[World, Path]]:
    world = make_world(tmp_path / "world", nz_csv)
    assign_some(world, "MOJ", world.rec_ids(n=5))
    lap = world.laptop("Aroha Ngata", "MOJ")
    save_profile(lap.record, Profile(role="officer", agency="MOJ", officer_name="Aroha Ngata"))
    try:
        yield world, Path(str(lap.record.engine.url.database))
    finally:
        world.close()


@pytest.fixture
def laptop_window(qtbot, laptop_db: tuple[World, Path]) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    win = MainWindow(runner, remember_state=False)
    qtbot.addWidget(win)
    win.open_database(laptop_db[1])
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle()
                    and not win.session.loading, timeout=WAIT)
    yield win
    win.close()
    runner.shutdown()


def _export(qtbot, win: MainWindow, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Exchange → Export Update Bundle…, the passphrase typed, Export pressed."""
    win.exchange.export_bundle()
    dialog = win.findChild(ExportBundleDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=WAIT)
    dialog.out.set_path(out)
    qtbot.keyClicks(dialog.passphrase, PASS.decode())
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        dialog.export_button.click()
    dialog.close()
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=WAIT)


@MENUS
def test_after_a_bundle_left_undo_says_so_and_adds_a_correction(
        qtbot, laptop_window: MainWindow, laptop_db: tuple[World, Path],  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    win, actions, path = laptop_window, laptop_window.window_actions, laptop_db[1]
    rec_id = add_update(qtbot, win, "Consultation with iwi finished.")
    ref = reference(win)
    assert actions.undo.text().endswith("(not sent yet: removes it)")

    _export(qtbot, win, tmp_path / "first.nmrfbundle")  # while the update is on the stack

    assert actions.undo.text() == (
        f"&Undo Add Progress Update on {ref} (already sent: adds a correction)")
    edit_menu(win).grab().save(str(tmp_path / "edit-menu-sent.png"))
    choose(qtbot, win, actions.undo, U)
    history = read(path, lambda r: entry.progress_for(r, rec_id))
    assert len(history) == 2 and "entered in error" in history[0].narrative
    assert history[0].as_of == history[1].as_of == dt.date.today()
    assert [c[0] for c in read(path, unsent)] == ["progress"]  # the correction, to send
    assert win.statusBar().currentMessage() == (
        f"Update on {ref} already sent: correction added.")

    choose(qtbot, win, actions.redo, R)  # the correction never left: redo removes it
    assert len(read(path, lambda r: entry.progress_for(r, rec_id))) == 1
    assert read(path, unsent) == []
    assert actions.undo.text().endswith("(already sent: adds a correction)")


@MENUS
def test_the_edit_menu_asks_again_when_it_opens(qtbot, laptop_window: MainWindow,  # type: ignore[no-untyped-def]
                                                laptop_db: tuple[World, Path],
                                                tmp_path: Path) -> None:
    """A bundle exported elsewhere (the `nmrf` command): the menu finds out as it opens."""
    win, actions = laptop_window, laptop_window.window_actions
    world, path = laptop_db
    add_update(qtbot, win, "Draft bill with the Law Commission.")
    assert actions.undo.text().endswith("(not sent yet: removes it)")
    lap = world.laptops["Aroha Ngata"]
    read(path, lambda r: bundle_export.export_bundle(r, tmp_path / "cli.nmrfbundle", lap.key))
    menu = edit_menu(win)
    menu.popup(win.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(lambda: actions.undo.text().endswith("(already sent: adds a correction)"),
                    timeout=WAIT)
    menu.close()


@MENUS
def test_an_entry_gone_meanwhile_is_reported_and_nothing_changes(
        qtbot, window: MainWindow, nz_db: Path) -> None:  # type: ignore[no-untyped-def]
    win, actions = window, window.window_actions
    rec_id = add_update(qtbot, win, "Hui held.")
    ref = reference(win)
    [update] = read(nz_db, lambda r: entry.progress_for(r, rec_id))
    read(nz_db, lambda r: undo.undo_progress(r, update.id))  # another window took it back
    events = read(nz_db, audit_events)

    choose(qtbot, win, actions.undo, U)
    qtbot.waitUntil(lambda: bool(_messages(win)), timeout=WAIT)
    assert _messages(win)[-1] == (f"Could not undo “Add Progress Update on {ref}”: That "
                                  "progress update is no longer in the record.")
    choose(qtbot, win, actions.redo, R)
    qtbot.waitUntil(lambda: len(_messages(win)) == 2, timeout=WAIT)
    assert _messages(win)[-1] == (f"Could not redo “Add Progress Update on {ref}”: its undo "
                                  "did not finish, so there is nothing to put back")
    assert read(nz_db, lambda r: entry.progress_for(r, rec_id)) == []
    assert read(nz_db, unsent) == [] and read(nz_db, audit_events) == events


def _messages(win: MainWindow) -> list[str]:
    return [box.text() for box in win.findChildren(QMessageBox) if box.isVisible()]


@MENUS
def test_a_record_switched_meanwhile_clears_the_stack(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                     nz_record: Record) -> None:
    win = window
    add_update(qtbot, win, "Hui held.")
    assert win.editing.undo_stack.count() == 1
    win.open_database(win.database_path)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: win.editing.undo_stack.count() == 0 and win.is_idle(),
                    timeout=WAIT)
    assert not win.window_actions.undo.isEnabled()
    assert win.window_actions.undo.text() == "&Undo"
