"""Keeping the GUI thread free at 270,000 rows: what painting asks, freeing, and reading ids.

The timings themselves are measured by tests/benchmarks/gui_bench.py; these tests hold the
behaviour the speed rests on to what a person sees.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing import recommendations_model as rm, release
from nmrf_desktop.ui.browsing.filter_panel import FacetList
from nmrf_desktop.ui.browsing.recommendations_model import ID_ROLE, Column, RecommendationsModel
from nmrf_desktop.ui.browsing.recommendations_table import RecommendationsTable
from nmrf_desktop.ui.tasks import TaskRunner

_DELEGATE_ROLES = (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
                   Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole,
                   Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.DisplayRole,
                   Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, ID_ROLE)


def _loaded(model: RecommendationsModel, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not model.is_loading() and model.ids_complete, timeout=10_000)


def _multi(model: RecommendationsModel, row: int, column: int) -> list[object]:
    """Each role through multiData, in a slot still holding an older cell's value."""
    values = []
    for role in _DELEGATE_ROLES:
        slot = QModelRoleData(role)
        slot.setData("stale")
        model.multiData(model.index(row, column), QModelRoleDataSpan(slot))
        values.append(slot.data())
    return values


class _Counting(RecommendationsModel):
    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.calls = {"data": 0, "multiData": 0}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        self.calls["data"] += 1
        return super().data(index, role)

    def multiData(self, index, roleDataSpan):  # type: ignore[no-untyped-def]
        self.calls["multiData"] += 1
        super().multiData(index, roleDataSpan)


class _Options(QStyledItemDelegate):
    def option(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initStyleOption(option, index)
        return option


def test_one_call_per_cell_gives_what_each_role_gives(  # type: ignore[no-untyped-def]
        qtbot, nz_record: Record, runner: TaskRunner) -> None:
    model = _Counting(runner)
    model.set_record(nz_record)
    _loaded(model, qtbot)
    # A row still loading gives nothing but its id (and asks for its page).
    assert not model.is_row_loaded(227)
    loading = _multi(model, 227, Column.REFERENCE)
    assert loading[5] is None and loading[8] == model.id_at(227)
    muted = QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
    delegate = _Options()
    dashes = 0
    for row in (0, 1, 99):
        for column in Column:
            index = model.index(row, column)
            one_by_one = [model.data(index, role) for role in _DELEGATE_ROLES]
            assert _multi(model, row, column) == one_by_one
            display, foreground = one_by_one[5], one_by_one[2]
            assert isinstance(display, str) and display
            option = delegate.option(index)  # what the view's delegate paints
            assert option.text == display
            if display == rm.NO_VALUE:
                dashes += 1
                assert foreground == muted  # an empty value's dash is drawn muted
                assert option.palette.brush(QPalette.ColorRole.Text) == muted
            else:
                assert foreground is None
    assert dashes  # the demo rows have no progress yet: their status is a muted dash
    excerpt = model.data(model.index(0, Column.EXCERPT), Qt.ItemDataRole.ToolTipRole)
    assert excerpt == model.data(model.index(0, Column.EXCERPT))
    assert model.data(model.index(0, Column.BODY), Qt.ItemDataRole.ToolTipRole) is None
    # Painting a table asks each cell once, never role by role.
    view = RecommendationsTable(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    model.calls.update(data=0, multiData=0)
    view.grab()
    rows = view.rowAt(view.viewport().height() - 1) + 1
    assert rows > 5
    assert model.calls["multiData"] >= rows * len(Column)
    assert model.calls["data"] == 0


def test_a_cells_text_is_made_again_when_its_row_is_read_again(  # type: ignore[no-untyped-def]
        qtbot, nz_record: Record, runner: TaskRunner) -> None:
    model = RecommendationsModel(runner)
    model.set_record(nz_record)
    _loaded(model, qtbot)
    before = model.data(model.index(0, Column.REFERENCE))
    rec_id = model.id_at(0)
    assert rec_id is not None
    changed = browsing.list_rows(nz_record, [rec_id])[0]
    model._apply_page(model._generation, 0, [  # the page as read again after an edit
        dataclasses.replace(changed, reference="NZL-UPR5-001 (Māori)")])
    assert before == "NZL-UPR5-001"
    assert model.data(model.index(0, Column.REFERENCE)) == "NZL-UPR5-001 (Māori)"


def test_old_results_are_freed_off_the_gui_thread() -> None:
    freed_on: list[str] = []

    class Witness:
        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    ids = tuple(Witness() for _ in range(12_000))
    rows = {n: Witness() for n in range(3_000)}
    start = time.perf_counter()
    release.release(ids)
    release.release(rows)
    del ids, rows
    handed_over = time.perf_counter() - start
    deadline = time.monotonic() + 10
    while len(freed_on) < 15_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(freed_on) == 15_000
    assert set(freed_on) == {"nmrf-release"}
    assert handed_over < 0.05  # the caller only hands them over


def test_every_id_is_read_once_typing_pauses(  # type: ignore[no-untyped-def]
        qtbot, nz_record: Record, runner: TaskRunner, monkeypatch) -> None:
    monkeypatch.setattr(rm, "PAGE_SIZE", 50)
    steps: list[str] = []
    real_run = runner.run

    def noting(fn, on_done=None, on_error=None, *, key=None):  # type: ignore[no-untyped-def]
        steps.append(key or "page")
        return real_run(fn, on_done, on_error, key=key)
    monkeypatch.setattr(runner, "run", noting)
    model = RecommendationsModel(runner)
    model.set_record(nz_record)
    with qtbot.waitSignal(model.countsChanged, timeout=10_000):
        pass
    assert model.rowCount() == 228 and not model.ids_complete
    assert model.is_loading()  # "Searching…" until every id is in
    # Typed on before the pause is over: the first query's ids are never read.
    model.set_filters(Filters(text="torture"))
    _loaded(model, qtbot)
    assert steps.count("recommendations-ids") <= 1
    # Now idle: every id of the shown query is in, in the query's order.
    model.set_filters(Filters())
    with qtbot.waitSignal(model.idsComplete, timeout=10_000):
        pass
    ids = [model.id_at(row) for row in range(model.rowCount())]
    assert ids == list(browsing.all_ids(nz_record, Filters()))
    assert model.row_of(ids[-1]) == 227


def test_a_facet_says_what_is_checked_after_every_change(qtbot) -> None:  # type: ignore[no-untyped-def]
    facet = FacetList("bodies")
    qtbot.addWidget(facet)
    facet.set_values([("CRC", "CRC"), ("UPR", "UPR"), ("CEDAW", "CEDAW")], ["UPR"])
    assert facet.checked() == ("UPR",)
    facet.item(0).setCheckState(Qt.CheckState.Checked)
    assert facet.checked() == ("CRC", "UPR")
    facet.itemActivated.emit(facet.item(1))  # Enter or Space on an item toggles it
    assert facet.checked() == ("CRC",)
    facet.uncheck_all()
    assert facet.checked() == ()
    facet.set_values([("Māori", "Māori"), ("Pacific peoples", "Pacific peoples")], ["Māori"])
    assert facet.checked() == ("Māori",)
    facet.takeItem(0)
    assert facet.checked() == ()
