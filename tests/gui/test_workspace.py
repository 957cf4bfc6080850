"""First run, recent files, the filter panel, the overview, coordinator tools, manners."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nmrf_desktop.services import assigning, workspace
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow

WAIT = 10_000


def _open(qtbot, runner: TaskRunner, path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner)
    qtbot.addWidget(win)
    win.open_database(path)
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle()
                    and not win.session.loading, timeout=WAIT)
    return win


def _profile(path: Path) -> Profile:
    record = open_record(path, create=False)
    try:
        return workspace.load_profile(record)
    finally:
        record.close()


def test_first_run_asks_role_and_name_and_stores_them(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                       nz_record: Record, db_path: Path) -> None:
    win = _open(qtbot, runner, db_path)
    dialog = win.session.profile_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.demo_button.isVisible()  # the demo is one click away
    assert win.profile_label.text() == "Role not chosen"
    dialog.officer.setChecked(True)
    dialog.agency.setCurrentIndex(dialog.agency.findData("MSD"))
    dialog.name.setText("Aroha Ngata")
    dialog._accept()
    qtbot.waitUntil(lambda: win.profile.is_set, timeout=WAIT)
    assert win.profile_label.text() == \
        "Aroha Ngata · officer of Ministry of Social Development — Te Manatū Whakahiato Ora (MSD)"
    assert _profile(db_path) == Profile("officer", "MSD", "Aroha Ngata")
    assert not win.window_actions.coordinator_menu.menuAction().isVisible()
    assert win.filter_panel.mine.isEnabled()


def test_recent_databases_are_remembered(qtbot, runner: TaskRunner, nz_db: Path,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    open_record(other).close()
    win = _open(qtbot, runner, nz_db)
    win.open_database(other)
    qtbot.waitUntil(lambda: win.database_path == other and win.is_idle(), timeout=WAIT)
    assert window_state.recent_databases()[:2] == [str(other), str(nz_db)]
    menu = win.window_actions.recent_menu
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["&1 other.sqlite3", f"&2 {nz_db.name}"]
    menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: win.database_path == nz_db, timeout=WAIT)


def test_filters_combine_with_search_count_and_are_remembered(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                               nz_db: Path, qtmodeltester) -> None:
    win = _open(qtbot, runner, nz_db)
    panel = win.filter_panel
    for facet in panel.lists.values():
        qtmodeltester.check(facet.model())
    cycles = panel.lists["cycles"]
    assert [cycles.item(i).text() for i in range(cycles.count())] == ["1 (2009)", "2 (2014)"]
    cycles.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: win.model.filters.cycles == (1,) and win.is_idle(), timeout=WAIT)
    in_cycle_1 = win.model.rowCount()
    assert 0 < in_cycle_1 < 228
    assert win.count_label.text() == f"{in_cycle_1} of 228 recommendations"
    assert win.filter_dock.windowTitle() == "Filters (1)"
    qtbot.keyClicks(win.search_box, "Maori")
    qtbot.waitUntil(lambda: win.model.filters.text == "Maori" and win.is_idle(), timeout=WAIT)
    assert 0 < win.model.rowCount() < in_cycle_1
    panel.mine.setChecked(True)  # MOJ leads on every UPR recommendation here
    qtbot.waitUntil(lambda: win.model.filters.agency == "MOJ" and win.is_idle(), timeout=WAIT)
    panel.role.setCurrentIndex(panel.role.findData("contributing"))
    qtbot.waitUntil(lambda: win.model.filters.role == "contributing" and win.is_idle(),
                    timeout=WAIT)
    assert win.model.rowCount() == 0
    panel.role.setCurrentIndex(0)
    win.close()

    again = _open(qtbot, runner, nz_db)
    restored = again.filter_panel.filters()
    assert (restored.cycles, restored.agency) == ((1,), "MOJ")
    again.window_actions.clear_filters.trigger()
    qtbot.waitUntil(lambda: again.model.rowCount() == 228 and again.is_idle(), timeout=WAIT)


def test_overview_counts_and_stale_items(qtbot, runner: TaskRunner, nz_db: Path,  # type: ignore[no-untyped-def]
                                         qtmodeltester) -> None:
    win = _open(qtbot, runner, nz_db)
    win.window_actions.show_overview.trigger()
    page = win.overview
    qtbot.waitUntil(lambda: page.stale.rowCount() > 0 and win.is_idle(), timeout=WAIT)
    assert page.chosen_agency() == "MOJ"  # the officer's agency first
    assert page.by_body.bars() == [("UPR", 228)]
    assert sum(n for _, n in page.by_cycle.bars()) == 228
    assert page.by_status.bars() == [("No update yet", 228)]
    assert "228 with no update since" in page.stale_label.text()
    qtmodeltester.check(page.stale.model())
    page.agency.setCurrentIndex(page.agency.findData("MSD"))  # MSD has nothing assigned
    qtbot.waitUntil(lambda: page.stale.rowCount() == 0 and win.is_idle(), timeout=WAIT)
    assert page.summary.text() == "0 recommendations"
    win.grab()  # the charts paint with and without bars


def test_coordinator_assigns_and_flags(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                       db_path: Path, monkeypatch) -> None:
    workspace.save_profile(nz_record, Profile("coordinator", "", "Sam Secretariat"))
    win = _open(qtbot, runner, db_path)
    actions = win.window_actions
    assert actions.coordinator_menu.menuAction().isVisible()
    assert actions.assign.isEnabled()
    assert not win.filter_panel.mine.isEnabled()
    win.select_row(0)
    win.table.selectionModel().select(
        win.model.index(1, 0), win.table.selectionModel().SelectionFlag.Select
        | win.table.selectionModel().SelectionFlag.Rows)
    picked = win.selected_ids()
    assert len(picked) == 2

    from nmrf_desktop.ui import assigning as coordinator

    def fake_exec(dialog) -> int:  # type: ignore[no-untyped-def]
        dialog.agency.setCurrentIndex(dialog.agency.findData("TPK"))
        dialog.contributing.setChecked(True)
        return coordinator.QDialog.DialogCode.Accepted.value
    monkeypatch.setattr(coordinator.AssignDialog, "exec", fake_exec)
    actions.assign.trigger()
    qtbot.waitUntil(lambda: "Assigned 2" in win.statusBar().currentMessage(), timeout=WAIT)
    actions.flag_te_tiriti.trigger()
    qtbot.waitUntil(lambda: "Te Tiriti" in win.statusBar().currentMessage(), timeout=WAIT)
    qtbot.waitUntil(lambda: win.is_idle(), timeout=WAIT)
    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services import catalog
    tpk = catalog.search_recommendations(nz_record, Filters(agency="TPK", role="contributing"))
    assert sorted(r.id for r in tpk) == sorted(picked)
    assert all(r.te_tiriti for r in tpk)
    assert assigning.flag(nz_record, picked, te_tiriti=True) == 0  # already flagged


def test_every_command_has_a_shortcut_and_every_control_a_name(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    actions = window.window_actions
    for name in actions.__slots__:  # type: ignore[attr-defined]
        action = getattr(actions, name)
        if hasattr(action, "shortcut"):
            assert not action.shortcut().isEmpty(), name
    assert actions.new_action.shortcut().toString() == "Ctrl+N"
    assert actions.new_update.shortcut().toString() == "Ctrl+U"
    assert actions.attach_evidence.shortcut().toString() == "Ctrl+E"
    assert actions.find.shortcut().toString() == "Ctrl+F"
    panel: QWidget = window.filter_panel
    for widget in (panel.mine, panel.agency, panel.role, panel.mechanism, panel.te_tiriti,
                   *panel.lists.values(), window.overview.agency, window.overview.months,
                   window.overview.stale, window.profile_label):
        assert widget.accessibleName(), widget.objectName()


def test_following_an_action_link_opens_it_for_editing(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                       runner: TaskRunner, tmp_path: Path) -> None:
    window.select_row(0)
    rec_id = window.model.id_at(0)
    qtbot.waitUntil(lambda: window.detail.current_id == rec_id, timeout=WAIT)
    dialog = window.editing.new_action()
    assert dialog is not None
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert dialog.picker.ids() == (rec_id,)
    dialog.title.setText("Linked action")
    dialog.save()
    qtbot.waitUntil(lambda: window.detail.detail is not None and
                    bool(window.detail.detail.actions), timeout=WAIT)
    action_id = window.detail.detail.actions[0].action.id  # type: ignore[union-attr]
    opened: list[object] = []
    window.detail.actionActivated.connect(opened.append)
    from PySide6.QtCore import QUrl

    from nmrf_desktop.ui.browsing.detail_pane import ACTION_SCHEME
    window.detail.anchorClicked.emit(QUrl(f"{ACTION_SCHEME}:{action_id}"))
    assert opened == [action_id]
    dialogs = [d for d in window.findChildren(QWidget, "actionDialog") if d.isVisible()]
    assert dialogs and dialogs[-1].title.text() == "Linked action"  # type: ignore[attr-defined]
    dialogs[-1].reject()  # type: ignore[attr-defined]


def test_attaching_evidence_to_a_recommendation(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    window.select_row(0)
    rec_id = window.model.id_at(0)
    qtbot.waitUntil(lambda: window.detail.current_id == rec_id, timeout=WAIT)
    report, empty = tmp_path / "annual-report.txt", tmp_path / "empty.txt"
    report.write_text("Annual report")
    empty.write_bytes(b"")
    window.editing.attach_evidence([report, empty])  # one bad file: nothing is attached
    from PySide6.QtWidgets import QMessageBox
    qtbot.waitUntil(lambda: any("0 bytes" in b.text() for b in
                                window.findChildren(QMessageBox)), timeout=WAIT)
    for box in window.findChildren(QMessageBox):
        box.close()
    assert window.detail.detail is not None and window.detail.detail.evidence == ()
    window.editing.attach_evidence([report])
    qtbot.waitUntil(lambda: window.detail.detail is not None
                    and len(window.detail.detail.evidence) == 1, timeout=WAIT)
    assert "annual-report.txt" in window.detail.toPlainText()
    assert "SHA-256 " in window.detail.toPlainText()
