"""File → Print / Export PDF… and Export Excel…: the window's filters, background work, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.ui.reports import hub as reports_hub
from nmrf_desktop.ui.reports.hub import PDF, XLSX, ReportDialog, ReportsHub
from nmrf_desktop.ui.window.main_window import MainWindow


@pytest.fixture
def hub(window: MainWindow) -> ReportsHub:
    found = getattr(window, "reports", None)
    return found if isinstance(found, ReportsHub) else ReportsHub(window)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    shown: list[Path] = []
    monkeypatch.setattr(reports_hub, "open_file", lambda path: shown.append(path) or True)
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


def test_errors_are_shown_in_plain_words(qtbot, hub: ReportsHub, window: MainWindow,  # type: ignore[no-untyped-def]
                                         tmp_path: Path, opened: list[Path]) -> None:
    missing = tmp_path / "no such folder" / "r.pdf"
    dialog = _dialog(hub, PDF, missing)
    dialog.go.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog.message.kind == "error"
    assert dialog.message.text() == (f"The report was not made: cannot write {missing}: the "
                                     f"folder {missing.parent} does not exist.")
    assert dialog.go.isEnabled() and opened == []
    dialog.out.set_path(tmp_path / "x.xlsx")
    dialog.reject()


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
