"""Writes a progress-summary PDF: cover, summary charts, then every recommendation by section."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from nmrf_desktop.reports.model import ReportData, ReportKind, Summary
from nmrf_desktop.reports.pdf_annual import annual_flowables
from nmrf_desktop.reports.pdf_charts import MAX_BODIES, by_cycle, status_by_body
from nmrf_desktop.reports.pdf_doc import Bookmark, ReportDoc, write_atomically
from nmrf_desktop.reports.pdf_entries import entry_flowables, thematic_header, thematic_row
from nmrf_desktop.reports.pdf_indicators import compact_flowables
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    GREY,
    NAVY,
    RULE,
    TINT,
    Styles,
    esc,
    human,
    long_date,
    styles,
)
from nmrf_desktop.reports.pdf_terms import cross_reference, term_summary

log = logging.getLogger(__name__)

CHUNK = 40  # recommendations laid out per chunk of the story


class Ticker(Protocol):
    """Called once per recommendation laid out; raises to cancel (services' Progress)."""

    def advance(self, amount: int = 1) -> None: ...


def write_pdf(data: ReportData, out: Path, ticker: Ticker) -> int:
    """Write the report to `out` (atomically: nothing is left on failure or cancel).

    Returns the number of recommendations written.
    """
    counted: list[int] = [0]

    def build(tmp: str) -> None:
        doc = ReportDoc(tmp, data.meta)
        doc.build_chunks(_story(data, doc.width, ticker, counted))

    write_atomically(out, build)
    log.info("wrote %s: %d recommendations", out, counted[0])
    return counted[0]


def _story(data: ReportData, width: float, ticker: Ticker, counted: list[int]
           ) -> Iterator[list[Flowable]]:
    st = styles()
    yield _cover(data, st, width)
    if data.kind in (ReportKind.THEME, ReportKind.THEMATIC_LIST):
        yield [PageBreak(), Bookmark("Summary", "summary", 0), Paragraph("Summary", st.h1),
               *term_summary(data.summary, st, width)]
    else:
        yield _summary(data.summary, st, width)
    if data.annual is not None:
        yield [PageBreak(), *annual_flowables(data.annual, st, width)]
    if data.indicators:
        yield compact_flowables(data.indicators, st, width)
    thematic = data.kind is ReportKind.THEMATIC_LIST
    sizes = {t.title: t.total for t in data.summary.by_term}
    # Where each recommendation was printed in full (bookmark key, section): a thematic
    # layout lists it under every theme and group, in full only under the first.
    first: dict[str, tuple[str, str]] = {}
    chunk: list[Flowable] = []
    section: str | None = None
    in_section = 0
    for placed, entry in enumerate(data.entries):
        if entry.section != section:
            section = entry.section
            in_section = 0
            chunk += _section_heading(section, placed, st, new_page=data.kind not in (
                ReportKind.THEME, ReportKind.THEMATIC_LIST))
            if section in sizes:
                chunk.append(Paragraph(_size_line(sizes[section]), st.small))
            if thematic:
                chunk.append(thematic_header(st, width))
        key = f"r{placed}"
        seen = first.get(entry.row.id)
        if seen is not None:
            chunk += cross_reference(entry, st, width, key, seen, thematic,
                                     shade=in_section % 2 == 1)
        elif thematic:
            chunk += thematic_row(entry, st, width, key, shade=in_section % 2 == 1)
        else:
            chunk += entry_flowables(entry, st, width, key, data.meta.public)
        if seen is None:
            first[entry.row.id] = (key, section)
            counted[0] += 1
        in_section += 1
        ticker.advance()
        if (placed + 1) % CHUNK == 0:
            yield chunk
            chunk = []
    if counted[0] == 0:
        chunk += [PageBreak(), Paragraph("No recommendation matches this report's scope.",
                                         st.body)]
    yield chunk


def _size_line(total: int) -> str:
    return f"{total:,} recommendation" + ("" if total == 1 else "s")


def _section_heading(title: str, index: int, st: Styles, new_page: bool) -> list[Flowable]:
    """A section starts a page (by body and cycle) or, for many small themes, a page when
    less than a quarter of one is left."""
    heading = Paragraph(esc(title), st.h1)
    heading.keepWithNext = 1
    brk: Flowable = PageBreak() if new_page or index == 0 else CondPageBreak(7 * cm)
    return [brk, Bookmark(title, f"s{index}", 0), heading]


def _cover(data: ReportData, st: Styles, width: float) -> list[Flowable]:
    meta = data.meta
    facts = [["Scope", "<br/>".join(esc(s) for s in meta.scope) or "All recommendations"],
             ["Recommendations", f"{meta.total:,}"],
             ["Generated", f"{long_date(meta.generated)}, {meta.generated:%H:%M}"],
             ["Record fingerprint", f'<font name="NMRFMono" size="8">{meta.fingerprint}'
                                    "</font>"]]
    if meta.public:
        facts.append(["Contents", "Only information marked public: recommendations (UN text),"
                                  " public actions, public progress updates, the names, "
                                  "dates and SHA-256 of public evidence, and the indicators "
                                  "whose data may be published."])
    table = Table([[Paragraph(a, st.label), Paragraph(b, st.cover_line)] for a, b in facts],
                  colWidths=[width * 0.25, width * 0.75])
    table.setStyle(TableStyle([CELL_FONT, ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    note = ("The fingerprint is a SHA-256 over the record's audit-log head and counts: two "
            "reports with the same fingerprint were made from the same state of the record.")
    return [Spacer(1, 60), Bookmark("Cover", "cover", 0),
            Paragraph("National Mechanism for Reporting and Follow-up", st.small),
            Spacer(1, 6), Paragraph(esc(meta.title), st.cover_title),
            Paragraph(esc(meta.subtitle), st.cover_sub), table, Spacer(1, 14),
            Paragraph(note, st.small), NextPageTemplate("body")]


def _summary(summary: Summary, st: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), Bookmark("Summary", "summary", 0),
                           Paragraph("Summary", st.h1)]
    with_update = summary.total - sum(summary.counts.get("none", ()))
    recs = "recommendation" if summary.total == 1 else "recommendations"
    bodies = "body" if len(summary.bodies) == 1 else "bodies"
    have = "has" if with_update == 1 else "have"
    out.append(Paragraph(
        f"{summary.total:,} {recs} across {len(summary.bodies)} {bodies}; {with_update:,} "
        f"{have} a progress update.", st.body))
    out += [Spacer(1, 10), status_by_body(summary, width), Spacer(1, 8),
            _counts_table(summary, st, width), Spacer(1, 14), by_cycle(summary, width)]
    return out


def _counts_table(summary: Summary, st: Styles, width: float) -> Table:
    bodies = list(summary.bodies[:MAX_BODIES])
    head = ["Status", *bodies, "Total"]
    rows = [head]
    for status in summary.statuses:
        counts = summary.counts[status]
        rows.append([human(status), *(f"{n:,}" for n in counts[:MAX_BODIES]),
                     f"{sum(counts):,}"])
    totals = [sum(summary.counts[s][i] for s in summary.statuses) for i in range(len(bodies))]
    rows.append(["Total", *(f"{n:,}" for n in totals), f"{summary.total:,}"])
    first = width * 0.24
    rest = (width - first) / (len(head) - 1)
    data = [[Paragraph(esc(c), ((st.head_right if i else st.cell_bold) if r == 0
                               else st.number if i else st.cell))
             for i, c in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(data, colWidths=[first] + [rest] * (len(head) - 1))
    table.setStyle(TableStyle([
        CELL_FONT, ("BACKGROUND", (0, 0), (-1, 0), NAVY), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE), ("BACKGROUND", (0, -1), (-1, -1), TINT),
        ("TEXTCOLOR", (0, 1), (0, -1), GREY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table

