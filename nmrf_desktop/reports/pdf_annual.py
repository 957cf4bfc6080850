"""The annual report's own pages: what changed in the period, by agency."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from nmrf_desktop.reports.model import AnnualSummary
from nmrf_desktop.reports.pdf_doc import Bookmark
from nmrf_desktop.reports.pdf_styles import CELL_FONT, NAVY, RULE, TINT, Styles, esc, long_date

_STYLE = [CELL_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
          ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
          ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), NAVY),
          ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
          ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, TINT])]


def _table(rows: list[list[str]], widths: list[float], st: Styles, numeric_from: int = 99
           ) -> Table:
    data = [[Paragraph(esc(c), st.head_right if i >= numeric_from else st.cell_bold)
             for i, c in enumerate(rows[0])]]
    data += [[Paragraph(esc(c), st.number if i >= numeric_from else st.cell)
              for i, c in enumerate(r)] for r in rows[1:]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(_STYLE))
    return table


def annual_flowables(annual: AnnualSummary, st: Styles, width: float) -> list[Flowable]:
    """Totals by agency, new recommendations by body, then each agency's changes in order."""
    period = f"{long_date(annual.start)} to {long_date(annual.end)}"
    out: list[Flowable] = [
        Bookmark("What changed in the period", "annual", 0),
        Paragraph("What changed in the period", st.h1),
        Paragraph(f"From {esc(period)}: new recommendations received, actions started and "
                  "completed, and changes of implementation status recorded in progress "
                  "updates, by agency.", st.body), Spacer(1, 8),
        Paragraph("By agency", st.h2)]
    agencies = sorted(annual.by_agency)
    rows = [["Agency", *annual.COLUMNS]]
    rows += [[a, *(str(annual.by_agency[a].get(c, 0)) for c in annual.COLUMNS)]
             for a in agencies]
    if not agencies:
        rows.append(["No agency recorded a change in the period.", "", "", ""])
    rows.append(["All agencies", *(str(sum(annual.by_agency[a].get(c, 0) for a in agencies))
                                   for c in annual.COLUMNS)])
    out.append(_table(rows, [width * 0.4, width * 0.2, width * 0.2, width * 0.2], st, 1))
    out += [Spacer(1, 8), Paragraph("New recommendations received", st.h2)]
    new = [["Body", "Recommendations"]] + [[b, str(n)] for b, n in
                                           sorted(annual.new_recommendations.items())]
    if len(new) == 1:
        new.append(["None in the period", "0"])
    out.append(_table(new, [width * 0.4, width * 0.2], st, 1))
    for agency in sorted(annual.changes):
        lines = annual.changes[agency]
        key = f"annual-{agency}"
        out += [Bookmark(f"Changes: {agency}", key, 1),
                Paragraph(f"{esc(agency)}: changes in the period", st.h2)]
        rows = [["Date", "Recommendation", "What", "Detail"]]
        rows += [[c.when.isoformat(), c.reference, c.what, c.detail] for c in lines]
        out.append(_table(rows, [width * 0.12, width * 0.2, width * 0.28, width * 0.4], st))
    return out
