"""The filter lists follow the record: after a document is applied in the window, its new
cycle, State and themes can be filtered on at once, and what was checked stays checked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

MATRIX = (Path(__file__).resolve().parents[3] / "shared" / "data" / "un-documents"
          / "upr34-slovenia-thematic-list-of-recommendations.docx")
WAIT = 20_000


def _values(window: MainWindow, name: str) -> list[str]:
    facet = window.filter_panel.lists[name]
    return [facet.item(i).text() for i in range(facet.count())]


def test_applying_a_document_adds_its_cycle_to_the_filters(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                          nz_db: Path) -> None:
    record = open_record(nz_db)
    save_profile(record, Profile(role="coordinator", agency="", officer_name="Hēmi Walker"))
    record.close()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    window.open_database(nz_db)
    window.show()
    qtbot.waitUntil(lambda: window.is_idle() and window.profile.is_coordinator, timeout=WAIT)
    qtbot.waitUntil(lambda: len(_values(window, "cycles")) == 2, timeout=WAIT)
    states_before = set(_values(window, "states"))
    supported = window.filter_panel.lists["positions"]
    supported.item(0).setCheckState(Qt.CheckState.Checked)
    checked = supported.checked()

    hub = window.documents  # type: ignore[attr-defined]
    hub.read(MATRIX)
    qtbot.waitUntil(lambda: hub.review is not None and hub.review.isVisible(), timeout=WAIT)
    hub.review.apply_button.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(_values(window, "cycles")) == 3, timeout=WAIT)
    assert any("2019" in v for v in _values(window, "cycles"))
    assert set(_values(window, "states")) > states_before  # States only Slovenia heard
    assert window.filter_panel.lists["positions"].checked() == checked
