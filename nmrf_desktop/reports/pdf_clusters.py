"""The by-cluster PDF: a cover, then one section per overlap cluster, members and reasons."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

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

from nmrf_desktop.reports.model import ReportMeta
from nmrf_desktop.reports.pdf_doc import Bookmark, Ticker, write_story
from nmrf_desktop.reports.pdf_entries import status_chip
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    NAVY,
    RULE,
    TINT,
    Styles,
    esc,
    long_date,
    styles,
)

log = logging.getLogger(__name__)

KIND = "clusters"
TITLE = "Overlapping recommendations by cluster"
CHUNK = 10  # clusters laid out per chunk of the story


@dataclass(frozen=True, slots=True)
class ClusterMember:
    reference: str
    body: str
    cycle: str  # "2 (2014)"
    excerpt: str
    status: str | None


@dataclass(frozen=True, slots=True)
class ClusterSection:
    """One cluster as the report prints it."""

    id: str
    country: str
    reasons: tuple[str, ...]
    members: tuple[ClusterMember, ...]
    status_mix: str


def write_clusters_pdf(meta: ReportMeta, sections: Iterable[ClusterSection], out: Path,
                       ticker: Ticker) -> int:
    """Write the report atomically; returns the number of clusters written."""
    counted = [0]
    write_story(out, meta, lambda width: _story(meta, sections, width, ticker, counted))
    log.info("wrote %s: %d clusters", out, counted[0])
    return counted[0]


def _story(meta: ReportMeta, sections: Iterable[ClusterSection], width: float,
           ticker: Ticker, counted: list[int]) -> Iterator[list[Flowable]]:
    st = styles()
    yield _cover(meta, st, width)
    chunk: list[Flowable] = [PageBreak()]
    for section in sections:
        chunk += _section(section, counted[0], st, width)
        counted[0] += 1
        ticker.advance()
        if counted[0] % CHUNK == 0:
            yield chunk
            chunk = []
    if counted[0] == 0:
        chunk.append(Paragraph("No overlap clusters: find overlaps first (Coordinator → "
                               "Find Overlaps), or widen the report's scope.", st.body))
    yield chunk


def _cover(meta: ReportMeta, st: Styles, width: float) -> list[Flowable]:
    facts = [["Scope", "<br/>".join(esc(s) for s in meta.scope)],
             ["Clusters", f"{meta.total:,}"],
             ["Generated", f"{long_date(meta.generated)}, {meta.generated:%H:%M}"],
             ["Record fingerprint", f'<font name="NMRFMono" size="8">{meta.fingerprint}'
                                    "</font>"]]
    table = Table([[Paragraph(a, st.label), Paragraph(b, st.cover_line)] for a, b in facts],
                  colWidths=[width * 0.25, width * 0.75])
    table.setStyle(TableStyle([CELL_FONT, ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    note = ("A cluster groups recommendations that ask for substantively the same action, "
            "found by shared instrument asks or similar wording and settled by coordinators' "
            "decisions. One coordinated action can answer a whole cluster.")
    return [Spacer(1, 60), Bookmark("Cover", "cover", 0),
            Paragraph("National Mechanism for Reporting and Follow-up", st.small),
            Spacer(1, 6), Paragraph(esc(meta.title), st.cover_title),
            Paragraph(esc(meta.subtitle), st.cover_sub), table, Spacer(1, 14),
            Paragraph(note, st.small), NextPageTemplate("body")]


def _section(section: ClusterSection, index: int, st: Styles, width: float
             ) -> list[Flowable]:
    title = f"Cluster {index + 1}: {len(section.members)} recommendations"
    heading = Paragraph(esc(title), st.h2)
    heading.keepWithNext = 1
    out: list[Flowable] = [CondPageBreak(120), Bookmark(title, f"c{index}", 0), heading]
    facts = f"{esc(section.country)} · {esc(section.status_mix)} · {esc(section.id)}"
    out.append(Paragraph(facts, st.small))
    for reason in section.reasons:
        out.append(Paragraph(f"<i>Why:</i> {esc(reason)}", st.body))
    out.append(Spacer(1, 4))
    out.append(_members_table(section.members, st, width))
    out.append(Spacer(1, 10))
    return out


def _members_table(members: Sequence[ClusterMember], st: Styles, width: float) -> Table:
    head = ["Reference", "Body", "Cycle", "Text", "Status"]
    rows = [[Paragraph(h, st.cell_bold) for h in head]]
    for m in members:
        rows.append([Paragraph(esc(m.reference), st.cell), Paragraph(esc(m.body), st.cell),
                     Paragraph(esc(m.cycle), st.cell), Paragraph(esc(m.excerpt), st.cell),
                     Paragraph(status_chip(m.status), st.cell)])
    widths = [0.17, 0.08, 0.10, 0.47, 0.18]
    table = Table(rows, colWidths=[width * w for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        CELL_FONT, ("BACKGROUND", (0, 0), (-1, 0), NAVY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, TINT]),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table
