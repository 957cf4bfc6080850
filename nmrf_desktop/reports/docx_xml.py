"""WordprocessingML for a draft's body written as text and parsed once per paragraph or
table: python-docx's element-by-element API cost ~5 ms a block, too slow for a long report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from docx.oxml.ns import nsdecls

from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import EN, Run

W = nsdecls("w")


def run_xml(run: Run, highlight: str = "") -> str:
    """One w:r: bold, italic, a highlight colour and any language but the document's, in the
    schema's order; newlines become line breaks and tabs tabs."""
    text = clean(run.text)
    if not text:
        return ""
    props = ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
    if highlight:
        props += f"<w:highlight w:val={quoteattr(highlight)}/>"
    if run.lang and run.lang != EN:
        props += f"<w:lang w:val={quoteattr(run.lang)}/>"
    parts = []
    for number, line in enumerate(text.split("\n")):
        if number:
            parts.append("<w:br/>")
        for index, piece in enumerate(line.split("\t")):
            if index:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(parts)}</w:r>"


def paragraph_xml(style_id: str, runs: Iterable[Run], num_id: int = 0, highlight: str = "",
                  tail: str = "", keep_next: bool = False) -> str:
    """A w:p in the style `style_id` (Normal when empty), numbered in list `num_id` when
    given, its runs followed by `tail` (a footnote reference); `keep_next` keeps it on the
    page of what follows (a caption with its table)."""
    props = f"<w:pStyle w:val={quoteattr(style_id)}/>" if style_id else ""
    props += "<w:keepNext/>" if keep_next else ""
    if num_id:
        props += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
    body = "".join(run_xml(r, highlight) for r in runs)
    return f"<w:p {W}>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}{tail}</w:p>"


def table_xml(style_id: str, text_style_id: str, header: Sequence[str],
              rows: Iterable[Sequence[Run]], widths: Sequence[int], header_fill: str) -> str:
    """A w:tbl of fixed column `widths` (twips): the header row bold, shaded and repeated on
    every page; no row split across pages; each cell one paragraph in `text_style_id`."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def cell(runs: Sequence[Run], width: int, fill: str = "") -> str:
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val={quoteattr(text_style_id)}/></w:pPr>'
                f'{"".join(run_xml(r) for r in runs)}</w:p></w:tc>')

    head = "".join(cell((Run(text, bold=True),), w, header_fill)
                   for text, w in zip(header, widths, strict=True))
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(cell((value,), w) for value, w in zip(row, widths, strict=True)) + "</w:tr>"
        for row in rows)
    return (f"<w:tbl {W}><w:tblPr><w:tblStyle w:val={quoteattr(style_id)}/>"
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="72" w:type="dxa"/><w:right w:w="72" w:type="dxa"/>'
            '</w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>'
            f"{body}</w:tbl>")
