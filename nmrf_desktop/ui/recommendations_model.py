"""The recommendations table model: the ids of one SQL query, rows fetched lazily by page.

After Anki's browser table model: the model holds only the ordered ids of the current
query; rows are fetched from the record on the task runner a page at a time, the first
time the view asks for them, and kept in a bounded cache. Filtering and sorting are
done in SQL: a new query or sort order replaces the ids (a model reset).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ..domain.enums import ImplementationStatus, Position, label
from ..domain.records import Filters
from ..services import browsing
from ..services.browsing import Listing, ListRow, SortKey
from ..services.record import Record
from .tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 100
CACHE_ROWS = 20_000
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NO_VALUE = "—"
_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
          Qt.ItemDataRole.ForegroundRole)
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    REFERENCE = 0
    BODY = 1
    CYCLE = 2
    EXCERPT = 3
    POSITION = 4
    STATUS = 5
    LAST_UPDATE = 6


# Source strings, translated when shown (a translator may be installed after import).
_HEADERS = {
    Column.REFERENCE: QT_TRANSLATE_NOOP("RecommendationsModel", "Reference"),
    Column.BODY: QT_TRANSLATE_NOOP("RecommendationsModel", "Body"),
    Column.CYCLE: QT_TRANSLATE_NOOP("RecommendationsModel", "Cycle"),
    Column.EXCERPT: QT_TRANSLATE_NOOP("RecommendationsModel", "Excerpt"),
    Column.POSITION: QT_TRANSLATE_NOOP("RecommendationsModel", "Position"),
    Column.STATUS: QT_TRANSLATE_NOOP("RecommendationsModel", "Status"),
    Column.LAST_UPDATE: QT_TRANSLATE_NOOP("RecommendationsModel", "Last update"),
}
_SORT_KEYS = {
    Column.REFERENCE: SortKey.REFERENCE, Column.BODY: SortKey.BODY, Column.CYCLE: SortKey.CYCLE,
    Column.EXCERPT: SortKey.TEXT, Column.POSITION: SortKey.POSITION,
    Column.STATUS: SortKey.STATUS, Column.LAST_UPDATE: SortKey.LAST_UPDATE,
}


def position_label(value: str | None) -> str:
    try:
        return label(Position(value)) if value else ""
    except ValueError:
        return value or ""


def status_label(value: str | None) -> str:
    try:
        return label(ImplementationStatus(value)) if value else ""
    except ValueError:
        return value or ""


def cycle_label(cycle: int | None, year: int | None) -> str:
    if cycle is None:
        return str(year or "")
    return f"{cycle} ({year})" if year else str(cycle)


class RecommendationsModel(QAbstractTableModel):
    """Rows of recommendations matching the current filters, in the current sort order."""

    # Emitted when a new query's ids are in: (matching, total in the record).
    countsChanged = Signal(int, int)
    loadingChanged = Signal(bool)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._record: Record | None = None
        self._filters = Filters()
        self._sort: SortKey | None = None
        self._descending = False
        self._ids: list[str] = []
        self._total = 0
        self._rows: OrderedDict[str, ListRow] = OrderedDict()
        self._pending_pages: set[int] = set()
        self._generation = 0
        self._querying = False

    # -- what to show ----------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.refresh()

    def set_filters(self, filters: Filters) -> None:
        self._filters = filters
        self.refresh()

    @property
    def filters(self) -> Filters:
        return self._filters

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; a column of -1 means relevance (for a search) or record order."""
        key = _SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending):
            return
        self._sort, self._descending = key, descending
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again (new ids, empty cache)."""
        self._generation += 1
        self._pending_pages.clear()
        record = self._record
        if record is None:
            self._apply_listing(self._generation, Listing(ids=[], total=0))
            return
        generation = self._generation
        filters, sort, descending = self._filters, self._sort, self._descending
        self._set_querying(True)
        self._runner.run(
            lambda: browsing.list_ids(record, filters, sort, descending),
            lambda listing: self._apply_listing(generation, listing),
            lambda exc: self._query_failed(generation, exc),
            key="recommendations-query")

    def _apply_listing(self, generation: int, listing: Listing) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = listing.ids
        self._total = listing.total
        self._rows.clear()
        self._pending_pages.clear()
        self.endResetModel()
        self._set_querying(False)
        self.countsChanged.emit(len(self._ids), self._total)
        if self._ids:
            self._request_page(0)

    def _query_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._set_querying(False)
        log.error("recommendations query failed", exc_info=exc)
        self._runner.failed.emit(str(exc) or type(exc).__name__)

    def _set_querying(self, value: bool) -> None:
        if value != self._querying:
            self._querying = value
            self.loadingChanged.emit(self.is_loading())

    # -- the lazy row cache ------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._querying or bool(self._pending_pages)

    def _request_page(self, page: int) -> None:
        record = self._record
        if record is None or page in self._pending_pages:
            return
        ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        if not ids:
            return
        was_loading = self.is_loading()
        self._pending_pages.add(page)
        if not was_loading:
            self.loadingChanged.emit(True)
        generation = self._generation
        self._runner.run(lambda: browsing.list_rows(record, ids),
                         lambda rows: self._apply_page(generation, page, rows),
                         lambda exc: self._page_failed(generation, page, exc))

    def _apply_page(self, generation: int, page: int, rows: Sequence[ListRow]) -> None:
        if generation != self._generation:
            return
        self._pending_pages.discard(page)
        for row in rows:
            self._rows[row.id] = row
        while len(self._rows) > CACHE_ROWS:
            self._rows.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        if not self.is_loading():
            self.loadingChanged.emit(False)

    def _page_failed(self, generation: int, page: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._pending_pages.discard(page)
            if not self.is_loading():
                self.loadingChanged.emit(False)
        log.error("fetching recommendations page %d failed", page, exc_info=exc)

    def row_at(self, row: int) -> ListRow | None:
        """The cached row, or None (and a fetch of its page) while it is not loaded yet."""
        if not 0 <= row < len(self._ids):
            return None
        rec_id = self._ids[row]
        cached = self._rows.get(rec_id)
        if cached is None:
            self._request_page(row // PAGE_SIZE)
            return None
        self._rows.move_to_end(rec_id)
        return cached

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, rec_id: str) -> int:
        try:
            return self._ids.index(rec_id)
        except ValueError:
            return -1

    def rows_of(self, ids: Sequence[str]) -> list[int]:
        """The rows of these ids still shown, in order (one pass over the ids)."""
        wanted = set(ids)
        return [row for row, rec_id in enumerate(self._ids) if rec_id in wanted] if wanted \
            else []

    @property
    def total(self) -> int:
        return self._total

    # -- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column)
                and role == Qt.ItemDataRole.DisplayRole):
            return QCoreApplication.translate("RecommendationsModel", _HEADERS[Column(section)])
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in _ROLES:
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        text = _cell_text(row, Column(index.column()))
        if role == Qt.ItemDataRole.ForegroundRole:
            # An empty value is shown as a dash, drawn muted so real values stand out.
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText) \
                if text == NO_VALUE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if index.column() == Column.EXCERPT else None
        return text

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren


def _cell_text(row: ListRow, column: Column) -> str:
    if column == Column.REFERENCE:
        return row.reference
    if column == Column.BODY:
        return row.body
    if column == Column.CYCLE:
        return cycle_label(row.cycle, row.year)
    if column == Column.EXCERPT:
        return row.excerpt
    if column == Column.POSITION:
        return position_label(row.position)
    if column == Column.STATUS:
        return status_label(row.status) or NO_VALUE
    return row.last_update_on.isoformat() if row.last_update_on else NO_VALUE
