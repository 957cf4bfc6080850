"""Writes a drafted report (reports.draft_model.Draft) as an editable Word document: title
page and summary, contents, numbered paragraphs with footnoted sources, highlighted gaps,
tables; en-NZ with te reo Māori runs marked mi-NZ; the same draft always gives the same file.

Text is made safe here (control characters dropped, docx_text.clean), so a caller may pass
the record's text as it is.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.text.paragraph import Paragraph as DocxParagraph

from nmrf_desktop.files import REPORT_MODE, atomic_write
from nmrf_desktop.reports.docx_blocks import BodyWriter, add_runs
from nmrf_desktop.reports.docx_fields import add_contents, add_header_footer, ask_update_fields
from nmrf_desktop.reports.docx_notes import Footnotes
from nmrf_desktop.reports.docx_package import (
    TEXT_WIDTH,
    clean_settings,
    drop_template_leftovers,
    set_pages,
    stable_bytes,
)
from nmrf_desktop.reports.docx_props import KIND_NAMES, set_app, set_core, set_custom
from nmrf_desktop.reports.docx_styles import (
    GAP,
    SUMMARY_HEADING,
    add_paragraph_numbering,
    add_styles,
    set_language,
)
from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import Draft, Heading, Run
from nmrf_desktop.reports.pdf_styles import long_date

log = logging.getLogger(__name__)

ADVANCE_EVERY = 50  # blocks between calls of `advance`


def write_docx(draft: Draft, out: Path, advance: Callable[[], None] | None = None) -> None:
    """Write `draft` to `out` (replaced whole, never half-written).

    `advance()` is called every ADVANCE_EVERY blocks; whatever it raises (a cancel) leaves
    no file behind and an earlier `out` untouched. A bad `out` raises OSError naming it.
    """
    out = Path(out)
    check_target(out)
    try:
        with atomic_write(out, REPORT_MODE) as fh:  # first, so a bad target fails at once
            fh.write(stable_bytes(build(draft, advance), draft.meta.draft_date))
    except OSError as exc:
        if exc.filename and Path(exc.filename).parent != out.parent:
            raise  # a file the writer reads (python-docx's template parts), not the target
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(out)) from exc
    log.info("wrote a %s draft (%d blocks, %d gaps) to %s", draft.meta.kind.value,
             len(draft.blocks), len(draft.gaps), out)


def check_target(out: Path) -> None:
    """Refuse, before any work, a path that names a folder or lies in a missing or
    read-only folder."""
    folder = out.parent
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder; name the file to write",
                                str(out))
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", str(out))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"the folder {folder} is not writable", str(out))


def build(draft: Draft, advance: Callable[[], None] | None = None) -> Document:
    """The Word document for `draft`, in memory."""
    doc = docx.Document()
    set_pages(doc)
    set_language(doc)
    add_styles(doc)
    num_id = add_paragraph_numbering(doc)
    notes = Footnotes(doc)
    body = BodyWriter(doc, num_id, notes, TEXT_WIDTH)
    title_page(body, draft)
    for done, block in enumerate(draft.blocks, start=1):
        body.write(block)
        if advance is not None and done % ADVANCE_EVERY == 0:
            advance()
    notes.attach()
    add_header_footer(doc, f"Draft: {KIND_NAMES.get(draft.meta.kind, draft.meta.kind.value)}, "
                           f"{long_date(draft.meta.draft_date)}")
    ask_update_fields(doc)
    clean_settings(doc, footnotes=notes.count > 0)
    drop_template_leftovers(doc)
    set_core(doc, draft.meta)
    set_custom(doc, draft.meta)
    set_app(doc)
    return doc


def gap_count(draft: Draft) -> str:
    """The gaps in words: '3 in this draft', or, when a recommendation has one under each
    of several headings, '412 paragraphs for 216 recommendations'."""
    gaps = len(draft.gaps)
    references = len({g.reference for g in draft.gaps})
    if references == gaps:
        return f"{gaps} in this draft"
    return (f"{gaps} paragraphs for {references} recommendation"
            f"{'' if references == 1 else 's'} (one under each heading it comes under)")


def title_page(body: BodyWriter, draft: Draft) -> None:
    """Title, subject, the draft's date and scope; the summary with its count of gaps; the
    contents; then the body starts on a new page."""
    meta = draft.meta
    add = body.add_paragraph

    def line(text: str, style: str = "") -> DocxParagraph:
        paragraph = add(style)
        add_runs(paragraph, (Run(text),))
        return paragraph

    line(meta.title, "Title")
    if meta.subject:
        line(meta.subject, "Subtitle")
    line(f"{KIND_NAMES.get(meta.kind, meta.kind.value)}: draft of {long_date(meta.draft_date)}")
    if meta.public:
        line("Prepared for consultation: it holds only what may be published.")
    for scope in meta.scope:
        line(scope, "List Bullet")
    line("About this draft", SUMMARY_HEADING)
    for summary in draft.summary:
        line(summary, "List Bullet")
    gaps = len(draft.gaps)
    if gaps:
        legend = add()
        marker = add_runs(legend, (Run("Highlighted paragraphs", italic=True),))
        marker[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
        add_runs(legend, (Run(f" (style “{GAP}”) mark gaps, where the record holds no "
                              f"progress to draft from: {gap_count(draft)}. Complete or "
                              "remove each before the draft goes further."),))
    else:
        line("No gaps: the record holds progress for everything in scope.")
    body.new_page()
    add_contents(add, [(b.level, clean(b.text), b.lang) for b in draft.blocks
                       if isinstance(b, Heading) and clean(b.text)])
    body.new_page()
