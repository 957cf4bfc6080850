"""The body of a Word draft: headings, (numbered) paragraphs with their footnotes,
highlighted gaps and tables, each block of the draft model as Word writes it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.text.run import CT_R
from docx.shared import Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from nmrf_desktop.reports.docx_notes import Footnotes
from nmrf_desktop.reports.docx_styles import GAP, NUMBERED, TABLE_TEXT
from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import EN, Block, Gap, Heading, Paragraph, Run, Table

log = logging.getLogger(__name__)

TABLE_STYLE = "Table Grid"
HEADER_FILL = "D9E2F3"


class BodyWriter:
    """Writes draft blocks into one document, numbering paragraphs and citing sources."""

    def __init__(self, doc: Document, num_id: int, notes: Footnotes, text_width: int) -> None:
        self.doc = doc
        self.num_id = num_id
        self.notes = notes
        self.text_width = text_width  # twips between the margins
        self._styles = {s.name for s in doc.styles}

    def write(self, block: Block) -> None:
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

    def heading(self, block: Heading) -> None:
        level = min(max(block.level, 1), 3)
        para = self.doc.add_paragraph(style=f"Heading {level}")
        add_runs(para, (Run(block.text, block.lang),))

    def paragraph(self, block: Paragraph) -> None:
        if block.numbered:
            para = self.doc.add_paragraph(style=NUMBERED)
            num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = self.num_id
        elif block.style and block.style in self._styles:
            para = self.doc.add_paragraph(style=block.style)
        else:
            if block.style:
                log.warning("draft: no style %r in the document; Normal used", block.style)
            para = self.doc.add_paragraph()
        add_runs(para, block.runs)
        self.notes.cite(para, block.sources)

    def gap(self, block: Gap) -> None:
        para = self.doc.add_paragraph(style=GAP)
        for run in add_runs(para, (Run(block.text),)):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def table(self, block: Table) -> None:
        columns = len(block.header)
        if not columns:
            log.warning("draft: a table without a header row was left out (%r)", block.caption)
            return
        if block.caption:
            self.doc.add_paragraph(clean(block.caption), style="Caption")
        table = self.doc.add_table(rows=1, cols=columns)
        table.style = TABLE_STYLE
        table.autofit = False
        widths = self._widths(block.widths, columns)
        header = table.rows[0]
        mark_header(header._tr)
        for cell, text, width in zip(header.cells, block.header, widths, strict=True):
            fill_cell(cell, (Run(text, bold=True),), width)
            shade(cell, HEADER_FILL)
        for values in block.rows:
            if len(values) != columns:
                log.warning("draft: a row of %d cells in a table of %d columns (%r)",
                            len(values), columns, block.caption)
            cells = table.add_row().cells
            padded = (tuple(values) + ("",) * columns)[:columns]
            for cell, value, width in zip(cells, padded, widths, strict=True):
                fill_cell(cell, (value if isinstance(value, Run) else Run(str(value)),), width)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Twips(width)
        self.doc.add_paragraph()  # Word joins two tables that touch; a paragraph keeps them apart

    def _widths(self, relative: Iterable[float], columns: int) -> list[int]:
        weights = [w if w > 0 else 0 for w in relative][:columns]
        if len(weights) != columns or not sum(weights):
            weights = [1.0] * columns
        total = sum(weights)
        return [int(self.text_width * w / total) for w in weights]


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


def mark_language(r: CT_R, lang: str) -> None:
    """w:lang w:val on a run (its East Asian and complex-script languages left alone)."""
    rpr = r.get_or_add_rPr()
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        rpr.append(found)  # nothing written to rPr here comes after w:lang
    found.set(qn("w:val"), lang)


def mark_header(tr: CT_Row) -> None:
    """The row repeats at the top of each page the table runs onto."""
    tr_pr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def fill_cell(cell: _Cell, runs: tuple[Run, ...], width: int) -> None:
    cell.width = Twips(width)
    para = cell.paragraphs[0]
    para.style = TABLE_TEXT
    add_runs(para, runs)


def shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)

