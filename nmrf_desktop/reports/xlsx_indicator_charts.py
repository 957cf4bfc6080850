"""The progress workbook's Indicator charts sheet: each chart's numbers as a small table, and
beside it an Excel line chart drawn from those cells (series, baseline and target lines)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from nmrf_desktop.reports.chart_spec import LIGHT_COLOURS, ChartSpec

CHARTS = "Indicator charts"
CHART_ROWS = 16  # rows a chart covers (7.5 cm): each block is at least this tall
_TITLE = Font(bold=True, size=12, color="1F3A5F")
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDE4EE")


def _text(ws: WriteOnlyWorksheet, value: str, font: Font | None = None,
          fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    cell.data_type = "s"  # a label is never a formula, whatever it starts with
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def write_chart_sheet(wb: Workbook, specs: Sequence[ChartSpec]) -> int:
    """Append the sheet to a write-only workbook; returns the number of charts."""
    ws = wb.create_sheet(CHARTS)
    ws.column_dimensions["A"].width = 14
    widest = max((len(s.series) + 2 for s in specs), default=1)
    for col in range(2, widest + 2):
        ws.column_dimensions[get_column_letter(col)].width = 13
    row = 1
    for spec in specs:
        refs = [(spec.reference_label(w), v) for w, v in
                (("baseline", spec.baseline), ("target", spec.target)) if v is not None]
        ws.append([_text(ws, spec.title, _TITLE)])
        ws.append([_text(ws, f"Unit: {spec.unit}" if spec.unit else "")])
        head = row + 2
        ws.append([_text(ws, "Period", _HEAD, _FILL),
                   *(_text(ws, s.label, _HEAD, _FILL) for s in spec.series),
                   *(_text(ws, label, _HEAD, _FILL) for label, _v in refs)])
        for p, period in enumerate(spec.periods):
            ws.append([_text(ws, period), *(spec.value(s, p) for s in range(len(spec.series))),
                       *(v for _label, v in refs)])
        last = head + len(spec.periods)
        columns = len(spec.series) + len(refs)
        if spec.periods and columns:
            ws.add_chart(_chart(ws, spec, head, last, columns, len(refs)),
                         f"{get_column_letter(widest + 2)}{row}")
        used = last - row + 1
        for _ in range(max(2, CHART_ROWS + 2 - used)):  # room for the chart, then a gap
            ws.append([])
        row += used + max(2, CHART_ROWS + 2 - used)
    return len(specs)


def _chart(ws: WriteOnlyWorksheet, spec: ChartSpec, head: int, last: int, columns: int,
           refs: int) -> LineChart:
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.unit or None
    chart.height, chart.width = 7.5, 16
    chart.add_data(Reference(ws, min_col=2, max_col=1 + columns, min_row=head, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
    for i, line in enumerate(chart.series):
        if i < columns - refs:
            colour = LIGHT_COLOURS[i % len(LIGHT_COLOURS)].lstrip("#")
            line.graphicalProperties.line.solidFill = colour
            line.marker.symbol = ("circle", "square", "triangle", "diamond")[i % 4]
            line.marker.graphicalProperties.solidFill = colour
        else:  # baseline and target: dashed grey and navy, no markers
            line.graphicalProperties.line.solidFill = "5A6572" if i == columns - refs \
                and spec.baseline is not None else "1F3A5F"
            line.graphicalProperties.line.dashStyle = "dash"
            line.marker.symbol = "none"
        line.smooth = False
    return chart
