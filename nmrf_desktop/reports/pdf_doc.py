"""The PDF document: page templates, running header, "Page X of Y", outline, chunked build.

The story is built and laid out in chunks (a few dozen recommendations at a time), so a
report over 41,000 recommendations never holds all its flowables at once; the total page
count is a form XObject drawn on every page and defined once the last page is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import XMP
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from nmrf_desktop.files import REPORT_MODE, atomic_path
from nmrf_desktop.reports.model import ReportMeta
from nmrf_desktop.reports.pdf_meta import LANGUAGE, xmp_packet
from nmrf_desktop.reports.pdf_styles import (
    GREY,
    MONO,
    NAVY,
    RULE,
    SANS,
    SANS_BOLD,
    long_date,
    register_fonts,
)

_TOTAL_FORM = "nmrfPageTotal"
MARGIN = 18 * mm


class Bookmark(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """Zero-size flowable: marks its page and adds an outline entry at `level`."""

    _ZEROSIZE = 1

    def __init__(self, title: str, key: str, level: int = 0) -> None:
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        canv.bookmarkPage(self.key)
        canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)


class ReportDoc(BaseDocTemplate):  # type: ignore[misc]  # reportlab: no type information
    """A4 (or landscape A4) with a plain cover page and running header/footer after it."""

    def __init__(self, filename: str, meta: ReportMeta) -> None:
        register_fonts()
        size = landscape(A4) if meta.landscape else A4
        super().__init__(filename, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 6 * mm, bottomMargin=MARGIN,
                         title=meta.title, author=meta.author, subject=meta.subject,
                         creator="NMRF Desktop", keywords=meta.fingerprint,
                         allowSplitting=1, invariant=0,
                         # Accessibility metadata: the document's language, its title shown
                         # in the viewer's title bar, and an embedded font from the start
                         # (reportlab's default initial font is a non-embedded Helvetica).
                         lang=LANGUAGE, displayDocTitle=1, initialFontName=SANS)
        self.meta = meta
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=self._cover_page),
            PageTemplate("body", [frame], onPage=self._body_page),
        ])
        self._last_page = 0

    # -- page decoration ---------------------------------------------------------------
    def _footer(self, canv: Canvas) -> None:
        w, _h = self.pagesize
        y = self.bottomMargin - 9 * mm
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(self.leftMargin, y + 4 * mm, w - self.rightMargin, y + 4 * mm)
        canv.setFillColor(GREY)
        canv.setFont(MONO, 6.5)
        canv.drawString(self.leftMargin, y, f"Record {self.meta.fingerprint[:16]}")
        label = f"Page {canv.getPageNumber()} of "
        canv.setFont(SANS, 8)
        x = w - self.rightMargin - 14 * mm
        canv.drawString(x, y, label)
        canv.saveState()
        canv.translate(x + canv.stringWidth(label, SANS, 8), y)
        canv.doForm(_TOTAL_FORM)
        canv.restoreState()
        self._last_page = canv.getPageNumber()

    def _cover_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = self.pagesize
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, h - 14 * mm, w, 14 * mm, stroke=0, fill=1)
        canv.setFillColor(RULE)
        canv.rect(0, h - 16 * mm, w, 2 * mm, stroke=0, fill=1)
        self._footer(canv)
        canv.restoreState()

    def _body_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = self.pagesize
        canv.saveState()
        y = h - MARGIN + 1 * mm
        canv.setFillColor(NAVY)
        canv.setFont(SANS_BOLD, 8)
        canv.drawString(self.leftMargin, y, self.meta.title)
        canv.setFont(SANS, 8)
        canv.setFillColor(GREY)
        right = f"{self.meta.subtitle} · {long_date(self.meta.generated)}"
        canv.drawRightString(w - self.rightMargin, y, right)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(self.leftMargin, y - 2.5 * mm, w - self.rightMargin, y - 2.5 * mm)
        self._footer(canv)
        canv.restoreState()

    # -- building ----------------------------------------------------------------------
    def build_chunks(self, chunks: Iterable[list[Flowable]]) -> None:
        """Lay out each chunk of flowables in turn (BaseDocTemplate.build, chunk by chunk)."""
        self._startBuild()
        canv = self.canv
        canv.setCatalogEntry("Metadata", XMP(creator=lambda _doc: xmp_packet(self.meta).encode()))
        saved_info = canv._doc.info
        canv._doctemplate = self
        try:
            for chunk in chunks:
                flowables = list(chunk)
                while flowables:
                    self.clean_hanging()
                    self.handle_flowable(flowables)
        finally:
            del canv._doctemplate
        canv._doc.info = saved_info
        self._doSave = 0
        self._endBuild()  # ends the last page
        canv.beginForm(_TOTAL_FORM)  # the page count is known now: define the total
        canv.setFont(SANS, 8)
        canv.setFillColor(GREY)
        canv.drawString(0, 0, str(self._last_page))
        canv.endForm()
        canv.save()


class Ticker(Protocol):
    """What a report's story reports its progress to (one step per section)."""

    def advance(self, amount: int = 1) -> None: ...


def write_story(out: Path, meta: ReportMeta,
                story: Callable[[float], Iterable[list[Flowable]]]) -> None:
    """Lay out `story(frame width)` chunk by chunk into a report at `out`, atomically."""

    def build(tmp: str) -> None:
        doc = ReportDoc(tmp, meta)
        doc.build_chunks(story(doc.width))

    write_atomically(out, build)


def write_atomically(out: Path, build: Callable[[str], None]) -> None:
    """Call build(temp_path) and move the result to `out` (mode REPORT_MODE, like every
    report file); on any failure nothing is left."""
    with atomic_path(out, REPORT_MODE) as tmp:
        build(str(tmp))
