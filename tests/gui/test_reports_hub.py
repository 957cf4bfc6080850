"""File → Print / Export PDF… and Export Excel…: the window's filters, background work, cancel."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from nmrf_desktop.files import free_name
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.services.assigning import assign_contributing_by_theme, assign_lead_defaults
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.reports import dialog as report_dialog
from nmrf_desktop.ui.reports.hub import PDF, XLSX, ReportDialog, ReportsHub
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow


@pytest.fixture
def hub(window: MainWindow) -> ReportsHub:
    found = getattr(window, "reports", None)
    return found if isinstance(found, ReportsHub) else ReportsHub(window)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    shown: list[Path] = []
    monkeypatch.setattr(report_dialog, "open_file", lambda path: shown.append(path) or True)
    return shown


def _filter_mine(qtbot, window: MainWindow, text: str = "") -> None:  # type: ignore[no-untyped-def]
    window.filter_panel.mine.setChecked(True)
    window.search_box.setText(text)
    qtbot.waitUntil(window.is_idle, timeout=10_000)


def _dialog(hub: ReportsHub, fmt: str, out: Path) -> ReportDialog:
    dialog = hub.open_dialog(fmt)
    assert dialog is not None
    dialog.out.set_path(out)
    return dialog


def test_menu_items_and_shortcuts(hub: ReportsHub, window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert hub.pdf_action in file_menu.actions() and hub.excel_action in file_menu.actions()
    assert hub.pdf_action.shortcut().toString() == "Ctrl+P"
    assert hub.excel_action.shortcut().toString() == "Ctrl+Shift+X"


def test_dialog_builds_the_request_from_the_window_filters(qtbot, hub: ReportsHub,  # type: ignore[no-untyped-def]
                                                           window: MainWindow,
                                                           tmp_path: Path) -> None:
    _filter_mine(qtbot, window, "justice")
    dialog = _dialog(hub, PDF, tmp_path / "r.pdf")
    request = dialog.request()
    assert request.kind is ReportKind.AGENCY  # an officer's default: their agency
    assert dialog.chosen_agency() == "MOJ"
    assert request.filters == window.filter_panel.filters("justice")
    assert (request.filters.agency, request.filters.text) == ("MOJ", "justice")
    assert (request.start, request.end, request.landscape) == (None, None, False)
    assert not dialog.start.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReportKind.ANNUAL.value))
    dialog.landscape.setChecked(True)
    annual = dialog.request()
    assert annual.kind is ReportKind.ANNUAL and annual.landscape and dialog.start.isEnabled()
    assert annual.start is not None and annual.end is not None and annual.start < annual.end
    dialog.reject()


def test_pdf_is_written_in_the_background_and_opened(qtbot, hub: ReportsHub,  # type: ignore[no-untyped-def]
                                                     window: MainWindow, tmp_path: Path,
                                                     opened: list[Path]) -> None:
    _filter_mine(qtbot, window)
    out = tmp_path / "moj.pdf"
    dialog = _dialog(hub, PDF, out)
    dialog.go.click()
    assert dialog.busy and dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert opened == [out] and not dialog.busy
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) > 3
    assert reader.metadata.title == "Agency progress summary"
    assert "Ministry of Justice" in reader.pages[0].extract_text()
    assert "Wrote" in dialog.message.text()


def test_cancel_leaves_no_file(qtbot, hub: ReportsHub, window: MainWindow,  # type: ignore[no-untyped-def]
                               tmp_path: Path, opened: list[Path]) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    dialog = _dialog(hub, PDF, folder / "cancelled.pdf")
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReportKind.BODY.value))
    gate = threading.Event()
    window.runner.run(gate.wait)  # the worker is busy: the report waits its turn
    dialog.go.click()
    dialog.reject()  # Cancel while it runs: asks it to stop
    assert dialog.isVisible() and "Cancelling" in dialog.message.text()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert "Cancelled: no file was written." in dialog.message.text()
    assert list(folder.iterdir()) == [] and opened == []
    dialog.reject()
    assert not dialog.isVisible()


def test_a_missing_folder_is_a_field_error_before_anything_starts(
        qtbot, hub: ReportsHub, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
        opened: list[Path]) -> None:
    missing = tmp_path / "no such folder" / "r.pdf"
    dialog = _dialog(hub, PDF, missing)
    dialog.go.click()
    assert not dialog.busy and not dialog.message.isVisible()  # nothing was started
    shown = dialog.findChild(QLabel, "outError")
    assert shown is not None and shown.isVisibleTo(dialog)
    assert shown.text() == f"The folder {missing.parent} does not exist: choose one with Browse…"
    assert not missing.parent.exists() and opened == []
    assert dialog.go.isEnabled()
    dialog.out.set_path(tmp_path / "moj")  # mended: the error goes, the suffix is added
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert not shown.isVisibleTo(dialog) and opened == [tmp_path / "moj.pdf"]


def test_replacing_a_file_asks_first(qtbot, hub: ReportsHub, window: MainWindow,  # type: ignore[no-untyped-def]
                                     tmp_path: Path, opened: list[Path]) -> None:
    out = tmp_path / "existing.pdf"
    out.write_bytes(b"an earlier report")
    dialog = _dialog(hub, PDF, out)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReportKind.BODY.value))
    dialog.go.click()
    box = dialog.confirm_box
    assert box is not None and box.isVisible() and not dialog.busy
    assert box.text() == "existing.pdf already exists. Replace it?"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # the default is not to replace
    qtbot.waitUntil(lambda: dialog.confirm_box is None, timeout=10_000)
    assert out.read_bytes() == b"an earlier report" and not dialog.busy
    dialog.go.click()
    box = dialog.confirm_box
    assert box is not None
    replace = next(b for b in box.buttons() if b.text() == "&Replace")
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert out.read_bytes().startswith(b"%PDF") and opened == [out]


def test_the_default_file_never_replaces_one(hub: ReportsHub, window: MainWindow,
                                            tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    (tmp_path / f"nmrf-{today}.pdf").write_bytes(b"x")
    (tmp_path / f"nmrf-{today}-2.pdf").write_bytes(b"x")
    assert free_name(tmp_path, f"nmrf-{today}", ".pdf") == tmp_path / f"nmrf-{today}-3.pdf"
    assert free_name(tmp_path, f"nmrf-{today}", ".xlsx") == tmp_path / f"nmrf-{today}.xlsx"


def test_the_agency_picker_follows_the_report_and_defaults_to_the_officers(
        qtbot, hub: ReportsHub, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(hub, PDF, tmp_path / "r.pdf")
    assert dialog.needs_agency() and dialog.agency.isVisibleTo(dialog)
    assert dialog.chosen_agency() == "MOJ"  # the officer's agency
    assert dialog.agency.itemText(0) == "Choose an agency…"
    tpk = dialog.agency.findData("TPK")
    assert dialog.agency.itemText(tpk) == \
        "Te Puni Kōkiri – Ministry of Māori Development — Te Puni Kōkiri (TPK)"
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReportKind.THEME.value))
    assert not dialog.agency.isVisibleTo(dialog) and not dialog.needs_agency()
    assert dialog.request().filters == window.current_filters()  # the window's, untouched
    dialog.reject()
    excel = _dialog(hub, XLSX, tmp_path / "r.xlsx")
    assert not excel.agency.isVisibleTo(excel)
    excel.reject()
    # The filter's agency comes first: what the list shows is what is reported.
    window.filter_panel.mine.setChecked(False)
    panel = window.filter_panel
    panel.agency.setCurrentIndex(panel.agency.findData("MSD"))
    qtbot.waitUntil(window.is_idle, timeout=10_000)
    other = _dialog(hub, PDF, tmp_path / "r.pdf")
    assert other.chosen_agency() == "MSD" and other.request().filters.agency == "MSD"
    other.agency.setCurrentIndex(tpk)
    assert other.request().filters.agency == "TPK"
    other.reject()


def test_excel_export_of_the_selection(qtbot, hub: ReportsHub, window: MainWindow,  # type: ignore[no-untyped-def]
                                       tmp_path: Path, opened: list[Path]) -> None:
    window.table.selectRow(0)
    window.table.selectionModel().select(
        window.model.index(2, 0), window.table.selectionModel().SelectionFlag.Select
        | window.table.selectionModel().SelectionFlag.Rows)
    chosen = window.selected_ids()
    assert len(chosen) == 2
    out = tmp_path / "two"
    dialog = _dialog(hub, XLSX, out)
    assert dialog.selection_only.isChecked()
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=30_000)
    written = tmp_path / "two.xlsx"
    assert opened == [written]
    ws = load_workbook(written)["Recommendations"]
    assert {row[1] for row in ws.iter_rows(min_row=2, values_only=True)} == set(chosen)
    assert load_workbook(written).sheetnames[1:] == ["Assignments", "Actions", "Progress",
                                                     "Evidence"]


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new user's home: empty, no Documents folder, no XDG user-dirs file."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    return home


def test_a_new_coordinator_makes_an_agency_pdf_with_no_documents_folder(
        qtbot, runner: TaskRunner, nz_record: Record, db_path: Path,  # type: ignore[no-untyped-def]
        empty_home: Path, opened: list[Path], tmp_path: Path) -> None:
    assign_lead_defaults(nz_record)
    assign_contributing_by_theme(nz_record)
    save_profile(nz_record, Profile(role="coordinator", officer_name="Sam Secretariat"))
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.open_database(db_path)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator, timeout=10_000)
    documents = empty_home / "Documents"
    assert documents_location() == documents and not documents.exists()

    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    qtbot.waitUntil(lambda: window.reports.dialog is not None, timeout=10_000)
    dialog = window.reports.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.kind.currentData() == ReportKind.BODY.value  # no agency of one's own
    assert dialog.out.path() is not None and dialog.out.path().parent == documents
    dialog.kind.setFocus()
    qtbot.keyClicks(dialog.kind, "Agency")  # type to choose, as in any list
    assert dialog.kind.currentData() == ReportKind.AGENCY.value
    assert dialog.agency.isVisibleTo(dialog) and dialog.chosen_agency() == ""
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    problem = dialog.findChild(QLabel, "agencyError")
    assert problem is not None and problem.isVisibleTo(dialog)
    assert problem.text() == "Choose the agency this summary is for."
    assert dialog.focusWidget() is dialog.agency  # the field to mend has the focus
    assert not dialog.busy and not documents.exists()
    dialog.grab().save(str(tmp_path / "report-dialog-agency-needed.png"))

    qtbot.keyClicks(dialog.agency, "Te")  # the coordinator types to pick an agency
    assert dialog.chosen_agency() == "TPK" and not problem.isVisibleTo(dialog)
    qtbot.wait(20)  # the layout settles (the error's line is given back)
    dialog.grab().save(str(tmp_path / "report-dialog-agency-chosen.png"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    out = dialog.written
    assert out is not None and out.parent == documents and documents.is_dir()
    assert opened == [out]
    reader = pypdf.PdfReader(out)
    first = reader.pages[0].extract_text()
    assert reader.metadata.title == "Agency progress summary"
    assert "Te Puni Kōkiri – Ministry of Māori Development" in first  # macrons survive
    assert "Assigned to Te Puni Kōkiri – Ministry of Māori Development (TPK)" in first
    assert "Wrote" in dialog.message.text()
    dialog.grab().save(str(tmp_path / "report-dialog-written.png"))
    dialog.reject()
