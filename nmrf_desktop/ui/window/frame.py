"""The main window as its own parts see it: the Shell, plus the widgets that `widgets.build`
makes, so that the parts (widgets, results, session) need not import the window's module."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QLabel, QSplitter

from nmrf_desktop.ui.browsing.filter_panel import FilterPanel
from nmrf_desktop.ui.browsing.overview_page import OverviewPage
from nmrf_desktop.ui.browsing.recommendations_model import RecommendationsModel
from nmrf_desktop.ui.browsing.recommendations_table import RecommendationsTable
from nmrf_desktop.ui.browsing.search_box import SearchBox
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell


class Frame(Shell):
    """The Shell with its widgets: what the window's own parts build and read."""

    # What the window shows, made by widgets.build.
    search_box: SearchBox
    count_label: QLabel
    table: RecommendationsTable
    splitter: QSplitter
    overview: OverviewPage
    filter_panel: FilterPanel
    filter_dock: QDockWidget
    loading_label: QLabel
    profile_label: QLabel
    model: RecommendationsModel
    # The exchange hub follows the profile's role (the session sets it).
    exchange: Hub

    def open_demo(self) -> None:
        """Open the demo database, building it first if needed."""
        raise NotImplementedError

    def show_overview(self) -> None:
        raise NotImplementedError
