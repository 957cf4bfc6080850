"""The PDF line chart: drawn in the embedded fonts only, te reo Māori labels intact, and the
same numbers in a table beside it, read back from a real PDF with pypdf."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, String
from reportlab.graphics.widgetbase import Widget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from nmrf_desktop.reports.chart_spec import ChartSeries, ChartSpec, nice_scale
from nmrf_desktop.reports.pdf_line_chart import (
    SERIES_PER_TABLE,
    chart_flowables,
    line_chart,
    numbers_table,
)
from nmrf_desktop.reports.pdf_styles import SANS, SANS_BOLD, styles

YEARS = [str(y) for y in range(2015, 2025)]
LABELS = ["Māori", "Pasifika", "Tāngata whaikaha", "Total"]


def detainees() -> ChartSpec:
    """Four series over ten years; Tāngata whaikaha has no value in 2019 (a gap)."""
    series = []
    for k, label in enumerate(LABELS):
        points = [(y, round(20 + 3 * k + 0.7 * i + (i % 3) * 0.35, 2))
                  for i, y in enumerate(YEARS) if not (label == LABELS[2] and y == "2019")]
        series.append(ChartSeries(label, points))
    return ChartSpec("Proportion of unsentenced detainees", "%", YEARS, series,
                     baseline=24.5, baseline_period="2015", target=18.0,
                     target_period="2030")


def strings(node: object) -> Iterator[String]:
    """Every String a drawing paints, widgets (the plot, its axes, markers) expanded."""
    if isinstance(node, String):
        yield node
    elif isinstance(node, Widget):
        yield from strings(node.draw())
    elif isinstance(node, Group | Drawing):
        for child in node.contents:
            yield from strings(child)


def build_pdf(spec: ChartSpec, out: Path) -> Path:
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            initialFontName=SANS, title=spec.title)
    doc.build([Paragraph("Indicator 16.3.2", styles().h1), *chart_flowables(spec, doc.width)])
    return out


def fonts_of(reader: pypdf.PdfReader) -> list[pypdf.generic.DictionaryObject]:
    found = []
    for page in reader.pages:
        resources = page["/Resources"]
        found += [f.get_object() for f in resources.get("/Font", {}).values()]
        for xobject in resources.get("/XObject", {}).values():
            found += [f.get_object() for f in xobject.get_object()
                      .get("/Resources", {}).get("/Font", {}).values()]
    return found


def test_the_pdf_carries_the_labels_with_macrons_and_every_number_in_embedded_fonts(
        tmp_path: Path) -> None:
    spec = detainees()
    reader = pypdf.PdfReader(build_pdf(spec, tmp_path / "chart.pdf"))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for label in LABELS:
        assert label in text
    for s in range(len(spec.series)):
        for value in spec.row(s):
            if value is not None:
                assert spec.format(value) in text
    assert "Baseline 2015: 24.50%" in text and "Target 2030: 18.00%" in text
    assert "Baseline (2015)" in text and "Target (2030)" in text
    fonts = fonts_of(reader)
    assert fonts
    for font in fonts:
        assert "Helvetica" not in str(font["/BaseFont"])
        descriptor = font["/FontDescriptor"].get_object() if "/FontDescriptor" in font \
            else font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"


def test_every_string_of_the_drawing_names_an_embedded_font() -> None:
    spec = detainees()
    drawing = line_chart(spec, 480)
    painted = list(strings(drawing))
    texts = {s.text for s in painted}
    assert set(LABELS) <= texts
    assert {"2015", "2024", "%", "Baseline 2015: 24.50%", "Target 2030: 18.00%"} <= texts
    scale = nice_scale(spec.values())
    assert {scale.format(t) for t in scale.ticks()} <= texts
    assert {s.fontName for s in painted} <= {SANS, SANS_BOLD}
    assert drawing.initialFontName == SANS


def test_a_missing_value_breaks_the_line_and_leaves_its_cell_blank() -> None:
    spec = detainees()
    plot = next(n for n in line_chart(spec, 480).contents if isinstance(n, LinePlot))
    # One line for each series, two for the one with a gap (2015–2018 and 2020–2024).
    assert [len(run) for run in plot.data] == [10, 10, 4, 5, 10]
    table = numbers_table(spec, 480)[0]
    assert isinstance(table, Table)
    row_2019 = next(r for r in table._cellvalues if r[0] == "2019")
    assert row_2019[3] == "—"


def test_baseline_and_target_are_dashed_lines_across_the_plot() -> None:
    drawing = line_chart(detainees(), 480)
    plot = next(n for n in drawing.contents if isinstance(n, LinePlot))
    dashed = [n for n in drawing.contents if isinstance(n, Line) and n.strokeDashArray
              and n.x1 == plot.x and n.x2 == plot.x + plot.width]
    assert len(dashed) == 2
    heights = sorted(n.y1 for n in dashed)
    span = plot.yValueAxis.valueMax - plot.yValueAxis.valueMin
    expected = sorted(plot.y + (v - plot.yValueAxis.valueMin) / span * plot.height
                      for v in (24.5, 18.0))
    assert heights == pytest.approx(expected)


def test_twenty_series_flow_the_legend_and_split_the_table() -> None:
    periods = [str(y) for y in range(1995, 2025)]
    spec = ChartSpec("Many", "", periods, [
        ChartSeries(f"Region {k} — Tāmaki", [(p, k + i / 10) for i, p in enumerate(periods)])
        for k in range(20)])
    drawing = line_chart(spec, 480)
    labels = [s for s in strings(drawing) if s.text.startswith("Region")]
    assert len(labels) == 20
    assert len({round(s.y) for s in labels}) > 1  # more than one legend row
    assert max(s.x for s in labels) < 480
    tables = [f for f in numbers_table(spec, 480) if isinstance(f, Table)]
    assert [len(t._cellvalues[0]) - 1 for t in tables] == [SERIES_PER_TABLE,
                                                           SERIES_PER_TABLE, 4]
    axis_labels = {s.text for s in strings(drawing)} & set(periods)
    assert "1995" in axis_labels and len(axis_labels) < 30  # thinned so they do not overlap


def test_header_words_are_never_split_and_tables_fit_the_width() -> None:
    labels = ["Tāngata whaikaha", "Middle Eastern, Latin American and African", "European",
              "Wāhine Māori aged 15–24", "Pasifika", "Total"] * 2
    spec = ChartSpec("Wide", "%", YEARS, [
        ChartSeries(f"{label} ({k})", [(y, 1000.5 * k) for y in YEARS])
        for k, label in enumerate(labels)])
    tables = [f for f in numbers_table(spec, 400) if isinstance(f, Table)]
    assert sum(len(t._cellvalues[0]) - 1 for t in tables) == len(labels)
    assert len(tables) > 1
    for table in tables:
        assert sum(table._colWidths) <= 400
        for cell, col_width in zip(table._cellvalues[0][1:], table._colWidths[1:],
                                   strict=True):
            for word in cell.text.split():
                assert stringWidth(word, SANS_BOLD, 7) <= col_width - 6, word


def test_an_empty_chart_says_so_and_has_no_table(tmp_path: Path) -> None:
    spec = ChartSpec("Proportion of unsentenced detainees", "%", YEARS,
                     [ChartSeries("Māori", [])], baseline=24.5)
    flowables = chart_flowables(spec, 480)
    assert len(flowables) == 1
    assert "No values recorded yet" in {s.text for s in strings(flowables[0])}
    reader = pypdf.PdfReader(build_pdf(spec, tmp_path / "empty.pdf"))
    assert "No values recorded yet" in reader.pages[0].extract_text()
