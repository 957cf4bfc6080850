"""The exchange commands in the main window: officers export and import, coordinators merge."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from nmrf_desktop.domain.changes import ACTION_ENTRY
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.window.main_window import MainWindow


def _visible_tabs(window: MainWindow) -> list[str]:
    tabs = window.tabs
    return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]


def test_officer_sees_export_import_and_the_badge(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                  nz_db: Path) -> None:
    hub = window.exchange
    assert all(a.isVisible() for a in hub.officer_actions)
    assert not any(a.isVisible() for a in hub.coordinator_actions)
    assert _visible_tabs(window) == ["Recommendations", "Overview", "Indicators"]
    assert hub.badge.isVisibleTo(window)
    record = window.record
    assert record is not None
    rec = search_recommendations(record, Filters(text="Maori"), limit=1)[0]
    entry.create_action(record, ActionDraft(title="Kaupapa Māori plan", agency="MOJ",
                                            recommendation_ids=(rec.id,)))
    window.did_change(ACTION_ENTRY)
    qtbot.waitUntil(lambda: "1 unsent" in hub.badge.text(), timeout=10_000)
    hub.officer_actions[0].trigger()  # Export Update Bundle…
    dialogs = [w for w in window.findChildren(QDialog) if w.isVisible()]
    assert dialogs, "the export dialog opens"
    for dialog in dialogs:
        dialog.reject()


def test_coordinator_sees_inbox_and_conflicts(qtbot, runner, nz_db: Path) -> None:  # type: ignore[no-untyped-def]
    record = open_record(nz_db)
    save_profile(record, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    record.close()
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.open_database(nz_db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle(),
                    timeout=10_000)
    qtbot.waitUntil(lambda: "Bundle Inbox" in _visible_tabs(window), timeout=10_000)
    hub = window.exchange
    assert not any(a.isVisible() for a in hub.officer_actions)
    assert all(a.isVisible() for a in hub.coordinator_actions)
    assert _visible_tabs(window) == ["Recommendations", "Overview", "Bundle Inbox", "Conflicts",
                                     "Overlaps", "Dashboard", "Calendar", "Indicators"]
    hub.coordinator_actions[2].trigger()  # Conflicts
    assert window.tabs.currentWidget() is hub.conflicts
