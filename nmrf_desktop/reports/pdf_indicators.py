"""Indicators in PDFs: the `indicators` report (a section per indicator, its charts and their
numbers), and the compact section other reports carry (one line per series)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from nmrf_desktop.reports.chart_spec import ChartSpec
from nmrf_desktop.reports.model import IndicatorSection, ReportMeta
from nmrf_desktop.reports.pdf_doc import Bookmark, Ticker, write_story
from nmrf_desktop.reports.pdf_line_chart import line_chart, numbers_table
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    NAVY,
    RULE,
    TINT,
    Styles,
    esc,
    human,
    long_date,
    styles,
)

log = logging.getLogger(__name__)

TITLE = "Indicators linked to recommendations"
CHART_HEIGHT = 190
_PAD = [CELL_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]
_MAORI = colors.HexColor("#8A3B12")  # the governance line: 7:1 on white
_ABOUT = ("An indicator measures whether a recommendation is being implemented, not what "
          "was done. Each series' trend says where it is heading from its baseline, judged "
          "by which way is better; it is never an implementation status. Each chart's "
          "numbers follow it as a table.")


def write_indicators_pdf(meta: ReportMeta, sections: Iterable[IndicatorSection], out: Path,
                         ticker: Ticker) -> int:
    """Write the report atomically; returns the number of indicators written."""
    counted = [0]
    write_story(out, meta, lambda width: _story(meta, sections, width, ticker, counted))
    log.info("wrote %s: %d indicators", out, counted[0])
    return counted[0]


def _story(meta: ReportMeta, sections: Iterable[IndicatorSection], width: float,
           ticker: Ticker, counted: list[int]) -> Iterator[list[Flowable]]:
    st = styles()
    yield _cover(meta, st, width)
    for section in sections:
        yield _section(section, counted[0], st, width)
        counted[0] += 1
        ticker.advance()
    if counted[0] == 0:
        yield [PageBreak(), Paragraph("No indicator is linked to the recommendations in this "
                                      "report's scope.", st.body)]


def _cover(meta: ReportMeta, st: Styles, width: float) -> list[Flowable]:
    facts = [["Scope", "<br/>".join(esc(s) for s in meta.scope)],
             ["Indicators", f"{meta.total:,}"],
             ["Generated", f"{long_date(meta.generated)}, {meta.generated:%H:%M}"],
             ["Record fingerprint", f'<font name="NMRFMono" size="8">{meta.fingerprint}'
                                    "</font>"]]
    table = Table([[Paragraph(a, st.label), Paragraph(b, st.cover_line)] for a, b in facts],
                  colWidths=[width * 0.25, width * 0.75])
    table.setStyle(TableStyle([CELL_FONT, ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return [Spacer(1, 60), Bookmark("Cover", "cover", 0),
            Paragraph("National Mechanism for Reporting and Follow-up", st.small),
            Spacer(1, 6), Paragraph(esc(meta.title), st.cover_title),
            Paragraph(esc(meta.subtitle), st.cover_sub), table, Spacer(1, 14),
            Paragraph(_ABOUT, st.small), NextPageTemplate("body")]


def governance_paragraph(section: IndicatorSection, st: Styles) -> Paragraph:
    """Whose data it is, where everyone reads it: bold, in its own colour."""
    return Paragraph(f'<font color="#{_MAORI.hexval()[2:]}"><b>{esc(section.governance)}'
                     "</b></font>", st.body)


def _facts(section: IndicatorSection, st: Styles, width: float) -> Table:
    sdg = (f"{section.sdg} — {section.sdg_title}" if section.sdg and section.sdg_title
           else section.sdg or "—")
    rows = [("Kind", human(section.kind, "—")), ("SDG indicator", sdg),
            ("Steward", section.steward or "—"), ("Source", section.source or "—"),
            ("Method", section.method or "—"), ("Unit", section.unit or "—"),
            ("Baseline", section.baseline or "—"), ("Target", section.target or "—"),
            ("Recommendations", ", ".join(section.recommendations) or "—")]
    if section.clusters:
        rows.append(("Overlap clusters", "; ".join(section.clusters)))
    table = Table([[Paragraph(a, st.label), Paragraph(esc(b), st.cell)] for a, b in rows],
                  colWidths=[width * 0.2, width * 0.8])
    table.setStyle(TableStyle([*_PAD, ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]))
    return table


def _section(section: IndicatorSection, index: int, st: Styles, width: float
             ) -> list[Flowable]:
    title = f"{section.code} — {section.title}"
    heading = Paragraph(esc(title), st.h1)
    out: list[Flowable] = [PageBreak(), Bookmark(title, f"i{index}", 0)]  # a page each
    head: list[Flowable] = [heading]
    if section.title_mi:
        head.append(Paragraph(f"<i>{esc(section.title_mi)}</i>", st.cover_line))
    if section.governance:
        head += [Spacer(1, 4), governance_paragraph(section, st)]
    head += [Spacer(1, 6), _facts(section, st, width)]
    out += [KeepTogether(head), Spacer(1, 8)]
    if section.series:
        heading = Paragraph("Trend of each series", st.h2)
        heading.keepWithNext = 1
        out += [heading, _series_table(section, st, width), Spacer(1, 10)]
    else:
        out.append(Paragraph("No values recorded yet.", st.body))
    for spec in section.charts:
        out += [*_chart(spec, width), Spacer(1, 12)]
    if section.withheld:
        out.append(Paragraph(f"{section.withheld} series of Māori data not released for "
                             "publication are not shown.", st.small))
    return out


def _chart(spec: ChartSpec, width: float) -> list[Flowable]:
    """The chart (a little lower than alone, so two share a page) kept with the start of
    its numbers table."""
    drawing = line_chart(spec, width, CHART_HEIGHT)
    if spec.is_empty:
        return [drawing]
    table = numbers_table(spec, width)  # tables, each with a spacer; then the unit line
    if len(table) <= 3:  # one table: the chart, its numbers and their unit on one page
        return [KeepTogether([drawing, Spacer(1, 6), *table])]
    return [KeepTogether([drawing, Spacer(1, 6), table[0]]), *table[1:-3],
            KeepTogether(table[-3:])]


def compact_flowables(sections: Iterable[IndicatorSection], st: Styles, width: float
                      ) -> list[Flowable]:
    """The indicators linked to a report's recommendations: per indicator a heading, whose
    data it is, then one row per series (latest value and trend); no charts."""
    found = list(sections)
    if not found:
        return []
    out: list[Flowable] = [PageBreak(), Bookmark("Indicators", "indicators", 0),
                           Paragraph("Indicators", st.h1),
                           Paragraph("The indicators linked to this report's recommendations: "
                                     "each series' latest value and trend (never an "
                                     "implementation status).", st.small), Spacer(1, 6)]
    for n, section in enumerate(found):
        head: list[Flowable] = [Bookmark(section.code, f"ind{n}", 1), Paragraph(
            f"<b>{esc(section.code)}</b> {esc(section.title)}", st.body)]
        if section.title_mi:
            head.append(Paragraph(f"<i>{esc(section.title_mi)}</i>", st.small))
        if section.governance:
            head.append(governance_paragraph(section, st))
        about = [x for x in (f"SDG {section.sdg}" if section.sdg else "", section.steward,
                             f"baseline {section.baseline}" if section.baseline else "",
                             f"target {section.target}" if section.target else "") if x]
        refs = ", ".join(section.recommendations)
        about.append(f"for {refs}" if refs else "")
        if section.clusters:
            about.append(f"through overlap cluster {'; '.join(section.clusters)}")
        head.append(Paragraph(esc(" · ".join(a for a in about if a)), st.small))
        body = [*head, Spacer(1, 2), _series_table(section, st, width)]
        if section.withheld:
            body.append(Paragraph(f"{section.withheld} series of Māori data not released "
                                  "for publication are not shown.", st.small))
        out.append(KeepTogether(body))
        out.append(Spacer(1, 10))
    return out


def _series_table(section: IndicatorSection, st: Styles, width: float) -> Flowable:
    if not section.series:
        return Paragraph("No values recorded yet.", st.small)
    rows: list[list[Flowable]] = [[Paragraph(t, st.cell_bold) for t in
                                   ("Series", "Latest", "Change and trend")]]
    for s in section.series:
        latest = f"{esc(s.latest_value)} ({esc(s.latest_period)})"
        if s.status == "provisional":
            latest += " provisional"
        label = esc(s.label) + (" · Māori data" if s.maori_data and not section.governance
                                else "")
        rows.append([Paragraph(label, st.cell), Paragraph(latest, st.cell),
                     Paragraph(esc(s.movement or s.sentence), st.cell)])
    table = Table(rows, colWidths=[width * 0.22, width * 0.16, width * 0.62], repeatRows=1)
    table.setStyle(TableStyle([*_PAD, ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, TINT])]))
    return table
