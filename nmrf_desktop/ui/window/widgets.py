"""The main window's widgets: search row, table and detail pane, tabs, filter dock, status bar."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.ui.browsing.detail_pane import DetailPane
from nmrf_desktop.ui.browsing.filter_panel import FilterPanel
from nmrf_desktop.ui.browsing.overview_page import OverviewPage
from nmrf_desktop.ui.browsing.recommendations_table import RecommendationsTable
from nmrf_desktop.ui.browsing.search_box import SearchBox
from nmrf_desktop.ui.window.frame import Frame

_T = QCoreApplication.translate
_C = "Frame"  # the window's own strings


def build(window: Frame) -> None:
    """Make `window`'s widgets (its attributes of the same names) and lay them out."""
    window.search_box = SearchBox(window)
    window.count_label = _count_label(window)
    window.table = RecommendationsTable(window.model, window)
    window.detail = DetailPane(window)
    window.splitter = _splitter(window)

    top = QHBoxLayout()
    top.setSpacing(12)
    top.addWidget(window.search_box, 1)
    top.addWidget(window.count_label)
    browse = QWidget(window)
    layout = QVBoxLayout(browse)
    layout.setContentsMargins(8, 8, 8, 0)
    layout.addLayout(top)
    layout.addWidget(window.splitter, 1)
    window.overview = OverviewPage(window)
    window.tabs = _tabs(window, browse)
    window.setCentralWidget(window.tabs)

    window.filter_panel = FilterPanel(window)
    window.filter_dock = QDockWidget(_T(_C, "Filters"), window)
    window.filter_dock.setObjectName("filterDock")
    window.filter_dock.setWidget(window.filter_panel)
    window.filter_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                   | QDockWidget.DockWidgetFeature.DockWidgetMovable)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.filter_dock)
    window.resizeDocks([window.filter_dock],
                       [max(250, window.filter_panel.fitting_width())],
                       Qt.Orientation.Horizontal)

    _build_status_bar(window)
    window.setTabOrder(window.search_box, window.table)
    window.setTabOrder(window.table, window.detail)


def default_size(window: Frame) -> None:
    """1280×800, or 90% of the screen where that is smaller (first run)."""
    screen = window.screen().availableGeometry()
    window.resize(min(1280, int(screen.width() * 0.9)), min(800, int(screen.height() * 0.9)))


def _count_label(window: Frame) -> QLabel:
    """The "N of M recommendations" label, wide enough for the largest count."""
    label = QLabel(window)
    label.setObjectName("countLabel")
    label.setAccessibleName(_T(_C, "Number of recommendations shown"))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(window.fontMetrics().horizontalAdvance(
        _T(_C, "000,000 of 000,000 recommendations")))
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _splitter(window: Frame) -> QSplitter:
    """The table above the detail pane."""
    splitter = QSplitter(Qt.Orientation.Vertical, window)
    splitter.setObjectName("mainSplitter")
    splitter.addWidget(window.table)
    splitter.addWidget(window.detail)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes([480, 320])
    return splitter


def _tabs(window: Frame, browse: QWidget) -> QTabWidget:
    """Recommendations and Overview; the hubs add the coordinator's tabs."""
    tabs = QTabWidget(window)
    tabs.setObjectName("mainTabs")
    tabs.setAccessibleName(_T(_C, "Views"))
    tabs.setAccessibleDescription(_T(
        _C, "Recommendations, overview and, for the coordinator, inbox, conflicts and "
            "clusters (Ctrl+1 to Ctrl+5)"))
    tabs.setDocumentMode(True)
    tabs.addTab(browse, _T(_C, "Recommendations"))
    tabs.addTab(window.overview, _T(_C, "Overview"))
    return tabs


def _build_status_bar(window: Frame) -> None:
    """Shows "Searching…" while a query runs, then the user's role; hubs add theirs after."""
    window.loading_label = QLabel(window)
    window.statusBar().addPermanentWidget(window.loading_label)
    window.profile_label = QLabel(window)
    window.profile_label.setObjectName("profileLabel")
    window.profile_label.setAccessibleName(_T(_C, "Your role"))
    window.statusBar().addPermanentWidget(window.profile_label)
