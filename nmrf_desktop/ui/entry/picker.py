"""Search-and-pick: find recommendations by typing and collect the ones an action answers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from nmrf_desktop.services import workspace
from nmrf_desktop.services.browsing import ListRow
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 120


def _row_text(row: ListRow) -> str:
    return f"{row.reference} — {row.excerpt}"


class RecommendationPicker(QWidget):
    """A search box and its results on the left, the chosen recommendations on the right."""

    changed = Signal()

    def __init__(self, runner: TaskRunner, record: Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recommendationPicker")
        self._runner, self._record = runner, record
        self._generation = 0
        self.search = QLineEdit(self)
        self.search.setObjectName("pickerSearch")
        self.search.setPlaceholderText(self.tr("Find recommendations to link…"))
        self.search.setAccessibleName(self.tr("Find recommendations to link"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setObjectName("pickerResults")
        self.results.setAccessibleName(self.tr("Matching recommendations"))
        self.chosen = QListWidget(self)
        self.chosen.setObjectName("pickerChosen")
        self.chosen.setAccessibleName(self.tr("Linked recommendations"))
        add = QPushButton(self.tr("Link →"), self)
        add.setObjectName("pickerAdd")
        add.setToolTip(self.tr("Link the selected recommendation (Enter)"))
        remove = QPushButton(self.tr("← Unlink"), self)
        remove.setObjectName("pickerRemove")
        remove.setToolTip(self.tr("Unlink the selected recommendation (Delete)"))
        for view in (self.results, self.chosen):
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setTextElideMode(Qt.TextElideMode.ElideRight)
            view.setUniformItemSizes(True)
        self.chosen_label = QLabel(self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0)
        grid.addWidget(self.chosen_label, 0, 2)
        grid.addWidget(self.results, 1, 0, 3, 1)
        grid.addWidget(add, 1, 1)
        grid.addWidget(remove, 2, 1)
        grid.addWidget(self.chosen, 1, 2, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._timer.stop)
        self.search.returnPressed.connect(self._run_search)
        self._timer.timeout.connect(self._run_search)
        self.results.itemActivated.connect(lambda _item: self.link_selected())
        add.clicked.connect(self.link_selected)
        remove.clicked.connect(self.unlink_selected)
        unlink = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.chosen)
        unlink.setContext(Qt.ShortcutContext.WidgetShortcut)
        unlink.activated.connect(self.unlink_selected)
        self._update_label()

    # -- chosen ids -------------------------------------------------------------------

    def ids(self) -> tuple[str, ...]:
        return tuple(self.chosen.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.chosen.count()))

    def set_rows(self, rows: Sequence[ListRow]) -> None:
        self.chosen.clear()
        for row in rows:
            self._add(row.id, _row_text(row))
        self._update_label()
        self.changed.emit()

    def load_ids(self, ids: Sequence[str]) -> None:
        """Show these ids as chosen (their references are read on the worker)."""
        record = self._record
        wanted = list(ids)
        for rec_id in wanted:
            self._add(rec_id, rec_id)
        self._update_label()
        self._runner.run(lambda: workspace.rows_for(record, wanted), self._named)

    def _named(self, rows: list[ListRow]) -> None:
        texts = {r.id: _row_text(r) for r in rows}
        for i in range(self.chosen.count()):
            item = self.chosen.item(i)
            text = texts.get(item.data(Qt.ItemDataRole.UserRole))
            if text:
                item.setText(text)
                item.setToolTip(text)

    def _add(self, rec_id: str, text: str) -> bool:
        if rec_id in self.ids():
            return False
        item = QListWidgetItem(text, self.chosen)
        item.setData(Qt.ItemDataRole.UserRole, rec_id)
        item.setToolTip(text)
        return True

    def link_selected(self) -> None:
        added = False
        for item in self.results.selectedItems() or filter(None, [self.results.currentItem()]):
            added = self._add(item.data(Qt.ItemDataRole.UserRole), item.text()) or added
        if added:
            self._update_label()
            self.changed.emit()

    def unlink_selected(self) -> None:
        for item in self.chosen.selectedItems() or filter(None, [self.chosen.currentItem()]):
            self.chosen.takeItem(self.chosen.row(item))
        self._update_label()
        self.changed.emit()

    def _update_label(self) -> None:
        self.chosen_label.setText(self.tr("Linked: {0}").format(self.chosen.count()))

    # -- searching --------------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            return
        record = self._record
        self._runner.run(lambda: workspace.pick_candidates(record, text),
                         lambda rows: self._show_results(generation, rows), key="picker")

    def _show_results(self, generation: int, rows: list[ListRow]) -> None:
        if generation != self._generation:
            return
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(_row_text(row), self.results)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(_row_text(row))
        if rows:
            self.results.setCurrentRow(0)

    def is_searching(self) -> bool:
        return self._timer.isActive()
