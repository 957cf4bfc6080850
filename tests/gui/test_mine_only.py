""""Mine only": on for an officer, off for a coordinator, kept by Clear Filters, and an
officer's own choice remembered per database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from nmrf_desktop.services.assigning import assign_contributing_by_theme, assign_lead_defaults
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.session import MINE_ONLY
from tests.conftest import NZ_CSV

WAIT = 10_000


def _database(path: Path, profile: Profile) -> Path:
    """The 228 NZ recommendations with lead and contributing agencies, used by `profile`."""
    record = open_record(path)
    try:
        import_files(record, "upr-info", [NZ_CSV])
        assign_lead_defaults(record)
        assign_contributing_by_theme(record)
        save_profile(record, profile)
    finally:
        record.close()
    return path


@pytest.fixture
def ot_db(tmp_path: Path) -> Path:
    return _database(tmp_path / "ot.sqlite3", Profile("officer", "OT", "Mere Tamariki"))


def _settled(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle()
                    and not win.session.loading and not win.runner.busy, timeout=WAIT)
    qtbot.wait(SETTLE_MS)  # the filter panel's debounced query, if one was started
    qtbot.waitUntil(lambda: win.is_idle() and not win.runner.busy, timeout=WAIT)


SETTLE_MS = 400


def _open(qtbot, runner: TaskRunner, path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner)
    qtbot.addWidget(win)
    win.open_database(path)
    win.show()
    _settled(qtbot, win)
    return win


def _shown(win: MainWindow) -> tuple[str | None, int]:
    return win.model.filters.agency, win.model.rowCount()


def test_on_for_an_officer_and_kept_by_clear_filters(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                     ot_db: Path) -> None:
    win = _open(qtbot, runner, ot_db)
    panel = win.filter_panel
    assert panel.mine.isEnabled() and panel.mine.isChecked()
    assert panel.mine.text() == "&Mine only (OT)" and not panel.agency.isEnabled()
    agency, mine = _shown(win)
    assert agency == "OT" and 0 < mine < 228  # Oranga Tamariki's share, not everything
    assert win.count_label.text() == f"{mine} of 228 recommendations"
    cycles = panel.lists["cycles"]
    cycles.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: win.model.filters.cycles == (1,) and win.is_idle(), timeout=WAIT)
    assert win.model.rowCount() < mine
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)  # the button
    qtbot.waitUntil(lambda: win.model.filters.cycles == () and win.is_idle(), timeout=WAIT)
    assert panel.mine.isChecked() and _shown(win) == ("OT", mine)
    cycles.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: win.model.filters.cycles == (2,) and win.is_idle(), timeout=WAIT)
    win.window_actions.clear_filters.trigger()  # and the menu command
    qtbot.waitUntil(lambda: win.model.filters.cycles == () and win.is_idle(), timeout=WAIT)
    assert panel.mine.isChecked() and _shown(win) == ("OT", mine)
    assert panel.active_count() == 0  # nothing left for Clear Filters: who you are stays
    assert win.filter_dock.windowTitle() == "Filters"


def test_a_coordinator_keeps_it_off(qtbot, runner: TaskRunner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _database(tmp_path / "central.sqlite3", Profile("coordinator", "", "Sam"))
    win = _open(qtbot, runner, path)
    panel = win.filter_panel
    assert not panel.mine.isEnabled() and not panel.mine.isChecked()
    assert panel.agency.isEnabled() and _shown(win) == (None, 228)
    win.window_actions.clear_filters.trigger()
    qtbot.waitUntil(win.is_idle, timeout=WAIT)
    assert not panel.mine.isChecked() and _shown(win) == (None, 228)


def test_an_officers_choice_is_remembered_per_database(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                       ot_db: Path, tmp_path: Path) -> None:
    msd_db = _database(tmp_path / "msd.sqlite3", Profile("officer", "MSD", "Hemi Ora"))
    win = _open(qtbot, runner, ot_db)
    panel = win.filter_panel
    panel.mine.setFocus()
    qtbot.keyClick(panel.mine, Qt.Key.Key_Space)  # the officer turns it off, by keyboard
    qtbot.waitUntil(lambda: _shown(win) == (None, 228) and win.is_idle(), timeout=WAIT)
    assert not panel.mine.isChecked() and panel.agency.isEnabled()

    win.open_database(msd_db)  # another database: its own default, on
    qtbot.waitUntil(lambda: win.database_path == msd_db, timeout=WAIT)
    _settled(qtbot, win)
    assert panel.mine.isChecked() and panel.mine.text() == "&Mine only (MSD)"
    msd = _shown(win)
    assert msd[0] == "MSD" and 0 < msd[1] < 228
    win.close()

    again = _open(qtbot, runner, ot_db)  # a new window, after a restart: still off here
    assert not again.filter_panel.mine.isChecked() and _shown(again) == (None, 228)
    box = again.filter_panel.mine  # on again, a click on its box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: _shown(again)[0] == "OT" and again.is_idle(), timeout=WAIT)
    again.open_database(msd_db)
    qtbot.waitUntil(lambda: again.database_path == msd_db, timeout=WAIT)
    _settled(qtbot, again)
    assert again.filter_panel.mine.isChecked() and _shown(again) == msd
    again.close()

    last = _open(qtbot, runner, ot_db)
    assert last.filter_panel.mine.isChecked() and _shown(last)[0] == "OT"


def test_the_overviews_drill_down_does_not_change_the_choice(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                             ot_db: Path) -> None:
    win = _open(qtbot, runner, ot_db)
    win.show_filtered_list("MSD", "UPR", "")  # a chart's "show these": another agency
    qtbot.waitUntil(lambda: _shown(win)[0] == "MSD" and win.is_idle(), timeout=WAIT)
    assert not win.filter_panel.mine.isChecked()
    win.close()
    again = _open(qtbot, runner, ot_db)
    assert again.filter_panel.mine.isChecked() and _shown(again)[0] == "OT"


@pytest.mark.parametrize("saved", ["{not json", "[true]", ""])
def test_unreadable_or_old_saved_state_gives_the_default(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                         ot_db: Path, saved: str) -> None:
    store = window_state.settings()
    store.setValue(MINE_ONLY, saved)  # damaged by hand, or never written
    # Filters saved before "Mine only" was per database: their "mine" is not a choice.
    store.setValue(window_state.FILTERS, json.dumps({"mine": False, "cycles": [1]}))
    store.sync()
    win = _open(qtbot, runner, ot_db)
    assert win.filter_panel.mine.isChecked() and _shown(win)[0] == "OT"
    assert win.model.filters.cycles == (1,)  # the rest of the saved filters still apply
