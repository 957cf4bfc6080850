"""A document's text as the readers see it: paragraphs in order, tables, the running header.

PDF text arrives as lines; `join_lines` makes paragraphs of them again: a paragraph
starts at a paragraph number ("12.", "121.3"), a sub-paragraph ("(a)") or a heading, and
words broken by a hyphen at a line end are mended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nmrf_desktop.importers.documents.text import clean

# "12. The Committee…", "121.3 Ratify…", "(a) Adopt…", "A. Introduction", "II. Conclusions…"
PARA = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
UPR_REC = re.compile(r"^(\d{1,3}\.\d{1,3})\.?\s+(\S.*)$")
SUB = re.compile(r"^\(([a-z])\)\s*(\S.*)$")
HEADING = re.compile(r"^(?:[A-Z]|[IVX]{1,5})\.\s+([A-Z][^.;:]{1,120})$")


@dataclass(slots=True)
class Extracted:
    """The text of one DOCX or PDF file, before any reader looks at what it says."""

    file: str
    format: str  # "docx" | "pdf"
    blocks: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    header: str = ""  # the running page header (a matrix names the review in it)
    head: str = ""  # the first page's lines as they stand, for title, symbol and date

    def text(self) -> str:
        return "\n".join(self.blocks)


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.:;]\s*(?:and|or)?$|[.:;][\"”’)]$", line)) or line.endswith(
        ("; and", "; or"))


def _is_heading_line(line: str, prev: str, nxt: str) -> bool:
    if HEADING.match(line):
        return True
    # An unnumbered subheading: short, no closing punctuation, standing between the end of
    # one paragraph and the start of the next.
    return (len(line) <= 90 and line[:1].isupper() and not re.search(r"[.;:,]$", line)
            and (not prev or _ends_sentence(prev)) and bool(PARA.match(nxt)))


class _Counter:
    """The paragraph, recommendation and sub-paragraph numbers seen so far, to tell the
    next one from a number that only happens to start a wrapped line."""

    def __init__(self) -> None:
        self.para = 0
        self.rec: tuple[int, int] = (0, 0)
        self.sub = ""

    def expected(self, line: str) -> bool:
        if m := PARA.match(line):
            return int(m.group(1)) == self.para + 1
        if m := UPR_REC.match(line):
            a, b = (int(x) for x in m.group(1).split("."))
            return (a, b) in ((self.rec[0], self.rec[1] + 1), (a, 1)) or (
                a == self.para and b == 1)
        return False  # "(a)" starts a sub-paragraph only after ':', ';' or '.': a
        # reference such as "paragraphs 12\n(a) and (b)" can wrap to put one first

    def see(self, line: str) -> None:
        if m := PARA.match(line):
            self.para, self.sub = int(m.group(1)), ""
        elif m := UPR_REC.match(line):
            a, b = (int(x) for x in m.group(1).split("."))
            self.rec = (a, b)
        elif m := SUB.match(line):
            self.sub = m.group(1)


def join_lines(lines: list[str]) -> list[str]:
    """Paragraphs from the lines of a PDF's pages (headers, footers and footnotes already
    gone): each starts at a paragraph number, a sub-paragraph letter or a heading. A
    number starts a paragraph after a line that ends a sentence, or when it is the next in
    sequence; then any short unpunctuated lines before it are a heading of their own."""
    lines = [c for c in (clean(x) for x in lines) if c]
    blocks: list[str] = []
    current: list[str] = []
    count = _Counter()

    def flush() -> None:
        if current:
            text = ""
            for x in current:
                text = _mend(text, x)
            blocks.append(text)
            current.clear()

    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _is_heading_line(line, prev, nxt):
            flush()
            blocks.append(line)
            continue
        numbered = bool(PARA.match(line) or UPR_REC.match(line) or SUB.match(line))
        if numbered and (_ends_sentence(prev) or not current):
            flush()
        elif numbered and count.expected(line):
            ends = [k for k, x in enumerate(current) if _ends_sentence(x)]
            tail = current[ends[-1] + 1:] if ends else []
            if 1 <= len(tail) <= 3 and all(len(x) <= 100 for x in tail):
                del current[len(current) - len(tail):]
                flush()
                blocks.append(" ".join(tail))
            flush()
        if numbered and not current:
            count.see(line)
        current.append(line)
    flush()
    return blocks


def _mend(text: str, line: str) -> str:
    """`text` continued by the next `line`: a word hyphenated at the line end is joined
    ("imple-" + "mentation"), a range broken after its dash is closed up ("122.62-" + "66")."""
    if re.search(r"[A-Za-zÀ-ž]-$", text) and line[:1].islower():
        return text[:-1] + line
    if re.search(r"\d[-–]$", text) and line[:1].isdigit():
        return text + line
    return f"{text} {line}" if text else line
