"""The main window's browsing: search and filters drive the table, its selection the detail pane."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)

from nmrf_desktop.services import browsing
from nmrf_desktop.services.browsing import RecommendationDetail
from nmrf_desktop.ui.window.frame import Frame

_T = QCoreApplication.translate
_C = "Frame"  # the window's own strings

SEARCH_DEBOUNCE_MS = 40


class ResultsBrowser(QObject):
    """One query from the search box and filter panel; "N of M"; the selection kept."""

    def __init__(self, window: Frame) -> None:
        super().__init__(window)
        self._window = window
        self._keep: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)

    def connect_signals(self) -> None:
        """Listen to the search box, filters, model and table (once the window is built)."""
        window, model = self._window, self._window.model
        window.search_box.textChanged.connect(self._timer.start)
        window.search_box.textChanged.connect(model.interrupt)  # stop a stale search now
        window.search_box.leaveRequested.connect(self._enter_results)
        self._timer.timeout.connect(self._apply_search)
        model.countsChanged.connect(self._show_counts)
        model.loadingChanged.connect(self._show_loading)
        model.modelReset.connect(self._after_reset)
        model.idsComplete.connect(self._after_reset)
        window.table.selectionModel().currentRowChanged.connect(self._current_changed)
        window.filter_panel.changed.connect(self._timer.start)

    # -- search ---------------------------------------------------------------------------

    @property
    def search_pending(self) -> bool:
        """Typed but not yet sent (the debounce is running)."""
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def focus_search(self) -> None:
        search_box = self._window.search_box
        search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search_box.selectAll()

    def _apply_search(self) -> None:
        """Search box and filter panel together: one Filters, one query."""
        window = self._window
        wanted = window.filter_panel.filters(window.search_box.text().strip())
        window.model.set_filters(wanted)  # a no-op if these results are shown or on the way
        count = window.filter_panel.active_count()
        window.filter_dock.setWindowTitle(_T(_C, "Filters ({0})").format(count) if count
                                          else _T(_C, "Filters"))

    def _show_counts(self, shown: int, total: int) -> None:
        locale = QLocale()
        self._window.count_label.setText(_T(_C, "{0} of {1} recommendations").format(
            locale.toString(shown), locale.toString(total)))

    def _show_loading(self, loading: bool) -> None:
        self._window.loading_label.setText(_T(_C, "Searching…") if loading else "")

    # -- selection ------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in table order."""
        window = self._window
        rows = sorted(index.row() for index in window.table.selectionModel().selectedRows())
        return [i for i in (window.model.id_at(r) for r in rows) if i]

    def keep_selection(self) -> None:
        """Select the rows selected now again once the model is refreshed."""
        self._keep = self.selected_ids()

    def select_row(self, row: int) -> None:
        window = self._window
        index = window.model.index(row, 0)
        window.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        window.table.scrollTo(index)

    def _enter_results(self) -> None:
        table = self._window.table
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not table.currentIndex().isValid() and self._window.model.rowCount() > 0:
            self.select_row(0)

    def _after_reset(self) -> None:
        """Keep the recommendation being read (and a selection kept on purpose) selected.

        Runs on the reset and again once every id of a long result is in."""
        window = self._window
        model, table, detail = window.model, window.table, window.detail
        current = detail.current_id
        row = model.row_of(current) if current else -1
        if row >= 0:
            if model.id_at(table.currentIndex().row()) != current:
                self.select_row(row)
        elif current and model.ids_complete:
            detail.show_placeholder()
        keep = self._keep
        if model.ids_complete:
            self._keep = []
        selection = QItemSelection()
        last = model.columnCount() - 1
        for kept in model.rows_of(keep):
            selection.select(model.index(kept, 0), model.index(kept, last))
        if not selection.isEmpty():
            table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.Select)

    # -- the detail pane ------------------------------------------------------------------

    def open_recommendation(self, rec_id: str) -> None:
        """Show one recommendation: selected in the table if it is there, else in the pane."""
        window = self._window
        window.show_list()
        row = window.model.row_of(rec_id)
        if row >= 0:
            self.select_row(row)
            return
        record = window.record
        if record is not None:

            def shown(found: RecommendationDetail | None) -> None:
                if found:
                    window.detail.show_detail(found)
            window.runner.run(lambda: browsing.detail(record, rec_id), shown, key="detail")

    def reload_detail(self) -> None:
        """Read the recommendation shown again (after an edit)."""
        window = self._window
        record, rec_id = window.record, window.detail.current_id
        if record is None or rec_id is None:
            return

        def shown(found: RecommendationDetail | None) -> None:
            if found is not None and window.detail.current_id == rec_id:
                window.detail.show_detail(found)
        window.runner.run(lambda: browsing.detail(record, rec_id), shown, key="detail")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        window = self._window
        rec_id = window.model.id_at(current.row()) if current.isValid() else None
        record = window.record
        if rec_id is None or record is None:
            return
        if rec_id == window.detail.current_id:
            return
        window.runner.run(lambda: browsing.detail(record, rec_id),
                          lambda found: self._show_detail(rec_id, found), key="detail")

    def _show_detail(self, rec_id: str, found: RecommendationDetail | None) -> None:
        window = self._window
        current = window.table.currentIndex()
        if not current.isValid() or window.model.id_at(current.row()) != rec_id:
            return  # the selection moved on while this was loading
        if found is None:
            window.detail.show_placeholder(_T(_C, "This recommendation is no longer in the "
                                                  "database."))
        else:
            window.detail.show_detail(found)
