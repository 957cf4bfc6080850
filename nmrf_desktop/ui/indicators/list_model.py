"""The indicators list: one row per indicator with its headline trend (a small list, held whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from nmrf_desktop.domain.text import fold
from nmrf_desktop.services import sdg
from nmrf_desktop.services.indicator_views import IndicatorRow, display_unit
from nmrf_desktop.ui.indicators.text import (
    kind_label,
    maori_marker,
    short_trend,
    title_with_mi,
)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
CODE, TITLE, KIND, STEWARD, SDG, VALUES, LATEST, MAORI = range(8)
CODE_ROLE = Qt.ItemDataRole.UserRole  # the indicator's code, on every column
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # every word of the row, for the filter box
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class IndicatorListModel(QAbstractTableModel):
    """Indicators by code; reset as a whole when read again."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IndicatorRow] = []
        self._texts: list[tuple[str, ...]] = []
        self._headers = (self.tr("Code"), self.tr("Title"), self.tr("Kind"),
                         self.tr("Steward"), self.tr("SDG"), self.tr("Values"),
                         self.tr("Latest and trend"), self.tr("Māori data"))

    def set_rows(self, rows: tuple[IndicatorRow, ...] | list[IndicatorRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [self._row_texts(r) for r in self._rows]
        self.endResetModel()

    def _row_texts(self, row: IndicatorRow) -> tuple[str, ...]:
        found = row.indicator
        unit = display_unit(found.unit, {row.headline.units} if row.headline else set())
        return (found.code, title_with_mi(found.title, found.title_mi), kind_label(found.kind),
                found.steward or "", found.sdg or "", f"{found.values:,}",
                short_trend(row.headline, unit),
                maori_marker(found.maori_data, found.governance))

    def row_at(self, row: int) -> IndicatorRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.indicator.code == code), -1)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self._headers):
            return None
        row, column = self._rows[index.row()], index.column()
        texts = self._texts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return texts[column]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return texts[column] or self.tr("none")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column == VALUES \
                else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == CODE_ROLE:
            return row.indicator.code
        if role == SEARCH_ROLE:  # folded: 'whanau' finds 'whānau'; the SDG's title too
            return fold(" ".join((*texts, sdg.title_of(row.indicator.sdg))))
        if role == SORT_ROLE:
            return row.indicator.values if column == VALUES else texts[column].casefold()
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable \
            | Qt.ItemFlag.ItemNeverHasChildren


class IndicatorFilter(QSortFilterProxyModel):
    """The list filtered by words typed (any column, any case) and sorted by a column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(SEARCH_ROLE)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(CODE)
        self._words: list[str] = []

    def set_words(self, text: str) -> None:
        """Show the rows holding every word of `text`."""
        words = [fold(w) for w in text.split()]
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.10
            self._words = words
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        text = str(model.data(model.index(source_row, CODE, source_parent), SEARCH_ROLE)
                   or "")
        return all(w in text for w in self._words)
