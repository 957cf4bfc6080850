"""The filter panel starts as wide as its filters and never scrolls sideways (a person saw its
labels lose their first letters once focus reached the Agency list)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nmrf_desktop.ui.window.main_window import MainWindow


def test_the_filters_fit_and_focus_never_shifts_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.filter_panel
    qtbot.waitUntil(window.is_idle, timeout=10_000)
    window.resize(1280, 800)
    QApplication.processEvents()
    window.resizeDocks([window.filter_dock], [120], Qt.Orientation.Horizontal)  # narrowed
    QApplication.processEvents()
    for combo in (panel.agency, panel.role, panel.mechanism, panel.te_tiriti):
        combo.setFocus()
        panel.ensureWidgetVisible(combo)
        QApplication.processEvents()
        assert panel.horizontalScrollBar().value() == 0
