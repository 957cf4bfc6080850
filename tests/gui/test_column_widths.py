"""At the default size (1280×800) no table of the window clips a header or a short value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from nmrf_desktop.domain.enums import ImplementationStatus, Position
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui import enum_text
from nmrf_desktop.ui.browsing.recommendations_model import Column
from nmrf_desktop.ui.window.main_window import MainWindow

WAIT = 15_000
# Tables whose columns are someone else's to size (the key registry has its own task).
OTHERS = {"keysTable"}


def _clipped(table: QTableView) -> list[str]:
    """Columns narrower than their header, or (unless they stretch) than a value shown."""
    header = table.horizontalHeader()
    model = table.model()
    problems = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        width = header.sectionSize(column)
        title = str(model.headerData(column, header.orientation()))
        if header.defaultAlignment() & Qt.TextFlag.TextWordWrap:  # may take two lines
            room = QRect(0, 0, width - 12, 1000)
            lines = header.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap, title)
            if lines.height() > header.height() - 4 or lines.width() > width - 8:
                problems.append(f"{table.objectName()}: header {title!r} wraps past "
                                f"{width}x{header.height()}")
        elif width < (needs_header := header.sectionSizeFromContents(column).width()):
            problems.append(f"{table.objectName()}: header {title!r} {width} < {needs_header}")
        stretches = header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch
        needs_value = table.sizeHintForColumn(column)
        if not stretches and width < needs_value:
            problems.append(f"{table.objectName()}: {title!r} values {width} < {needs_value}")
    return problems


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_no_header_or_short_value_is_clipped_at_the_default_size(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(1280, 800)
    window.session._apply_profile(Profile(role="coordinator", officer_name="Test Coordinator"))
    qtbot.waitUntil(lambda: window.is_idle() and not window.runner.busy, timeout=WAIT)
    problems, seen = [], []
    for index in range(window.tabs.count()):
        if not window.tabs.isTabVisible(index):
            continue
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: window.is_idle() and not window.runner.busy, timeout=WAIT)
        qtbot.wait(50)
        for table in window.tabs.currentWidget().findChildren(QTableView):
            if table.isVisible() and table.objectName() not in OTHERS:
                seen.append(table.objectName() or type(table).__name__)
                problems += _clipped(table)
    assert len(seen) >= 6, seen
    assert not problems, "\n".join(problems)


def test_status_position_and_reference_hold_their_longest(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    header = window.table.horizontalHeader()
    text = window.table.fontMetrics().horizontalAdvance
    assert header.sectionSize(Column.STATUS) > text(
        enum_text.label(ImplementationStatus.PARTIALLY_IMPLEMENTED))
    assert header.sectionSize(Column.POSITION) > text(
        enum_text.label(Position.SUPPORTED_IN_PART))
    assert header.sectionSize(Column.REFERENCE) > text("CRC/C/NZL/CO/5 para 26.1")
