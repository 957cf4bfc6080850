"""The recommendations model: ids of one SQL query, rows fetched lazily, sorted in SQL."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing import recommendations_model as rm
from nmrf_desktop.ui.browsing.recommendations_model import ID_ROLE, Column, RecommendationsModel
from nmrf_desktop.ui.tasks import TaskRunner


@pytest.fixture
def model(qtbot, nz_record: Record, runner: TaskRunner) -> RecommendationsModel:  # type: ignore[no-untyped-def]
    return RecommendationsModel(runner)


def _loaded(model: RecommendationsModel, qtbot, rows: int | None = None) -> None:  # type: ignore[no-untyped-def]
    def ready() -> bool:
        if model.is_loading():
            return False
        return rows is None or model.rowCount() == rows
    qtbot.waitUntil(ready, timeout=10_000)


def _column(model: RecommendationsModel, column: Column, qtbot) -> list[str]:  # type: ignore[no-untyped-def]
    values = []
    for row in range(model.rowCount()):
        model.data(model.index(row, column))  # asks for the page
        qtbot.waitUntil(lambda row=row: model.row_at(row) is not None, timeout=10_000)
        values.append(model.data(model.index(row, column)))
    return values


def test_model_passes_the_model_tester(qtbot, qtmodeltester, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                       nz_record: Record) -> None:
    qtmodeltester.check(model)  # empty, before any database
    model.set_record(nz_record)
    _loaded(model, qtbot, 228)
    qtmodeltester.check(model)
    assert model.columnCount() == 7
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Reference", "Body", "Cycle", "Excerpt", "Position", "Status", "Last update"]


def test_rows_are_fetched_lazily_by_page(qtbot, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                         nz_record: Record, monkeypatch) -> None:
    monkeypatch.setattr(rm, "PAGE_SIZE", 50)
    model.set_record(nz_record)
    _loaded(model, qtbot, 228)
    # The first page is fetched with the ids; the last is not until something asks for it.
    assert model.row_at(0) is not None
    last = model.index(227, Column.REFERENCE)
    assert model.data(last, ID_ROLE)
    with qtbot.waitSignal(model.dataChanged, timeout=10_000) as changed:
        assert model.data(last) is None  # a placeholder while its page loads
    first, bottom = changed.args[:2]
    assert (first.row(), bottom.row()) == (200, 227)
    assert model.data(last).startswith("NZL-UPR18-")


def test_cells_show_the_list_columns(qtbot, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                     nz_record: Record) -> None:
    model.set_record(nz_record)
    _loaded(model, qtbot, 228)
    cells = [model.data(model.index(0, c)) for c in Column]
    assert cells[:3] == ["NZL-UPR5-001", "UPR", "1 (2009)"]
    assert cells[3].startswith("Include the fight against xenophobia")
    assert cells[4] == "Supported"
    assert cells[5:] == ["—", "—"]
    assert all(len(model.data(model.index(r, Column.EXCERPT))) <= 141 for r in range(100))


def test_text_search_narrows_the_rows(qtbot, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                      nz_record: Record) -> None:
    model.set_record(nz_record)
    _loaded(model, qtbot, 228)
    with qtbot.waitSignal(model.countsChanged, timeout=10_000) as counts:
        model.set_filters(dataclasses.replace(model.filters, text="Māori"))
    shown, total = counts.args
    assert 0 < shown < 228
    assert total == 228
    assert model.rowCount() == shown


def test_sorting_is_done_in_sql(qtbot, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                nz_record: Record) -> None:
    model.set_record(nz_record)
    _loaded(model, qtbot, 228)
    model.sort(Column.REFERENCE, Qt.SortOrder.DescendingOrder)
    _loaded(model, qtbot, 228)
    assert model.data(model.index(0, Column.REFERENCE)).startswith("NZL-UPR18-")

    model.sort(Column.POSITION, Qt.SortOrder.DescendingOrder)
    _loaded(model, qtbot, 228)
    positions = _column(model, Column.POSITION, qtbot)
    assert positions[0] == "Noted"
    assert positions == sorted(positions, key=["Noted", "Supported"].index)

    model.sort(-1)  # back to record order
    _loaded(model, qtbot, 228)
    assert model.data(model.index(0, Column.REFERENCE)) == "NZL-UPR5-001"


def test_a_stale_query_result_is_ignored(qtbot, model: RecommendationsModel,  # type: ignore[no-untyped-def]
                                         nz_record: Record) -> None:
    model.set_record(nz_record)
    model.set_filters(dataclasses.replace(model.filters, text="Maori"))
    model.set_filters(dataclasses.replace(model.filters, text=""))
    _loaded(model, qtbot)
    assert model.rowCount() == 228
