"""Word fields in a draft: the table of contents and the page number, written as complex
fields Word and LibreOffice fill in (the settings ask them to update fields on opening)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from nmrf_desktop.reports.docx_styles import mark_language
from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import EN

TOC = 'TOC \\o "1-3" \\h \\z \\u'
TOC_PLACEHOLDER = "The contents are filled in when the document is opened (or: right-click, " \
                  "Update Field)."
TOC_STYLES = ("toc 1", "toc 2", "toc 3")


def add_field(paragraph: DocxParagraph, instruction: str, shown: str = "",
              dirty: bool = False) -> None:
    """Append a complex field (begin, instruction, separate, result, end) to `paragraph`;
    a `dirty` one is recalculated when the document opens."""
    begin_field(paragraph, instruction, dirty)
    paragraph.add_run(shown)
    end_field(paragraph)


def begin_field(paragraph: DocxParagraph, instruction: str, dirty: bool = False) -> None:
    """The field's start, instruction and separator; its result follows (maybe over several
    paragraphs) up to end_field."""
    _char(paragraph, "begin", dirty)
    instr = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr.append(text)
    paragraph._p.append(instr)
    _char(paragraph, "separate")


def end_field(paragraph: DocxParagraph) -> None:
    _char(paragraph, "end")


def _char(paragraph: DocxParagraph, kind: str, dirty: bool = False) -> None:
    run = OxmlElement("w:r")
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    if dirty:
        fld.set(qn("w:dirty"), "true")  # stale until the application updates it
    run.append(fld)
    paragraph._p.append(run)


def add_contents(new_paragraph: Callable[[str], DocxParagraph],
                 entries: Sequence[tuple[int, str, str]], heading: str = "Contents") -> None:
    """The contents heading and a TOC field of headings 1 to 3, its result filled in with
    `entries` (level, text, language) so the contents read right before any update (which
    adds the page numbers); `new_paragraph(style name)` adds a paragraph to the body."""
    new_paragraph("TOC Heading").add_run(heading)
    if not entries:
        add_field(new_paragraph(""), TOC, TOC_PLACEHOLDER, dirty=True)
        return
    last = len(entries) - 1
    for index, (level, text, lang) in enumerate(entries):
        paragraph = new_paragraph(TOC_STYLES[min(max(level, 1), 3) - 1])
        if index == 0:
            begin_field(paragraph, TOC, dirty=True)
        run = paragraph.add_run(text)
        if lang != EN:
            mark_language(run._r, lang)
        if index == last:
            end_field(paragraph)


def add_header_footer(doc: Document, header: str) -> None:
    """`header` (the draft's name and date) at the top right of every page, a centred page
    number (PAGE field) at the foot."""
    for section in doc.sections:
        top = section.header
        paragraph = top.paragraphs[0] if top.paragraphs else top.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(clean(header))
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        footer = section.footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_field(paragraph, "PAGE", "1")
        for run in paragraph.runs:
            run.font.size = Pt(9)


def ask_update_fields(doc: Document) -> None:
    """w:updateFields in the settings: the contents (and page numbers) are refreshed when
    Word or LibreOffice opens the draft."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    _insert_before(settings, update, ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
                                      "w:compat", "w:docVars", "w:rsids"))


def _insert_before(parent: BaseOxmlElement, child: BaseOxmlElement,
                   successors: tuple[str, ...]) -> None:
    """Insert `child` before the first of `successors` present (the schema's order), else last."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)
