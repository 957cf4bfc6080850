"""Text of a PDF (pypdf): page headers, footers and footnotes taken off, paragraphs mended."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from nmrf_desktop.importers.documents.blocks import Extracted, join_lines
from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.importers.documents.text import clean

log = logging.getLogger(__name__)
# pypdf warns of every quirk it reads past in a PDF's structure ("Ignoring wrong pointing
# object …"): nothing a person can act on, and dozens of lines on `nmrf`'s error output.
# What cannot be read at all still raises, and is said as such.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_EDGE = 3  # lines at the top and bottom of a page where running headers and footers sit
_MIN_TEXT = 40  # characters a page of text has at least; fewer on every page: a scan
# Lines that are the UN's print furniture wherever they stand: the job number, the
# barcode, "Please recycle".
_FURNITURE = re.compile(r"^(?:GE\.\d{2}-\d{3,6}\s*(?:\(E\))?.*|\*\d{6,}\*|Please recycle.*)$")
_FOOTNOTE = re.compile(r"^(\d{1,2}|\*{1,3})\s+\S")
_NO_MARKER_BEFORE = ("Add.", "No.", "para.", "paras.", "art.", "arts.", "Rev.", "Corr.",
                     "Nos.", "p.", "pp.")


def read_pdf(data: bytes, name: str) -> Extracted:
    """The text of a PDF, or NotADocument naming the file (damaged, encrypted, a scan)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotADocument(f"{name} is an encrypted PDF: open it and save a copy "
                               "without a password, then read that copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except NotADocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("%s: pypdf could not read it: %s", name, exc)
        raise NotADocument(f"{name} is not a readable PDF ({exc})") from None
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise NotADocument(f"{name} is an encrypted PDF: open it and save a copy "
                               "without a password, then read that copy") from None
        log.info("%s: pypdf failed: %r", name, exc)
        raise NotADocument(f"{name} is not a readable PDF ({exc})") from None
    if not pages or sum(len(p.strip()) for p in pages) < _MIN_TEXT * max(1, len(pages)) / 4:
        raise NotADocument(f"{name} has no text layer (a scanned PDF?): it holds page "
                           "images only, which cannot be read; ask for the Word or text "
                           "version of the document")
    page_lines = [[clean(x) for x in p.splitlines()] for p in pages]
    page_lines = [[x for x in lines if x] for lines in page_lines]
    header = _running(page_lines)
    body: list[str] = []
    for lines in page_lines:
        lines = [x for x in _strip_edges(lines, header) if not _FURNITURE.match(x)]
        body.extend(_strip_footnotes(lines))
    return Extracted(file=name, format="pdf", blocks=join_lines(body),
                     header=next(iter(header), ""),
                     head="\n".join(page_lines[0]))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _running(pages: list[list[str]]) -> set[str]:
    """Shapes of the lines (digits made '#') that stand at the top or bottom of at least
    two pages and 40% of them: the symbol, the page number, the job number."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_shape(x) for x in lines[:_EDGE] + lines[-_EDGE:]})
    need = max(2, int(0.4 * len(pages)))
    return {shape for shape, n in seen.items() if n >= need}


def _strip_edges(lines: list[str], running: set[str]) -> list[str]:
    """The page without its running lines among its first and last few (footnotes or the
    extractor's order can put a header or footer a little way in from the edge)."""
    window = _EDGE + 3
    return [x for k, x in enumerate(lines)
            if not ((k < window or k >= len(lines) - window) and _shape(x) in running)]


def _referenced(marker: str, body: str) -> bool:
    """True when `marker` stands glued after a word in `body`, as a footnote mark does."""
    for m in re.finditer(re.escape(marker), body):
        before = body[:m.start()]
        after = body[m.end():m.end() + 1]
        if (before and before[-1] in " /-") or (after and after.isdigit()):
            continue
        if before and before[-1].isdigit() and marker != "*":
            continue
        if before.endswith(_NO_MARKER_BEFORE) or re.search(r"\d\.$", before):
            continue
        if before and (before[-1].isalpha() or before[-1] in ".,;:)”’\"*"):
            return True
    return False


def _strip_footnotes(lines: list[str]) -> list[str]:
    """The page's lines without the footnotes at its foot, and without the footnote marks
    in its text ("recommendations.1" -> "recommendations.")."""
    window = max(0, len(lines) - 12)
    cut = None
    for i in range(len(lines) - 1, window - 1, -1):
        m = _FOOTNOTE.match(lines[i])
        if m and i > len(lines) * 0.4 and _referenced(m.group(1), " ".join(lines[:i])):
            cut = i
    if cut is None:
        return lines
    markers = {m.group(1) for x in lines[cut:] if (m := _FOOTNOTE.match(x))}
    body = lines[:cut]
    return [_unmark(x, markers) for x in body]


def _unmark(line: str, markers: set[str]) -> str:
    for marker in sorted(markers, key=len, reverse=True):
        out, pos = [], 0
        for m in re.finditer(re.escape(marker), line):
            before, after = line[:m.start()], line[m.end():m.end() + 1]
            glued = (before and (before[-1].isalpha() or before[-1] in ".,;:)”’\"")
                     and not (after and after.isdigit())
                     and not before.endswith(_NO_MARKER_BEFORE)
                     and not re.search(r"\d\.$", before))
            if glued:
                out.append(line[pos:m.start()])
                pos = m.end()
        out.append(line[pos:])
        line = "".join(out)
    return line
