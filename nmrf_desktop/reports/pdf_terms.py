"""The thematic layouts' own flowables: the summary by theme and affected group, and the
one-line cross-reference to a recommendation's full entry under an earlier section."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from nmrf_desktop.reports.model import Entry, Summary, TermCount
from nmrf_desktop.reports.pdf_charts import MAX_BODIES, by_cycle, status_by_body
from nmrf_desktop.reports.pdf_doc import Bookmark
from nmrf_desktop.reports.pdf_entries import status_chip, thematic_widths
from nmrf_desktop.reports.pdf_styles import (
    CELL_FONT,
    GREY,
    NAVY,
    RULE,
    SANS_BOLD,
    TINT,
    Styles,
    esc,
    human,
)

HEADINGS = {"theme": "Theme", "group": "Affected group", "": "Neither recorded"}
EXCERPT = 110  # characters of a recommendation's text in a cross-reference
# Status names over narrow number columns: small, and never broken inside a word.
_HEAD = ParagraphStyle("term_head", fontName=SANS_BOLD, fontSize=6, leading=7.5,
                       textColor=colors.white, alignment=TA_RIGHT, splitLongWords=0)
_PAD = [CELL_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def term_summary(summary: Summary, st: Styles, width: float) -> list[Flowable]:
    """Counts by theme and by affected group (chart and tables), then by cycle."""
    themes = [t for t in summary.by_term if t.kind == "theme"]
    groups = [t for t in summary.by_term if t.kind == "group"]
    with_update = summary.total - sum(summary.counts.get("none", ()))
    have = "has" if with_update == 1 else "have"
    out: list[Flowable] = [
        Paragraph(f"{_plural(summary.total, 'recommendation', 'recommendations')} under "
                  f"{_plural(len(themes), 'theme', 'themes')} and "
                  f"{_plural(len(groups), 'affected group', 'affected groups')}; "
                  f"{with_update:,} {have} a progress update.", st.body),
        Paragraph("A recommendation is listed, and counted, under each of its themes and "
                  "affected groups that this report covers: in full under the first, with a "
                  "short reference to it under the others.", st.small)]
    if themes:
        out += [Spacer(1, 10), _chart(themes, summary.statuses, width)]
    for kind, rows in (("theme", themes), ("group", groups),
                       ("", [t for t in summary.by_term if not t.kind])):
        if rows:
            out += [Spacer(1, 10), _table(HEADINGS[kind], rows, summary.statuses, st, width)]
    return [*out, Spacer(1, 14), by_cycle(summary, width)]


def _chart(themes: list[TermCount], statuses: tuple[str, ...], width: float) -> Flowable:
    """The status of the largest themes, as the body layouts chart status by body."""
    top = sorted(themes, key=lambda t: (-t.total, t.label.casefold()))[:MAX_BODIES]
    labels = tuple(t.label if len(t.label) <= 34 else t.label[:33] + "…" for t in top)
    counts = {s: tuple(dict(t.counts).get(s, 0) for t in top) for s in statuses}
    title = "Current status by theme" + (
        f" (the {MAX_BODIES} largest)" if len(themes) > MAX_BODIES else "")
    return status_by_body(Summary(labels, statuses, counts, ()), width, title, 150)


def _table(heading: str, rows: list[TermCount], statuses: tuple[str, ...], st: Styles,
           width: float) -> Table:
    head = [heading, *(human(s) for s in statuses), "Total"]
    cells = [[Paragraph(esc(c), st.cell_bold if i == 0 else _HEAD) for i, c in enumerate(head)]]
    for term in rows:
        have = dict(term.counts)
        cells.append([Paragraph(esc(term.label), st.cell),
                      *(Paragraph(f"{have.get(s, 0):,}", st.number) for s in statuses),
                      Paragraph(f"{term.total:,}", st.number)])
    first = width * (0.22 if len(statuses) > 4 else 0.3)
    rest = (width - first) / (len(head) - 1)
    table = Table(cells, colWidths=[first] + [rest] * (len(head) - 1), repeatRows=1)
    table.setStyle(TableStyle([
        *_PAD, ("BACKGROUND", (0, 0), (-1, 0), NAVY), ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (1, 0), (-1, -1), 2), ("RIGHTPADDING", (1, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, TINT])]))
    return table


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def cross_reference(entry: Entry, st: Styles, width: float, key: str, target: tuple[str, str],
                    thematic_list: bool, shade: bool) -> list[Flowable]:
    """A recommendation already printed in full under an earlier section: its reference,
    status and the start of its text, with a link to the full entry (`target`: its
    bookmark key and section title)."""
    row = entry.row
    latest = entry.latest
    chip = status_chip(latest.status if latest else row.status)
    what = "Full row" if thematic_list else "Full entry"
    link = f'<a href="#{target[0]}" color="#1F3A5F">{what} under {esc(target[1])}</a>'
    if thematic_list:  # the link where the full row lists the themes
        cells = [[Paragraph(f"<b>{esc(row.reference)}</b> {esc(_excerpt(row.text, 70))}",
                            st.cell),
                  Paragraph(esc(human(row.position, "—")), st.cell),
                  Paragraph(link, st.small), Paragraph(chip, st.cell)]]
        table = Table(cells, colWidths=thematic_widths(width))
    else:
        cells = [[Paragraph(f"<b>{esc(row.reference)}</b> {esc(_excerpt(row.text))} "
                            f'<font color="#5A6572">— {link}</font>', st.cell),
                  Paragraph(chip, st.cell)]]
        table = Table(cells, colWidths=[width * 0.78, width * 0.22])
    table.setStyle(TableStyle([*_PAD, ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                               ("TEXTCOLOR", (0, 0), (-1, -1), GREY),
                               ("BACKGROUND", (0, 0), (-1, -1), TINT if shade
                                else colors.white)]))
    return [Bookmark(row.reference, key, level=1), table]
