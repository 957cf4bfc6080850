"""The recommendations table model: the ids of one SQL query, rows fetched lazily by page.

After Anki's browser table model: the model holds only the ordered ids of the current
query; rows are fetched from the record on the task runner a page at a time, the first
time the view asks for them, and kept in a bounded cache. Filtering and sorting are
done in SQL: a new query or sort order replaces the ids (a model reset).

A new query is shown in steps, so typing never waits on 270,000 ids: its first page
(ids and rows) resets the model; then the count adds the other rows as placeholders;
then, once typing has paused (`FILL_DELAY_MS`), every id is read in the background. Until
then a page is fetched by its offset (the SQL order is deterministic). A newer query
cancels the older one's SQL at once. Reading every id is the one step that keeps Python
busy on the worker (holding the GIL the GUI thread needs to paint), hence the pause.

Painting stays cheap at any size: a cell's texts are made once per row and kept with it,
and the view's delegate gets every role of a cell in one call (`multiData`) rather than
one Python call per role, so a repaint enters Python once per cell.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from enum import IntEnum
from typing import Any, cast

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from nmrf_desktop.domain.enums import ImplementationStatus, Position
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.browsing import Cancelled, FirstPage, ListRow, SortKey
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing.release import release
from nmrf_desktop.ui.enum_text import label
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 100
CACHE_ROWS = 5_000
# After a query's count, how long no newer query must come before every id is read.
FILL_DELAY_MS = 250
_RELEASE_OVER = 1_000  # a result this large is freed off the GUI thread (see release)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NO_VALUE = "—"
# Roles as the plain ints Qt hands over (an int compares faster than an enum member).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ID = int(ID_ROLE)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
    Qt.ItemFlag.ItemNeverHasChildren
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    REFERENCE = 0
    BODY = 1
    CYCLE = 2
    EXCERPT = 3
    POSITION = 4
    STATUS = 5
    LAST_UPDATE = 6


_COLUMNS = len(Column)

# Source strings, translated when shown (a translator may be installed after import).
# QT_TRANSLATE_NOOP returns its text unchanged; the stubs only say `object`.
_HEADERS = cast(dict[Column, str], {
    Column.REFERENCE: QT_TRANSLATE_NOOP("RecommendationsModel", "Reference"),
    Column.BODY: QT_TRANSLATE_NOOP("RecommendationsModel", "Body"),
    Column.CYCLE: QT_TRANSLATE_NOOP("RecommendationsModel", "Cycle"),
    Column.EXCERPT: QT_TRANSLATE_NOOP("RecommendationsModel", "Excerpt"),
    Column.POSITION: QT_TRANSLATE_NOOP("RecommendationsModel", "Position"),
    Column.STATUS: QT_TRANSLATE_NOOP("RecommendationsModel", "Status"),
    Column.LAST_UPDATE: QT_TRANSLATE_NOOP("RecommendationsModel", "Last update"),
})
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

    # Emitted when a new query's count is in: (matching, total in the record).
    countsChanged = Signal(int, int)
    loadingChanged = Signal(bool)
    # Every id of the current query is known (row_of and rows_of see them all).
    idsComplete = Signal()

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._record: Record | None = None
        self._filters = Filters()
        self._sort: SortKey | None = None
        self._descending = False
        # One entry per row; None where the id is not read yet (a list until complete).
        self._ids: list[str | None] | tuple[str, ...] = ()
        self._complete = True
        self._total = 0
        self._rows: OrderedDict[str, ListRow] = OrderedDict()
        # Each cached row's cell texts, made the first time it is shown (see _texts_at).
        self._texts: dict[str, tuple[str, ...]] = {}
        self._pending_pages: set[int] = set()
        self._generation = 0
        self._cancel = threading.Event()
        self._interrupted = False
        self._querying = False  # the first page
        self._counting = False
        self._filling = False  # every id, in the background (or waiting to start)
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(FILL_DELAY_MS)
        self._fill_timer.timeout.connect(self._start_fill)

    # -- what to show ----------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.refresh()

    def set_filters(self, filters: Filters) -> None:
        """Show `filters`' results (nothing to do if they are shown or on their way)."""
        if filters == self._filters and not self._interrupted and self._record is not None:
            return
        self._filters = filters
        self.refresh()

    @property
    def filters(self) -> Filters:
        return self._filters

    def interrupt(self, *_args: object) -> None:
        """A new query is coming (a key was typed): stop the current query's SQL now."""
        if self.is_loading():
            self._cancel.set()
            self._interrupted = True

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
        self._cancel.set()  # whatever the last query still has on the worker stops
        self._cancel = threading.Event()
        self._interrupted = False
        self._generation += 1
        self._pending_pages.clear()
        self._counting = self._filling = False
        self._fill_timer.stop()
        record = self._record
        if record is None:
            self._apply_first(self._generation, FirstPage(ids=[], rows=[], count=0, total=0))
            return
        generation, cancel = self._generation, self._cancel
        filters, sort, descending = self._filters, self._sort, self._descending
        self._set_querying(True)
        self._runner.run(
            lambda: browsing.first_page(record, filters, sort, descending, PAGE_SIZE, cancel),
            lambda first: self._apply_first(generation, first),
            lambda exc: self._query_failed(generation, exc),
            key="recommendations-query")

    def _apply_first(self, generation: int, first: FirstPage) -> None:
        if generation != self._generation:
            return
        was_loading = self.is_loading()
        self.beginResetModel()
        self._complete = first.count is not None
        self._let_go()
        # Complete ids are a tuple of strings: the garbage collector stops scanning it.
        self._ids = tuple(first.ids) if self._complete else list(first.ids)
        self._total = first.total
        self._pending_pages.clear()
        for row in first.rows:
            self._rows[row.id] = row
        self._querying = False
        self.endResetModel()
        if self._complete:
            self.countsChanged.emit(len(self._ids), self._total)
        else:
            self._run_step("count", self._apply_count)
        if was_loading != self.is_loading():
            self.loadingChanged.emit(self.is_loading())

    def _run_step(self, step: str, apply: Callable[[Any], object]) -> None:
        """Run one later step of the current query (count, or every id) on the worker."""
        record = self._record
        if record is None:
            return
        generation, cancel = self._generation, self._cancel
        filters, sort, descending = self._filters, self._sort, self._descending
        work: Callable[[], Any]
        if step == "count":
            self._counting = True
            work = lambda: browsing.count(record, filters, cancel)  # noqa: E731
        else:
            self._filling = True
            work = lambda: browsing.all_ids(  # noqa: E731
                record, filters, sort, descending, cancel)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._counting = self._filling = False
                self.loadingChanged.emit(self.is_loading())
            if not isinstance(exc, Cancelled):
                self._query_failed(generation, exc)

        def done(result: Any) -> None:
            if generation == self._generation:
                apply(result)

        self._runner.run(work, done, failed, key=f"recommendations-{step}")

    def _apply_count(self, count: int) -> None:
        self._counting = False
        shown = len(self._ids)
        if count > shown:
            self.beginInsertRows(QModelIndex(), shown, count - 1)
            assert isinstance(self._ids, list)
            self._ids.extend([None] * (count - shown))
            self.endInsertRows()
        self.countsChanged.emit(len(self._ids), self._total)
        if count > shown:
            self._filling = True  # still loading: every id is next, once typing pauses
            self._fill_timer.start()
        else:
            self._complete = True
            self.idsComplete.emit()
            if not self.is_loading():
                self.loadingChanged.emit(False)

    def _start_fill(self) -> None:
        if self._filling and not self._interrupted:
            self._run_step("ids", self._apply_ids)

    def _apply_ids(self, ids: tuple[str, ...]) -> None:
        self._filling = False
        self._complete = True
        if len(ids) != len(self._ids):  # the record changed in between: show it as it is
            self.beginResetModel()
            self._let_go()
            self._ids = ids
            self._pending_pages.clear()
            self.endResetModel()
            self.countsChanged.emit(len(self._ids), self._total)
        else:
            self._ids = ids
        self.idsComplete.emit()
        if not self.is_loading():
            self.loadingChanged.emit(False)

    def _let_go(self) -> None:
        """Empty the ids and the row cache, freeing the old ones off the GUI thread."""
        old: tuple[Collection[object], ...] = (self._ids, self._rows, self._texts)
        self._ids, self._rows, self._texts = (), OrderedDict(), {}
        for big in old:
            if len(big) > _RELEASE_OVER:
                release(big)
        del old

    def _query_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._set_querying(False)
        if isinstance(exc, Cancelled):
            return
        log.error("recommendations query failed", exc_info=exc)
        self._runner.failed.emit(str(exc) or type(exc).__name__)

    def _set_querying(self, value: bool) -> None:
        if value != self._querying:
            self._querying = value
            self.loadingChanged.emit(self.is_loading())

    # -- the lazy row cache ------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._querying or self._counting or self._filling or bool(self._pending_pages)

    def is_querying(self) -> bool:
        """The current query's first page is not in yet."""
        return self._querying

    @property
    def ids_complete(self) -> bool:
        return self._complete

    def is_row_loaded(self, row: int) -> bool:
        rec_id = self._ids[row] if 0 <= row < len(self._ids) else None
        return rec_id is not None and rec_id in self._rows

    def _request_page(self, page: int) -> None:
        record = self._record
        if record is None or page in self._pending_pages or self._interrupted:
            return
        first = page * PAGE_SIZE
        ids = self._ids[first:first + PAGE_SIZE]
        if not ids:
            return
        was_loading = self.is_loading()
        self._pending_pages.add(page)
        if not was_loading:
            self.loadingChanged.emit(True)
        generation, cancel = self._generation, self._cancel
        if None in ids:  # not every id is known yet: read the page by its offset
            filters, sort, descending = self._filters, self._sort, self._descending
            self._runner.run(
                lambda: browsing.page(record, filters, sort, descending, first, len(ids),
                                      cancel),
                lambda found: self._apply_page(generation, page, found[1], found[0]),
                lambda exc: self._page_failed(generation, page, exc))
            return
        known = [i for i in ids if i is not None]
        self._runner.run(lambda: browsing.list_rows(record, known),
                         lambda rows: self._apply_page(generation, page, rows),
                         lambda exc: self._page_failed(generation, page, exc))

    def _apply_page(self, generation: int, page: int, rows: Sequence[ListRow],
                    ids: Sequence[str] = ()) -> None:
        if generation != self._generation:
            return
        self._pending_pages.discard(page)
        first = page * PAGE_SIZE
        if isinstance(self._ids, list):
            for offset, rec_id in enumerate(ids[:max(0, len(self._ids) - first)]):
                self._ids[first + offset] = rec_id
        for row in rows:
            self._rows[row.id] = row
            self._texts.pop(row.id, None)  # read again: made again when shown
        while len(self._rows) > CACHE_ROWS:
            self._texts.pop(self._rows.popitem(last=False)[0], None)
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
        if not isinstance(exc, Cancelled):
            log.error("fetching recommendations page %d failed", page, exc_info=exc)

    def row_at(self, row: int) -> ListRow | None:
        """The cached row, or None (and a fetch of its page) while it is not loaded yet."""
        if not 0 <= row < len(self._ids):
            return None
        rec_id = self._ids[row]
        cached = self._rows.get(rec_id) if rec_id is not None else None
        if cached is None:
            self._request_page(row // PAGE_SIZE)
            return None
        self._rows.move_to_end(rec_id)  # type: ignore[arg-type]
        return cached

    def _texts_at(self, row: int) -> tuple[str, ...] | None:
        """The cell texts of a cached row (made once), or None while it loads."""
        rec_id = self._ids[row] if 0 <= row < len(self._ids) else None
        texts = self._texts.get(rec_id) if rec_id is not None else None
        if texts is None:
            found = self.row_at(row)
            if found is None:
                return None
            texts = self._texts[found.id] = tuple(_cell_text(found, c) for c in Column)
        return texts

    def id_at(self, row: int) -> str | None:
        """The id at `row`; None while it is not read yet (see `ids_complete`)."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, rec_id: str) -> int:
        """The row of an id among those read (all of them once `ids_complete`), or -1."""
        try:
            return self._ids.index(rec_id)
        except ValueError:
            return -1

    def rows_of(self, ids: Sequence[str]) -> list[int]:
        """The rows of these ids still shown, in order."""
        wanted = set(ids)
        if len(wanted) <= 16:  # a C-level search each beats a Python loop over every row
            return sorted(row for row in map(self.row_of, wanted) if row >= 0)
        return [row for row, rec_id in enumerate(self._ids) if rec_id in wanted]

    @property
    def total(self) -> int:
        return self._total

    # -- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column)
                and role == Qt.ItemDataRole.DisplayRole):
            return QCoreApplication.translate("RecommendationsModel", _HEADERS[Column(section)])
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self._value(index.row(), index.column(), int(role))

    def multiData(self, index: _Index,
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role the delegate wants for a cell in one call (painting's hot path)."""
        span = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) \
            else cast(Iterable[QModelRoleData], roleDataSpan)  # iterable; the stubs omit it
        if not index.isValid():
            for wanted in span:
                wanted.clearData()
            return
        row, column = index.row(), index.column()
        for wanted in span:
            value = self._value(row, column, wanted.role())
            if value is None:
                wanted.clearData()
            else:
                wanted.setData(value)

    def _value(self, row: int, column: int, role: int) -> Any:
        if role == _ID:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        if role != _DISPLAY and role != _FOREGROUND and role != _TOOLTIP:
            return None
        texts = self._texts_at(row)
        if texts is None or not 0 <= column < len(texts):
            return None
        text = texts[column]
        if role == _DISPLAY:
            return text
        if role == _FOREGROUND:
            # An empty value is shown as a dash, drawn muted so real values stand out.
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText) \
                if text == NO_VALUE else None
        return text if column == Column.EXCERPT else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags


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
