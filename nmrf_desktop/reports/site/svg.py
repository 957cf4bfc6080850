"""The site's charts as inline SVG: a bar chart of counts and an indicator's line chart.

Each chart is an image to assistive tools (`role="img"`, a `<title>` and `<desc>`); the
page prints the same numbers in a table beside it. Coordinates are rounded to one decimal
so the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from nmrf_desktop.reports.chart_spec import LIGHT_COLOURS, ChartSpec

BAR_COLOUR = "#1F3A5F"
_LABEL_CHARS = 34


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(label: str, limit: int = _LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _open(ident: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def bar_chart(ident: str, title: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, count), the count written at the bar's end."""
    width, label_w, bar_h, gap, top = 640, 250, 20, 8, 8
    height = top * 2 + len(rows) * (bar_h + gap)
    most = max((n for _l, n in rows), default=0) or 1
    room = width - label_w - 60
    desc = "; ".join(f"{label}: {n}" for label, n in rows)
    out = _open(ident, width, height, title, desc)
    for i, (label, n) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = room * n / most
        out.append(f'<text x="{label_w - 8}" y="{_n(y + bar_h * 0.72)}" text-anchor="end" '
                   f'class="lbl">{escape(_short(label))}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{_n(max(w, 1))}" height="{bar_h}" '
                   f'fill="{BAR_COLOUR}"/>')
        out.append(f'<text x="{_n(label_w + w + 6)}" y="{_n(y + bar_h * 0.72)}" '
                   f'class="num">{n:,}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))


def line_chart(ident: str, spec: ChartSpec) -> Markup:
    """An indicator's series over its periods, with baseline and target as dashed lines."""
    width, height = 640, 320
    left, right, top, bottom = 64, 16, 16, 40
    legend_rows = len(spec.series) + sum(x is not None for x in (spec.baseline, spec.target))
    total_h = height + legend_rows * 20 + 8
    scale = spec.scale()
    plot_w, plot_h = width - left - right, height - top - bottom
    periods = list(spec.periods)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if len(periods) == 1 else plot_w * i / (len(periods) - 1))

    def y_of(v: float) -> float:
        return top + plot_h * (scale.high - v) / ((scale.high - scale.low) or 1)

    unit = f" ({spec.unit})" if spec.unit else ""
    desc = f"Line chart of {len(spec.series)} series over {len(periods)} periods{unit}; " \
           "the values are in the table that follows."
    out = _open(ident, width, total_h, spec.title, desc)
    for tick in scale.ticks():
        ty = _n(y_of(tick))
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{ty}" dy="4" text-anchor="end" class="num">'
                   f"{escape(scale.format(tick))}</text>")
    step = max(1, len(periods) // 10)
    for i, period in enumerate(periods):
        if i % step == 0 or i == len(periods) - 1:
            out.append(f'<text x="{_n(x_of(i))}" y="{height - bottom + 18}" '
                       f'text-anchor="middle" class="num">{escape(period)}</text>')
    legend_y = height + 8
    for name, value, colour in (("baseline", spec.baseline, "#555555"),
                                ("target", spec.target, "#000000")):
        if value is None:
            continue
        ry = _n(y_of(value))
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ry}" y2="{ry}" '
                   f'stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>')
        out.append(_legend(legend_y, colour, spec.reference_label(name) + ": "
                           + spec.format(value, unit=True), dashed=True))
        legend_y += 20
    for s_index, series in enumerate(spec.series):
        colour = LIGHT_COLOURS[s_index % len(LIGHT_COLOURS)]
        points = [(x_of(i), y_of(v)) for i, v in enumerate(spec.row(s_index)) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       'stroke-width="2.5"/>')
        for x, y in points:
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}"/>')
        out.append(_legend(legend_y, colour, series.label))
        legend_y += 20
    out.append("</svg>")
    return Markup("\n".join(out))


def _legend(y: int, colour: str, label: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (f'<line x1="64" x2="92" y1="{y + 6}" y2="{y + 6}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/><text x="100" y="{y + 10}" class="lbl">'
            f"{escape(label)}</text>")
