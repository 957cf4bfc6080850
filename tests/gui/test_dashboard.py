"""The coordinator's dashboard and reporting calendar in the window: counts that open things."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.domain.entry import ProgressDraft
from nmrf_desktop.domain.enums import AssignmentRole, ImplementationStatus
from nmrf_desktop.services import calendar, entry
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.calendar import CalendarDraft, months_after
from nmrf_desktop.services.exchange import bundle_import, keys
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.calendar.page import CalendarModel
from nmrf_desktop.ui.dashboard.hub import DashboardHub
from nmrf_desktop.ui.dashboard.page import STALE, TOTAL, StatusTableModel
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.exchange.test_inbox_rejections import unregistered_laptop
from tests.unit.exchange.world import World, add_action, forge_bundle, make_world

SCREENSHOTS = Path(__file__).resolve().parents[2] / "resources" / "screenshots"


def hub_of(window: MainWindow) -> DashboardHub:
    """The window's dashboard hub (built here until MainWindow builds it itself)."""
    hub = getattr(window, "dashboard", None)
    if hub is None:
        hub = DashboardHub(window)
        window.dashboard = hub  # type: ignore[attr-defined]
        if window.record is not None:
            hub.opened(window.record)
    return hub


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    """The NZ central record with updates, a held and a rejected bundle, and deadlines."""
    w = make_world(tmp_path / "world", nz_csv)
    central = w.central
    ids = w.rec_ids("", 6)
    assign(central, "MSD", AssignmentRole.CONTRIBUTING, ids=ids[:4])
    today = dt.date.today()
    for rec_id, status, days in ((ids[0], ImplementationStatus.IN_PROGRESS, 20),
                                 (ids[1], ImplementationStatus.IMPLEMENTED, 40),
                                 (ids[2], ImplementationStatus.ONGOING, 400)):
        entry.add_progress(central, ProgressDraft(rec_id, "MOJ", status, "Work under way",
                                                  today - dt.timedelta(days=days)))
    aroha = w.laptop("aroha", "MOJ")
    add_action(aroha, w.rec_ids(), "first")
    aroha.export(tmp_path)
    add_action(aroha, w.rec_ids(), "second")
    assert bundle_import.import_bundle(central, aroha.export(tmp_path)).status == "held"
    forged = forge_bundle(tmp_path / "forged.nmrfbundle", SigningKey.generate(), "MOJ", [])
    assert bundle_import.import_bundle(central, forged).status == "rejected"
    # Rejected (key not registered yet), then merged once the key is registered.
    tui, pub = unregistered_laptop(w, "Tūī Ngata", "MOJ")
    add_action(tui, w.rec_ids(), "Hui with whānau")
    tui_bundle = tui.export(tmp_path)
    assert bundle_import.import_bundle(central, tui_bundle).status == "rejected"
    keys.register_key(central, pub, officer="Tūī Ngata", agency="MOJ")
    assert bundle_import.import_bundle(central, tui_bundle).status == "merged"
    calendar.add_entry(central, CalendarDraft("UPR", "upr-mid-term", months_after(today, 2),
                                              "Mid-term report on cycle 2",
                                              covers_all=True, cycle=2))
    calendar.add_entry(central, CalendarDraft("UPR", "follow-up", months_after(today, 8),
                                              "Follow-up on housing",
                                              references=("NZL-UPR18-001", "NZL-UPR18-002")))
    save_profile(central, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    yield w
    w.close()


@pytest.fixture
def tasks(world: World) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def coordinator(qtbot, tasks: TaskRunner, world: World) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(tasks, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    hub_of(window)
    window.open_database(world.root / "central" / "central.sqlite3")
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator, timeout=15_000)
    return window


def _shoot(qtbot, window: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save the window at its default size when NMRF_SCREENSHOTS is set."""
    if os.environ.get("NMRF_SCREENSHOTS"):
        window.resize(1280, 800)
        qtbot.wait(50)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENSHOTS / name))


def _idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.is_idle, timeout=15_000)


def test_the_dashboard_counts_and_opens_what_it_counts(qtbot, qtmodeltester,  # type: ignore[no-untyped-def]
                                                       coordinator: MainWindow) -> None:
    window, hub = coordinator, hub_of(coordinator)
    assert window.tabs.isTabVisible(window.tabs.indexOf(hub.page))
    hub.show_action.trigger()
    qtbot.waitUntil(lambda: hub.page.data is not None, timeout=15_000)
    _idle(qtbot, window)
    page = hub.page
    data = page.data
    assert data is not None and data.total == 228
    assert page.held_button.text() == "Held bundles: 1"
    # The forged bundle still needs action; Tūī's was rejected, then merged.
    assert page.rejected_button.text() == "Rejected bundles: 1 (1 more rejected, then merged)"
    assert page.conflicts_button.text() == "Open conflicts: 0 (0 hard)"
    assert page.due_buttons[3].text() == "Due in 3 months: 1"
    assert page.due_buttons[12].text() == "Due in 12 months: 2"
    model = page.agency_model
    qtmodeltester.check(model)
    qtmodeltester.check(page.body_model)
    rows = {model.index(r, 0).data(Qt.ItemDataRole.UserRole): r
            for r in range(model.rowCount())}
    assert set(rows) == {"MFAT", "MOJ", "MSD"}
    columns = {model.headerData(c, Qt.Orientation.Horizontal): c
               for c in range(model.columnCount())}
    assert list(columns)[-1] == "No update"
    msd, mfat, moj = rows["MSD"], rows["MFAT"], rows["MOJ"]
    assert model.index(msd, TOTAL).data() == "4"
    # MOJ reported on three of MSD's four; MSD itself never did: no update, all stale.
    assert model.index(msd, STALE).data() == "4"
    assert model.index(msd, columns["No update"]).data() == "4"
    assert model.index(msd, columns["Implemented"]).data() == "0"
    assert model.index(mfat, columns["No update"]).data() == "228"  # never reported
    assert model.index(moj, columns["Implemented"]).data() == "1"
    assert model.headerData(STALE, Qt.Orientation.Horizontal) == "No update in 6 months"
    assert page.body_model.headerData(columns["No update"], Qt.Orientation.Horizontal) == \
        "No update yet"
    assert dict(page.agency_chart.bars()) == {"MFAT": 228, "MOJ": 228, "MSD": 4}
    assert dict(page.stale_chart.bars())["MSD"] == 4
    _shoot(qtbot, window, "dashboard.png")

    # Held bundles open the inbox; conflicts open the conflicts tab.
    qtbot.mouseClick(page.held_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.exchange.inbox
    hub.show_dashboard()
    qtbot.mouseClick(page.conflicts_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.exchange.conflicts

    # An agency's status count opens its overview, which counts the same way.
    hub.show_dashboard()
    _idle(qtbot, window)
    page.agency_table.setFocus()
    page.agency_table.setCurrentIndex(model.index(moj, columns["Implemented"]))
    qtbot.keyClick(page.agency_table, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.overview
    assert window.overview.chosen_agency() == "MOJ"
    qtbot.waitUntil(lambda: window.is_idle() and ("Implemented", 1) in
                    window.overview.by_status.bars(), timeout=15_000)
    assert dict(window.overview.by_status.bars())["No update yet"] == 225

    # A body's status count opens the list filtered to that body and status.
    hub.show_dashboard()
    _idle(qtbot, window)
    page.body_table.activated.emit(page.body_model.index(0, columns["Implemented"]))
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: window.is_idle() and window.model.rowCount() == 1, timeout=15_000)
    wanted = window.filter_panel.filters()
    assert (wanted.bodies, wanted.statuses) == (("UPR",), ("implemented",))

    # A stale count opens the overview's stale list for that agency.
    page.agency_table.activated.emit(model.index(msd, STALE))
    assert window.tabs.currentWidget() is window.overview
    assert window.overview.chosen_agency() == "MSD"

    # "Due in 3 months" opens the calendar on that window.
    hub.show_dashboard()
    qtbot.mouseClick(page.due_buttons[3], Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is hub.calendar
    qtbot.waitUntil(lambda: hub.calendar.model.rowCount() == 1, timeout=15_000)
    assert hub.calendar.months() == 3


def test_the_calendar_shows_coverage_and_checks_entries(qtbot, qtmodeltester,  # type: ignore[no-untyped-def]
                                                        coordinator: MainWindow) -> None:
    window, hub = coordinator, hub_of(coordinator)
    page = hub.calendar
    hub.show_calendar(-1)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.covered.count() > 0,
                    timeout=15_000)
    _idle(qtbot, window)
    qtmodeltester.check(page.model)
    assert page.model.index(0, 4).data().startswith("155 (all UPR of cycle 2)")
    assert page.covered.count() == 155
    assert "covers 155 recommendations" in page.covered_label.text()
    _shoot(qtbot, window, "calendar.png")

    # Refused: no due date, references that do not exist; nothing is saved.
    dialog = page.edit_entry(None)
    assert dialog is not None
    dialog.body.setCurrentText("UPR")
    dialog.kind.setCurrentIndex(dialog.kind.findData("periodic-report"))
    dialog.references.setPlainText("NZL-UPR18-003, NZL-UPR99-999\nNOPE")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.labels["due_on"].isVisible(), timeout=15_000)
    assert dialog.labels["due_on"].text() == "A due date is required."
    assert dialog.labels["references"].text() == (
        "No recommendation with the references NZL-UPR99-999, NOPE.")
    assert dialog.isVisible()

    # Fixed: saved, shown, and its coverage listed.
    due = months_after(dt.date.today(), 5)
    dialog.due.set_value(due)
    dialog.references.setPlainText("NZL-UPR18-003")
    dialog.title_edit.setText("Sixth periodic report")
    with qtbot.waitSignal(page.changed, timeout=15_000):
        dialog.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=15_000)
    _idle(qtbot, window)
    row = next(r for r in range(3) if page.model.item_at(r).title == "Sixth periodic report")
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.covered.count() == 1, timeout=15_000)
    assert page.covered.item(0).text().startswith("NZL-UPR18-003 · No update yet")

    # Opening a covered recommendation shows it in the list's detail pane.
    with qtbot.waitSignal(page.recommendationActivated) as opened:
        page.covered.itemActivated.emit(page.covered.item(0))
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: window.detail.current_id == opened.args[0], timeout=15_000)

    # Removed again (confirmed by the test), and audited.
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.current() is not None, timeout=15_000)
    page.table.selectRow(next(r for r in range(page.model.rowCount())
                              if page.model.item_at(r).title == "Sixth periodic report"))
    with qtbot.waitSignal(page.changed, timeout=15_000):
        page.remove_current(confirm=False)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=15_000)
    _idle(qtbot, window)
    events = _calendar_events(window.record)
    assert events == ["calendar.add"] * 3 + ["calendar.delete"]


def _calendar_events(record: Record | None) -> list[str]:
    from sqlalchemy import select

    from nmrf_desktop.store.models import AuditEvent

    assert record is not None
    with record.reading() as session:
        return list(session.execute(select(AuditEvent.event).where(
            AuditEvent.event.startswith("calendar.")).order_by(AuditEvent.seq)).scalars())


def test_officers_do_not_see_the_coordinator_tabs(window: MainWindow) -> None:
    hub = hub_of(window)
    assert not window.profile.is_coordinator
    assert not window.tabs.isTabVisible(window.tabs.indexOf(hub.page))
    assert not window.tabs.isTabVisible(window.tabs.indexOf(hub.calendar))
    assert not hub.show_action.isEnabled()


def test_models_pass_the_model_tester(qtmodeltester, nz_record: Record) -> None:  # type: ignore[no-untyped-def]
    from nmrf_desktop.services.dashboard import dashboard

    empty_status, empty_calendar = StatusTableModel("Agency"), CalendarModel()
    qtmodeltester.check(empty_status)
    qtmodeltester.check(empty_calendar)
    data = dashboard(nz_record)
    empty_status.set_data(data.by_agency, data.statuses, "stale")
    qtmodeltester.check(empty_status)
    calendar.add_entry(nz_record, CalendarDraft("UPR", "follow-up", dt.date(2027, 1, 1)))
    empty_calendar.set_items(calendar.list_entries(nz_record))
    qtmodeltester.check(empty_calendar)
