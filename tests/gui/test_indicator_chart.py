"""The indicator chart: keyboard cursor and what it announces, the table kept in step, copying,
the empty state, colours readable on light and dark palettes, a screenshot on request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from nmrf_desktop.reports.chart_spec import ChartSeries, ChartSpec
from nmrf_desktop.ui.indicator_chart import IndicatorChart
from nmrf_desktop.ui.indicator_chart_paint import series_style
from nmrf_desktop.ui.indicator_chart_table import (
    VALUE_ROLE,
    ChartTableModel,
    IndicatorChartPanel,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
YEARS = [str(y) for y in range(2010, 2025)]
# Share of people in prison on remand, by ethnicity: shaped like Corrections' published
# series (rising to 2019, easing since), rounded to one place.
DETAINEES = {
    "Māori": [38.1, 39.0, 40.2, 41.5, 43.0, 44.8, 46.9, 48.2, 49.5, 50.1, 47.3, 46.0, 45.2,
              44.1, 43.0],
    "Pacific": [30.2, 31.0, 31.8, 33.0, 34.1, 35.9, 37.2, 38.8, 39.5, 40.2, 38.0, 37.1, 36.5,
                35.8, 35.0],
    "European": [24.0, 24.5, 25.1, 26.0, 27.2, 28.4, 29.9, 31.0, 31.8, 32.2, 30.5, 29.8, 29.0,
                 28.3, 27.9],
    "Total": [29.5, 30.1, 31.0, 32.1, 33.5, 35.0, 36.8, 38.0, 39.1, 39.6, 37.6, 36.7, 35.9,
              35.1, 34.3],
}


def detainees(gap: bool = False) -> ChartSpec:
    """The four series; with `gap`, Pacific has no value for 2016."""
    series = [ChartSeries(label, [(y, v) for y, v in zip(YEARS, values, strict=True)
                                  if not (gap and label == "Pacific" and y == "2016")])
              for label, values in DETAINEES.items()]
    return ChartSpec("Proportion of unsentenced detainees", "%", YEARS, series,
                     baseline=29.5, baseline_period="2010", target=25.0,
                     target_period="2030")


@pytest.fixture
def panel(qtbot) -> IndicatorChartPanel:  # type: ignore[no-untyped-def]
    widget = IndicatorChartPanel()
    qtbot.addWidget(widget)
    widget.set_spec(detainees(gap=True))
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_table_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ChartTableModel()
    model.set_spec(detainees(gap=True))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(YEARS) + 2  # the periods, then baseline and target
    assert model.columnCount() == 4
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Māori (%)"
    assert model.headerData(15, Qt.Orientation.Vertical) == "Baseline (2010)"
    assert model.headerData(16, Qt.Orientation.Vertical) == "Target (2030)"
    assert model.data(model.index(6, 1)) == "—"
    assert model.data(model.index(6, 1), VALUE_ROLE) is None
    assert model.data(model.index(9, 0)) == "50.1"
    assert model.data(model.index(9, 0), Qt.ItemDataRole.AccessibleTextRole) == \
        "Māori, 2019: 50.1%"
    assert model.data(model.index(16, 0), Qt.ItemDataRole.ToolTipRole) == \
        "Target (2030): 25.0%"
    model.set_spec(ChartSpec("Nothing yet"))
    qtmodeltester.check(model, force_py=True)
    assert (model.rowCount(), model.columnCount()) == (0, 0)


def test_arrow_keys_move_the_cursor_and_announce_the_point(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    chart = panel.chart
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert chart.current_point() == (0, 14)  # the latest period with a value
    assert chart.announcement() == "Māori, 2024: 43.0% (series 1 of 4)"
    with qtbot.waitSignal(chart.announced) as said:
        qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert said.args == ["Māori, 2023: 44.1% (series 1 of 4)"]
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    assert chart.current_point() == (1, 13)
    assert panel.status.text() == "Pacific, 2023: 35.8% (series 2 of 4)"
    assert chart.toolTip() == panel.status.text()
    assert chart.accessibleDescription().startswith("Pacific, 2023: 35.8%")
    assert chart.accessibleDescription().endswith(
        "Line chart of 4 series over 15 periods, 2010 to 2024; Baseline 2010: 29.5%; "
        "Target 2030: 25.0%")
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.current_point() == (1, 0)
    for _ in range(6):
        qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.announcement() == "Pacific, 2016: no value recorded (series 2 of 4)"
    qtbot.keyClick(chart, Qt.Key.Key_End)
    for _ in range(5):  # past the last series and period: the cursor stays at the edge
        qtbot.keyClick(chart, Qt.Key.Key_Down)
        qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.current_point() == (3, 14)
    assert chart.announcement() == "Total, 2024: 34.3% (series 4 of 4)"
    qtbot.keyClick(chart, Qt.Key.Key_Up)
    assert chart.current_point() == (2, 14)


def test_the_table_and_the_chart_cursor_follow_each_other(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    chart, table, model = panel.chart, panel.table, panel.model
    assert table.currentIndex() == model.index(14, 0)
    table.selectionModel().setCurrentIndex(model.index(3, 2),
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert chart.current_point() == (2, 3)
    assert panel.status.text() == "European, 2013: 26.0% (series 3 of 4)"
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    qtbot.keyClick(chart, Qt.Key.Key_Up)
    assert table.currentIndex() == model.index(4, 1)
    assert [i.row() for i in table.selectionModel().selectedIndexes()] == [4]
    table.selectionModel().setCurrentIndex(model.index(15, 0),
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert chart.current_point() == (1, 4)  # the baseline row is not a point
    assert panel.status.text() == "Baseline (2010): 29.5%"
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert chart.current_point() == (0, 14)
    assert table.columnSpan(15, 0) == 4


def test_a_click_picks_the_nearest_point(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    chart = panel.chart
    where = chart.point_position(2, 5)
    assert where is not None
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(round(where.x()),
                                                                   round(where.y()) + 3))
    assert chart.current_point() == (2, 5)
    assert chart.hasFocus()
    assert panel.table.currentIndex() == panel.model.index(5, 2)
    assert chart.point_position(1, 6) is None  # the gap


def test_copy_gives_plain_numbers_with_their_headers(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    table, model = panel.table, panel.model
    selection = table.selectionModel()
    selection.clearSelection()
    for row, column in ((5, 0), (5, 1), (6, 0), (6, 1)):
        selection.select(model.index(row, column), QItemSelectionModel.SelectionFlag.Select)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == (
        "\tMāori (%)\tPacific (%)\n2015\t44.8\t35.9\n2016\t46.9\t\n")


def test_the_empty_state_says_so_and_ignores_the_keys(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = IndicatorChartPanel()
    qtbot.addWidget(panel)
    empty = ChartSpec("Proportion of unsentenced detainees", "%", YEARS,
                      [ChartSeries("Māori", [])], baseline=29.5)
    panel.set_spec(empty)
    panel.resize(600, 400)
    panel.show()
    qtbot.waitExposed(panel)
    chart = panel.chart
    assert chart.announcement() == "No values recorded yet"
    assert panel.status.text() == "No values recorded yet"
    assert chart.accessibleDescription() == "No values recorded yet"
    assert panel.table.model().rowCount() == 16  # no period has a value; the baseline row
    QGuiApplication.clipboard().setText("kept")
    panel.table.clearSelection()
    panel.table.copy()  # nothing selected: the clipboard keeps what it had
    assert QGuiApplication.clipboard().text() == "kept"
    chart.setFocus()
    before = chart.current_point()
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_Down):
        qtbot.keyClick(chart, key)
    assert chart.current_point() == before
    assert chart.point_position(0, 0) is None
    image = chart.grab().toImage()
    assert _has_ink(image)  # the title and the message are painted
    panel.set_spec(None)
    assert chart.announcement() == "No values recorded yet"


def _has_ink(image: QImage) -> bool:
    background = image.pixelColor(1, 1)
    return any(image.pixelColor(x, y) != background
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def _contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"),
                         (QPalette.ColorRole.Base, "#17181a"),
                         (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Text, "#e8eaed")):
        palette.setColor(role, QColor(colour))
    return palette


def test_series_are_told_apart_by_more_than_colour_and_readable_on_both_palettes() -> None:
    light = QApplication.palette()
    dark = _dark_palette()
    styles = [series_style(i, light) for i in range(20)]
    assert len({(s.colour.name(), s.marker, s.dash) for s in styles}) == 20
    assert len({(s.marker, s.dash) for s in styles[:7]}) == 7  # shapes alone tell 7 apart
    for palette in (light, dark):
        window = palette.color(QPalette.ColorRole.Window)
        for i in range(8):
            colour = series_style(i, palette).colour
            assert _contrast(colour, window) >= 3.0, (colour.name(), window.name())


def test_it_paints_on_a_dark_palette_and_at_double_pixel_density(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = IndicatorChart()
    qtbot.addWidget(chart)
    chart.setPalette(_dark_palette())
    chart.set_spec(detainees())
    chart.resize(800, 450)
    image = QImage(1600, 900, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2.0)
    image.fill(_dark_palette().color(QPalette.ColorRole.Window))
    chart.render(image)  # the first slice of the cached layer; the rest from the event loop
    qtbot.waitUntil(chart.is_drawn)
    image.fill(_dark_palette().color(QPalette.ColorRole.Window))
    chart.render(image)
    where = chart.point_position(0, 10)
    assert where is not None
    # A Māori point (away from the cursor line), at twice its coordinates on the image: the
    # dark palette's series colour, not the light one.
    pixel = image.pixelColor(round(where.x() * 2), round(where.y() * 2))
    assert pixel.name() == series_style(0, _dark_palette()).colour.name()


def test_many_series_are_drawn_in_slices_and_all_arrive(qtbot) -> None:  # type: ignore[no-untyped-def]
    periods = [str(y) for y in range(1995, 2025)]
    spec = ChartSpec("Many", "%", periods, [
        ChartSeries(f"Region {k}", [(p, 10 + k + (i % 4)) for i, p in enumerate(periods)])
        for k in range(20)])
    chart = IndicatorChart()
    qtbot.addWidget(chart)
    chart.set_spec(spec)
    chart.resize(1600, 900)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.waitUntil(chart.is_drawn)
    image = chart.grab().toImage()
    for s in (0, 19):  # the first and the last series are both on the layer
        where = chart.point_position(s, 3)
        assert where is not None
        colour = series_style(s, chart.palette()).colour
        near = [image.pixelColor(round(where.x()) + dx, round(where.y()) + dy)
                for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        assert any(abs(c.red() - colour.red()) + abs(c.green() - colour.green())
                   + abs(c.blue() - colour.blue()) < 40 for c in near), s
    chart.set_spec(None)
    assert not chart.is_drawn()


def test_screenshot_when_asked(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    """Save resources/screenshots/indicator-chart.png when NMRF_SCREENSHOTS is set."""
    panel.chart.setFocus()
    qtbot.keyClick(panel.chart, Qt.Key.Key_Left)
    qtbot.waitUntil(panel.chart.is_drawn)
    assert _has_ink(panel.chart.grab().toImage())
    if os.environ.get("NMRF_SCREENSHOTS"):
        panel.resize(960, 760)
        qtbot.wait(50)
        qtbot.waitUntil(panel.chart.is_drawn)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(SCREENSHOTS / "indicator-chart.png"))
