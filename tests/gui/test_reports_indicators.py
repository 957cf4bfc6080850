"""File → Print / Export PDF… offers the indicators report, and writes it in the background."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.domain.indicators import IndicatorDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind
from nmrf_desktop.services import indicators
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.reports import dialog as report_dialog
from nmrf_desktop.ui.reports.hub import PDF, ReportsHub
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.conftest import TEST_DATA

TITLE_MI = "Te hunga mauhere kāore anō kia whiua"


@pytest.fixture
def linked(nz_record: Record) -> str:
    """An indicator with values on the first recommendation, added by the coordinator
    before the window's fixture saves its officer profile (a laptop copy adds none)."""
    ref = search_recommendations(nz_record, Filters(), limit=1)
    indicators.add_indicator(nz_record, IndicatorDraft(
        code="PRIS-REMAND", title="Unsentenced detainees", title_mi=TITLE_MI, kind="outcome",
        direction="down", recommendations=(ref[0].reference,)))
    indicators.import_values(nz_record, "PRIS-REMAND",
                             TEST_DATA / "indicators" / "nz_constructed_remand_by_ethnicity.csv")
    return ref[0].reference


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    shown: list[Path] = []
    monkeypatch.setattr(report_dialog, "open_file", lambda path: shown.append(path) or True)
    return shown


def test_the_dialog_writes_the_indicators_report(qtbot, linked: str,  # type: ignore[no-untyped-def]
                                                 window: MainWindow, tmp_path: Path,
                                                 opened: list[Path]) -> None:
    found = getattr(window, "reports", None)
    hub = found if isinstance(found, ReportsHub) else ReportsHub(window)
    dialog = hub.open_dialog(PDF)
    assert dialog is not None
    out = tmp_path / "indicators.pdf"
    dialog.out.set_path(out)
    index = dialog.kind.findData(ReportKind.INDICATORS.value)
    assert index >= 0
    assert dialog.kind.itemText(index) == KIND_TITLES[ReportKind.INDICATORS]
    dialog.kind.setCurrentIndex(index)
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert opened == [out]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    assert "PRIS-REMAND" in text and TITLE_MI in text and linked in text
