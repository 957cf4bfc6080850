"""The body of a Word draft: headings, (numbered) paragraphs with their footnotes,
highlighted gaps and tables, each block of the draft model as Word writes it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from nmrf_desktop.reports.docx_notes import Footnotes
from nmrf_desktop.reports.docx_styles import (
    GAP,
    NUMBERED,
    TABLE_TEXT,
    mark_language,
    restart_list,
)
from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.docx_xml import paragraph_xml, table_xml
from nmrf_desktop.reports.draft_model import EN, Block, Gap, Heading, Paragraph, Run, Table

log = logging.getLogger(__name__)

TABLE_STYLE = "Table Grid"
HEADER_FILL = "D9E2F3"
RESTARTED = ("List Number", "List Number 2", "List Number 3")  # each list counts from 1
MIN_COLUMN = 1450  # twips: 2.6 cm, room for "Supported" or "Responsible" in table text


class BodyWriter:
    """Writes draft blocks into one document, numbering paragraphs and citing sources.

    Blocks go straight in before the body's section properties, styles by their ids, each
    parsed from text once (docx_xml): python-docx's add_paragraph looks for that element
    and its style names afresh each time, which made a 1,000-block draft take half a minute.
    """

    def __init__(self, doc: Document, num_id: int, notes: Footnotes, text_width: int) -> None:
        self.doc = doc
        self.num_id = num_id
        self.notes = notes
        self.text_width = text_width  # twips between the margins
        self._ids = {s.name: s.style_id for s in doc.styles}
        self._end = doc.element.body.find(qn("w:sectPr"))  # new blocks go before it
        self._new_page = False
        self._last_style = ""  # of the block written last, if a paragraph
        self._lists: dict[str, int] = {}  # numId of the current list of a numbered style

    def write(self, block: Block) -> None:
        self._write(block)
        self._last_style = block.style if isinstance(block, Paragraph) else ""

    def _write(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Gap):
            self.gap(block)
        elif isinstance(block, Table):
            self.table(block)
        else:  # the model's Block union is closed; a stranger is a caller's bug
            raise TypeError(f"not a draft block: {type(block).__name__}")

    def add_paragraph(self, style: str = "") -> DocxParagraph:
        """A new, empty paragraph at the end of the body in the style named `style`."""
        p = OxmlElement("w:p")
        self._place(p)
        if style:
            p.style = self._ids[style]
        return DocxParagraph(p, self.doc._body)

    def heading(self, block: Heading) -> None:
        style = self._ids[f"Heading {min(max(block.level, 1), 3)}"]
        self._add(paragraph_xml(style, (Run(block.text, block.lang),)))

    def paragraph(self, block: Paragraph) -> None:
        if block.numbered:
            style = self._ids[NUMBERED]
        elif block.style and block.style in self._ids:
            style = self._ids[block.style]
        else:
            if block.style:
                log.warning("draft: no style %r in the document; Normal used", block.style)
            style = ""
        num_id = self.num_id if block.numbered else 0
        if block.style in RESTARTED and not block.numbered:
            if block.style != self._last_style:  # a new list: counting starts again at 1
                self._lists[block.style] = restart_list(self.doc, block.style)
            num_id = self._lists[block.style]
        self._add(paragraph_xml(style, block.runs, num_id, tail=self.notes.cite(block.sources)))

    def gap(self, block: Gap) -> None:
        self._add(paragraph_xml(self._ids[GAP], (Run(block.text),), highlight="yellow"))

    def table(self, block: Table) -> None:
        columns = len(block.header)
        if not columns:
            log.warning("draft: a table without a header row was left out (%r)", block.caption)
            return
        if block.caption:
            self._add(paragraph_xml(self._ids["Caption"], (Run(block.caption),),
                                    keep_next=True))
        rows = []
        for values in block.rows:
            if len(values) != columns:
                log.warning("draft: a row of %d cells in a table of %d columns (%r)",
                            len(values), columns, block.caption)
            padded = (tuple(values) + ("",) * columns)[:columns]
            rows.append([v if isinstance(v, Run) else Run(str(v)) for v in padded])
        self._add(table_xml(self._ids[TABLE_STYLE], self._ids[TABLE_TEXT], block.header, rows,
                            self._widths(block.widths, columns), HEADER_FILL))
        self._add(paragraph_xml("", ()))  # Word joins two tables that touch; this parts them

    def _add(self, xml: str) -> None:
        self._place(parse_xml(xml))

    def new_page(self) -> None:
        """Start the next block on a new page (a paragraph's own page break before, not an
        empty paragraph holding a break, which leaves a blank line atop the page)."""
        self._new_page = True

    def _place(self, element: BaseOxmlElement) -> None:
        if self._new_page:
            self._new_page = False
            if isinstance(element, CT_P):
                element.get_or_add_pPr().pageBreakBefore_val = True
            else:  # a table cannot break before itself: an empty paragraph does
                self._new_page = True
                self._place(OxmlElement("w:p"))
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self.doc.element.body.append(element)

    def _widths(self, relative: Iterable[float], columns: int) -> list[int]:
        return column_widths(relative, columns, self.text_width)


def column_widths(relative: Iterable[float], columns: int, total: int) -> list[int]:
    """`total` twips shared between `columns` in proportion to `relative` (equally when it
    does not fit), none narrower than MIN_COLUMN (or an equal share, if less): a column
    of 'Supported' a centimetre wide broke the word in two."""
    weights = [w if w > 0 else 0.0 for w in relative][:columns]
    if len(weights) != columns or not sum(weights):
        weights = [1.0] * columns
    floor = min(MIN_COLUMN, total // columns)
    fixed: set[int] = set()
    while True:  # narrow columns get the floor; the others share what is left
        free = total - floor * len(fixed)
        share = sum(w for i, w in enumerate(weights) if i not in fixed)
        widths = [floor if i in fixed else int(free * w / share) for i, w in enumerate(weights)]
        narrow = {i for i, w in enumerate(widths) if w < floor and i not in fixed}
        if not narrow:
            return widths
        fixed |= narrow


def add_runs(para: DocxParagraph, runs: Iterable[Run]) -> list[DocxRun]:
    """Append `runs` to `para`: bold, italic, and any language but the document's marked."""
    written: list[DocxRun] = []
    for run in runs:
        text = clean(run.text)
        if not text:
            continue
        docx_run = para.add_run(text)
        if run.bold:
            docx_run.bold = True
        if run.italic:
            docx_run.italic = True
        if run.lang and run.lang != EN:
            mark_language(docx_run._r, run.lang)
        written.append(docx_run)
    return written
