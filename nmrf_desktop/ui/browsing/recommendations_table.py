"""The recommendations table view (columns, widths, sorting) and the About box."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableView, QWidget

from nmrf_desktop import __version__ as version
from nmrf_desktop.domain.enums import ImplementationStatus, Position
from nmrf_desktop.ui import enum_text
from nmrf_desktop.ui.browsing.recommendations_model import Column, RecommendationsModel

_T = QCoreApplication.translate
# The widest value each short column holds (a reference of a treaty body's paragraph, the
# longest body, cycle and date); position and status are measured on their labels.
_WIDEST = {Column.REFERENCE: ("CRC/C/NZL/CO/5 para 26.10", "NZL-UPR18-075"),
           Column.BODY: ("CEDAW", "CESCR", "UPR"), Column.CYCLE: ("4 (2024)",),
           Column.LAST_UPDATE: ("2025-12-31",)}
_SORT_ARROW = 16  # room for the header's sort indicator


class RecommendationsTable(QTableView):
    """Rows of recommendations: whole-row selection, movable sortable columns, muted blanks."""

    def __init__(self, model: RecommendationsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recommendationsTable")
        self.setAccessibleName(self.tr("Recommendations"))
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # relevance, then record order
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._first_widths = self.column_widths()
        for column, width in self._first_widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.EXCERPT, QHeaderView.ResizeMode.Stretch)
        self.setSortingEnabled(True)

    def showEvent(self, event: QShowEvent) -> None:
        """Measured again once shown (the font in use is known only then), leaving alone any
        column the person's saved layout sized."""
        if self._first_widths:
            header = self.horizontalHeader()
            for column, width in self.column_widths().items():
                if header.sectionSize(column) == self._first_widths[column]:
                    header.resizeSection(column, width)
            self._first_widths = {}
        super().showEvent(event)

    def column_widths(self) -> dict[Column, int]:
        """Each column but the excerpt as wide as its header and its widest value, in the
        font and language in use (the excerpt takes the rest)."""
        widest: dict[Column, tuple[str, ...]] = {
            **_WIDEST,
            Column.POSITION: tuple(enum_text.label(p) for p in Position),
            Column.STATUS: tuple(enum_text.label(s) for s in ImplementationStatus)}
        header = self.horizontalHeader()
        text = self.fontMetrics().horizontalAdvance
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 8
        return {column: max(header.sectionSizeFromContents(column).width() + _SORT_ARROW,
                            *(text(v) + pad for v in values))
                for column, values in widest.items()}


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowTitle(_T("MainWindow", "About NMRF Desktop"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(_T("MainWindow",
        "<h3>NMRF Desktop {0}</h3>"
        "<p>Follow-up of the recommendations New Zealand receives from the UN human-rights "
        "system: who leads on each, what has been done, and the evidence.</p>"
        "<p>The demo database holds the real recommendations of New Zealand's first and "
        "second Universal Periodic Reviews (2009, 2014), from UPR Info's database export. "
        "The texts are from UN documents.</p>").format(version))
    box.open()
