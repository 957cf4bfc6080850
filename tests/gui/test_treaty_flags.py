"""A treaty body's flags in the window: the detail pane says them (with the calendar's
follow-up deadline), and the filter panel's two boxes narrow the table to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.facets import FilterChoices
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.documents import previews

WAIT = 10_000
SHOTS = Path("/tmp")


@pytest.fixture
def flagged_db(nz_record: Record, db_path: Path, tmp_path: Path) -> Path:
    """The NZ record with CERD's concluding observations applied, opened by a coordinator."""
    assign_lead_defaults(nz_record)
    apply(nz_record, previews.concluding_observations(tmp_path))
    save_profile(nz_record, Profile(role="coordinator", officer_name="Hine Coordinator"))
    return db_path


def _open(qtbot, runner: TaskRunner, path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.open_database(path)
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=WAIT)
    return win


def _ids(path: Path) -> dict[str, str]:
    """CERD paragraph -> id, read straight from the file."""
    record = open_record(path, create=False)
    try:
        return {r.paragraph: r.id for r in search_recommendations(
            record, Filters(bodies=("CERD",)), limit=None)}
    finally:
        record.close()


def _show(qtbot, win: MainWindow, rec_id: str) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.model.row_of(rec_id) >= 0, timeout=WAIT)
    win.select_row(win.model.row_of(rec_id))
    qtbot.waitUntil(lambda: win.detail.current_id == rec_id, timeout=WAIT)
    return win.detail.toPlainText()


def test_the_detail_pane_shows_the_flags_and_the_deadline(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                          flagged_db: Path) -> None:
    win = _open(qtbot, runner, flagged_db)
    assert win.model.rowCount() == 232
    ids = _ids(flagged_db)
    followed = _show(qtbot, win, ids["20(a)"])
    assert "Follow-up requested by the Committee, due 2018-08-25" in followed
    assert "Of particular importance" not in followed
    assert "Māori" in followed
    win.detail.grab().save(str(SHOTS / "v_detail_follow_up.png"))
    important = _show(qtbot, win, ids["31"])
    assert "Of particular importance" in important and "Follow-up requested" not in important
    win.detail.grab().save(str(SHOTS / "v_detail_important.png"))
    win.select_row(0)  # a UPR recommendation: neither flag
    qtbot.waitUntil(lambda: win.detail.current_id == win.model.id_at(0), timeout=WAIT)
    plain = win.detail.toPlainText()
    assert "Follow-up" not in plain and "Of particular importance" not in plain


def test_the_flag_boxes_narrow_the_table_by_keyboard(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                     flagged_db: Path) -> None:
    win = _open(qtbot, runner, flagged_db)
    panel = win.filter_panel
    assert panel.follow_up.isVisible() and panel.important.isVisible()
    panel.follow_up.setFocus()
    qtbot.keyClick(panel.follow_up, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: win.model.filters.follow_up is True and win.is_idle(),
                    timeout=WAIT)
    assert win.model.rowCount() == 3
    assert win.count_label.text() == "3 of 232 recommendations"
    assert panel.active_count() == 1
    win.filter_panel.grab().save(str(SHOTS / "v_filter_panel.png"))
    qtbot.keyClick(panel.follow_up, Qt.Key.Key_Space)
    qtbot.keyClick(win, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # its mnemonic
    qtbot.waitUntil(lambda: win.model.filters.important is True
                    and win.model.filters.follow_up is None and win.is_idle(), timeout=WAIT)
    assert win.model.rowCount() == 1
    assert win.model.id_at(0) == _ids(flagged_db)["31"]
    state = panel.state()
    assert state["important"] is True and state["follow_up"] is False
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.model.filters.important is None and win.is_idle(),
                    timeout=WAIT)
    assert win.model.rowCount() == 232 and not panel.important.isChecked()


def test_the_boxes_are_hidden_where_nothing_is_flagged(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.filter_panel
    assert not panel.follow_up.isVisible() and not panel.important.isVisible()
    # A saved state that had one ticked shows it, so it can be unticked.
    panel.set_choices(FilterChoices(bodies=("UPR",)), {"follow_up": True})
    assert panel.follow_up.isVisible() and panel.follow_up.isChecked()
    assert not panel.important.isVisible()

