"""The recommendations table view (columns, widths, sorting) and the About box."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableView, QWidget

from nmrf_desktop import __version__ as version
from nmrf_desktop.ui.browsing.recommendations_model import Column, RecommendationsModel

_T = QCoreApplication.translate
_COLUMN_WIDTHS = {Column.REFERENCE: 130, Column.BODY: 60, Column.CYCLE: 80,
                  Column.EXCERPT: 560, Column.POSITION: 100, Column.STATUS: 100,
                  Column.LAST_UPDATE: 100}


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
        for column, width in _COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.EXCERPT, QHeaderView.ResizeMode.Stretch)
        self.setSortingEnabled(True)


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
