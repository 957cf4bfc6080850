"""The main window: opens a database, searches as you type, shows a recommendation in full."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QHeaderView, QMessageBox

from nmrf_desktop.services import browsing
from nmrf_desktop.services.browsing import RecommendationDetail
from nmrf_desktop.services.record import open_record
from nmrf_desktop.ui.browsing.recommendations_model import Column
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow


def _details(path: Path, ids: list[str]) -> list[RecommendationDetail]:
    """Read recommendations straight from the file, to compare with what the window shows."""
    record = open_record(path, create=False)
    try:
        found = [browsing.detail(record, i) for i in ids]
    finally:
        record.close()
    return [d for d in found if d is not None]


def test_window_shows_the_database_and_its_count(window: MainWindow, nz_db: Path) -> None:
    assert window.count_label.text() == "228 of 228 recommendations"
    assert window.model.rowCount() == 228
    assert window.windowTitle() == f"{nz_db.name} — NMRF Desktop"
    assert window.model.data(window.model.index(0, Column.REFERENCE)) == "NZL-UPR5-001"


def test_typing_in_the_search_box_narrows_the_table(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                    nz_db: Path) -> None:
    qtbot.keyClicks(window.search_box, "Maori")
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 228, timeout=10_000)
    shown = window.model.rowCount()
    qtbot.waitUntil(lambda: window.count_label.text() == f"{shown} of 228 recommendations")
    ids = [window.model.id_at(r) for r in range(shown)]
    texts = [d.recommendation.text.lower() for d in _details(nz_db, ids)]  # type: ignore[arg-type]
    assert len(texts) == shown
    assert all("maori" in t or "māori" in t for t in texts)

    window.search_box.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 228, timeout=10_000)


def test_search_is_debounced(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    queries: list[int] = []
    window.model.countsChanged.connect(lambda shown, _total: queries.append(shown))
    qtbot.keyClicks(window.search_box, "indigenous")
    qtbot.waitUntil(lambda: bool(queries) and window.is_idle(), timeout=10_000)
    assert len(queries) == 1  # ten keystrokes, one query


def test_selecting_a_row_shows_the_full_text_and_details(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                         nz_db: Path) -> None:
    rows = list(range(228))
    details = _details(nz_db, [window.model.id_at(r) for r in rows])  # type: ignore[misc]
    row = max(rows, key=lambda r: len(details[r].recommendation.text))  # the longest text
    expected = details[row].recommendation
    assert len(expected.text) > 140
    window.select_row(row)
    qtbot.waitUntil(lambda: window.detail.current_id == expected.id, timeout=10_000)
    shown = window.detail.toPlainText()
    assert expected.text in shown  # the full text, not the excerpt
    assert expected.reference in shown
    for state in expected.recommending_states:
        assert state in shown
    for theme in expected.themes:
        assert theme in shown
    # assigned agencies (UPR lead defaults), official English and te reo Māori names
    assert "MFAT (Ministry of Foreign Affairs and Trade — Manatū Aorere, lead)" in shown
    assert "MOJ (Ministry of Justice — Te Tāhū o te Ture, lead)" in shown
    assert window.detail.isReadOnly()
    assert window.detail.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_selection_survives_a_new_search_that_still_holds_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.select_row(0)
    first = window.model.id_at(0)
    qtbot.waitUntil(lambda: window.detail.current_id == first, timeout=10_000)
    qtbot.keyClicks(window.search_box, "xenophobia")
    qtbot.waitUntil(lambda: window.model.rowCount() < 228 and window.is_idle(), timeout=10_000)
    assert window.model.id_at(window.table.currentIndex().row()) == first
    assert window.detail.current_id == first


def test_menus_and_shortcuts(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Record", "E&xchange", "&Coordinator",
                      "&Help"]
    shortcuts = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), "two commands share a shortcut"
    actions = window.window_actions
    assert actions.find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert actions.open_database.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert not actions.quit.shortcut().isEmpty()
    window.table.setFocus()
    window.search_box.setText("abc")
    actions.find.trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_box or
                    window.search_box.hasSelectedText())
    assert window.search_box.selectedText() == "abc"


def test_controls_have_accessible_names(window: MainWindow) -> None:
    for widget in (window.search_box, window.table, window.detail, window.count_label):
        assert widget.accessibleName()


def test_column_layout_and_geometry_are_remembered(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                   window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    header.resizeSection(Column.REFERENCE, 211)
    header.moveSection(header.visualIndex(Column.STATUS), 1)
    header.setSectionHidden(Column.LAST_UPDATE, True)
    window.resize(760, 500)  # within the offscreen screen (800x600), above the minimum
    window.close()
    assert window_state.settings().contains(window_state.TABLE_HEADER)

    again = MainWindow(runner)
    qtbot.addWidget(again)
    restored: QHeaderView = again.table.horizontalHeader()
    assert restored.sectionSize(Column.REFERENCE) == 211
    assert restored.visualIndex(Column.STATUS) == 1
    assert restored.isSectionHidden(Column.LAST_UPDATE)
    assert again.size().width() == 760


def test_a_bad_file_is_reported_and_the_open_database_kept(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path, nz_db: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with qtbot.waitSignal(window.openFailed, timeout=10_000) as failed:
        window.open_database(junk)
    assert "could not be opened" in failed.args[0]
    assert window.database_path == nz_db
    assert window.model.rowCount() == 228
    boxes = window.findChildren(QMessageBox)
    assert any("could not be opened" in b.text() for b in boxes)
    for box in boxes:
        box.close()
