"""The flowables for one recommendation: the full entry, or a row of the thematic list."""

from __future__ import annotations

import datetime as dt

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from nmrf_desktop.reports.model import Entry
from nmrf_desktop.reports.pdf_doc import Bookmark
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    GREY,
    NAVY,
    RULE,
    STATUS_COLOURS,
    TINT,
    Styles,
    esc,
    human,
)

_PAD = [CELL_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _join(values: tuple[str, ...] | list[str], empty: str = "—") -> str:
    return ", ".join(values) if values else empty


def where(entry: Entry) -> str:
    """'UPR · session 18 · cycle 2 · 2014' (the parts that are known)."""
    row = entry.row
    parts = [row.body]
    if row.session:
        parts.append(f"session {row.session}")
    if row.cycle:
        parts.append(f"cycle {row.cycle}")
    if row.year:
        parts.append(str(row.year))
    return " · ".join(parts)


def document(entry: Entry) -> str:
    row = entry.row
    if row.document_symbol and row.paragraph:
        return f"{row.document_symbol}, para. {row.paragraph}"
    return row.document_symbol or row.paragraph or "—"


def status_chip(status: str | None) -> str:
    """A coloured square and the status label, as Paragraph markup."""
    colour = STATUS_COLOURS.get(status or "none", GREY)
    return f'<font color="#{colour.hexval()[2:]}">■</font> {esc(human(status))}'


def entry_flowables(entry: Entry, st: Styles, width: float, key: str, public: bool = False
                     ) -> list[Flowable]:
    """Heading, full text, facts, latest narrative, actions and evidence of one entry."""
    row = entry.row
    head = Table([[Paragraph(esc(row.reference), st.rec),
                   Paragraph(esc(where(entry)), st.small_right)]],
                 colWidths=[width * 0.55, width * 0.45])
    head.setStyle(TableStyle([*_PAD, ("BACKGROUND", (0, 0), (-1, -1), TINT),
                              ("LINEABOVE", (0, 0), (-1, 0), 1.2, NAVY),
                              ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    # The reference never ends a page without the text under it.
    out: list[Flowable] = [KeepTogether([Bookmark(row.reference, key, level=1), head,
                                         Spacer(1, 3), Paragraph(esc(row.text), st.body),
                                         *_lineage(entry, st)]),
                           Spacer(1, 4)]
    latest = entry.latest
    status = status_chip(latest.status if latest else row.status)
    if latest:
        status += f' <font color="#5A6572">as of {latest.as_of.isoformat()}, ' \
                  f'{esc(latest.agency)}</font>'
    groups = _join(row.affected_groups)
    if row.te_tiriti:
        groups += " · Te Tiriti o Waitangi"
    facts = [
        ("Document", esc(document(entry)), "Position", esc(human(row.position, "—"))),
        ("Recommending states", esc(_join(row.recommending_states)),
         *(("SDGs", esc(_join(row.sdgs))) if public else
           ("Assigned to", esc(_join(row.assigned_agencies, "Not assigned"))))),
        ("Themes", esc(_join(row.themes)), "Affected groups", esc(groups)),
        ("Current status", status, "", ""),
    ]
    lw, vw = width * 0.19, width * 0.31
    table = Table([[Paragraph(a, st.label), Paragraph(b, st.cell),
                    Paragraph(c, st.label), Paragraph(d, st.cell)] for a, b, c, d in facts],
                  colWidths=[lw, vw, lw, vw])
    table.setStyle(TableStyle([*_PAD, ("SPAN", (1, 3), (3, 3)),
                               ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE)]))
    out.append(table)
    if latest and latest.narrative:
        out += [Spacer(1, 3), Paragraph("Latest update", st.label),
                Paragraph(esc(latest.narrative), st.body)]
    if entry.actions:
        out += [Spacer(1, 4), _actions_table(entry, st, width)]
    if entry.evidence:
        out += [Spacer(1, 4), _evidence_table(entry, st, width)]
    out.append(Spacer(1, 12))
    return out


def _lineage(entry: Entry, st: Styles) -> list[Flowable]:
    """The carry-forward lines under the text: "Repeats NZL-UPR5-064 (cycle 1)"."""
    return [Paragraph(f'<font color="#5A6572">{esc(line)}</font>', st.small)
            for line in entry.lineage]


def _grid(data: list[list[Flowable]], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([*_PAD, ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, TINT])]))
    return table


def _actions_table(entry: Entry, st: Styles, width: float) -> Table:
    head = [Paragraph(t, st.cell_bold) for t in
            ("Action", "Agency", "Status", "Start", "Target", "Completed")]
    rows = [[Paragraph(esc(a.title) + f' <font color="#5A6572">({esc(human(a.kind))})</font>',
                       st.cell),
             Paragraph(esc(a.agency), st.cell), Paragraph(esc(human(a.status)), st.cell),
             Paragraph(_date(a.start_date), st.cell), Paragraph(_date(a.target_date), st.cell),
             Paragraph(_date(a.completed_date), st.cell)] for a in entry.actions]
    d = width * 0.12
    return _grid([head, *rows], [width - 5 * d, d, d, d, d, d])


def _evidence_table(entry: Entry, st: Styles, width: float) -> Table:
    head = [Paragraph(t, st.cell_bold) for t in ("Evidence", "Date", "SHA-256")]
    rows = [[Paragraph(esc(e.name) + (f'<br/><font color="#5A6572">{esc(e.action_title)}</font>'
                                      if e.action_title else ""), st.cell),
             Paragraph(_date(e.date), st.cell),
             Paragraph(esc(e.sha256 or "link"), st.mono)] for e in entry.evidence]
    return _grid([head, *rows], [width * 0.33, width * 0.12, width * 0.55])


THEMATIC_HEADINGS = ("Recommendation", "Position", "Themes", "Assessment / implementation")


def thematic_widths(width: float) -> list[float]:
    return [width * 0.45, width * 0.11, width * 0.17, width * 0.27]


def thematic_header(st: Styles, width: float) -> Table:
    table = Table([[Paragraph(t, st.cell_bold) for t in THEMATIC_HEADINGS]],
                  colWidths=thematic_widths(width))
    table.setStyle(TableStyle([*_PAD, ("BACKGROUND", (0, 0), (-1, -1), NAVY)]))
    table.keepWithNext = 1
    return table


def thematic_row(entry: Entry, st: Styles, width: float, key: str, shade: bool
                 ) -> list[Flowable]:
    """One row of the OHCHR-style thematic list, as a one-row table (streams page by page)."""
    row = entry.row
    states = f" ({esc(_join(row.recommending_states, ''))})" if row.recommending_states else ""
    rec = f"<b>{esc(row.reference)}</b> {esc(row.text)}{states}"
    if row.document_symbol:
        rec += f'<br/><font color="#5A6572">Source of position: {esc(document(entry))}</font>'
    for line in entry.lineage:
        rec += f'<br/><font color="#5A6572">{esc(line)}</font>'
    latest = entry.latest
    assess = status_chip(latest.status if latest else row.status)
    if latest:
        assess += f" ({latest.as_of.isoformat()})<br/>{esc(latest.narrative)}"
    for action in entry.actions:
        assess += f"<br/>• {esc(action.title)} — {esc(human(action.status))}"
    themes = "<br/>".join(f"• {esc(t)}" for t in row.themes) or "—"
    if row.affected_groups:
        themes += ('<br/><font color="#5A6572">Affected persons:</font><br/>'
                   + "<br/>".join(f"• {esc(g)}" for g in row.affected_groups))
    table = Table([[Paragraph(rec, st.cell), Paragraph(esc(human(row.position, "—")), st.cell),
                    Paragraph(themes, st.cell), Paragraph(assess, st.cell)]],
                  colWidths=thematic_widths(width))
    table.setStyle(TableStyle([*_PAD, ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                               ("BACKGROUND", (0, 0), (-1, -1), TINT if shade
                                else colors.white)]))
    return [Bookmark(row.reference, key, level=1), table]
