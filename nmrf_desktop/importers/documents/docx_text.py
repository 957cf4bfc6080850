"""Text of a Word file (python-docx): paragraphs and tables in document order, with the
numbers Word's automatic numbering shows, and the running header."""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import docx
from docx.oxml.ns import qn

from nmrf_desktop.importers.documents.blocks import Extracted
from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.importers.documents.text import clean

log = logging.getLogger(__name__)

_W_P, _W_TBL, _W_SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def read_docx(data: bytes, name: str) -> Extracted:
    """The text of a .docx, or NotADocument naming the file when it is something else."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise NotADocument(f"{name} is a damaged zip archive, not a Word document") from None
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            what = "an Excel workbook"
        elif "ppt/presentation.xml" in names:
            what = "a PowerPoint presentation"
        elif any(n.startswith("content.xml") for n in names):
            what = "an OpenDocument file"
        else:
            what = "a zip archive"
        raise NotADocument(f"{name} is {what}, not a Word document (it has no "
                           "word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        log.info("%s: python-docx could not open it: %r", name, exc)
        raise NotADocument(f"{name} is a damaged Word document ({exc})") from None
    out = Extracted(file=name, format="docx")
    numbering = _Numbering(document)
    _walk(document.element.body, out, numbering)
    out.header = " ".join(
        clean(p.text) for s in document.sections[:1] for p in s.header.paragraphs
        if clean(p.text))
    out.head = "\n".join(out.blocks[:40])
    return out


def _walk(parent: Any, out: Extracted, numbering: _Numbering) -> None:
    for child in parent.iterchildren():
        if child.tag == _W_P:
            text = clean(numbering.label(child) + _para_text(child))
            if text:
                out.blocks.append(text)
        elif child.tag == _W_TBL:
            rows = _table(child, numbering)
            out.tables.append(rows)
            for row in rows:  # a table's cells also read as paragraphs, row by row
                out.blocks.extend(c for c in (clean(x) for x in row) if c)
        elif child.tag == _W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, out, numbering)


def _para_text(p: Any) -> str:
    """A paragraph's visible text: runs, tabs and breaks (footnote marks are not text)."""
    parts: list[str] = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen"),
                     qn("w:delText")):
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag == qn("w:tab"):
            parts.append("\t")
        elif el.tag == qn("w:noBreakHyphen"):
            parts.append("-")
        elif el.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts)


def _table(tbl: Any, numbering: _Numbering) -> list[list[str]]:
    """Rows of cell texts; a cell spanning columns (gridSpan) repeats in each, as merged
    theme rows do in python-docx."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            lines = []
            for p in tc.iter(_W_P):
                lines.append(numbering.label(p) + _para_text(p))
            text = "\n".join(lines).strip()
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            row.extend([text] * (int(span.get(qn("w:val"))) if span is not None else 1))
        rows.append(row)
    return rows


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for value, letters in _ROMAN:
            while n >= value:
                out, n = out + letters, n - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """The labels Word's automatic numbering puts before paragraphs ("1.", "(a)")."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._styles: dict[str, Any] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, Any] = {
            a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            a = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if a is None:
                continue
            for lvl in a.iterchildren(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                self._levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"))))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1)
        for style in document.styles:
            self._styles[style.style_id] = style

    def _num_pr(self, p: Any) -> tuple[str, int] | None:
        ppr = p.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None and ppr is not None:
            style_ref = ppr.find(qn("w:pStyle"))
            style = self._styles.get(style_ref.get(qn("w:val"))) if style_ref is not None \
                else None
            style_ppr = style.element.find(qn("w:pPr")) if style is not None else None
            num_pr = style_ppr.find(qn("w:numPr")) if style_ppr is not None else None
        if num_pr is None:
            return None
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) == "0":
            return None
        return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0

    def label(self, p: Any) -> str:
        if not self._levels:
            return ""
        pr = self._num_pr(p)
        if pr is None or pr not in self._levels:
            return ""
        num_id, level = pr
        counters = self._counters.setdefault(num_id, {})
        fmt, text, start = self._levels[pr]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        for k in range(9):
            key = (num_id, k)
            value = counters.get(k, self._levels[key][2] if key in self._levels else 1)
            fmt_k = self._levels[key][0] if key in self._levels else "decimal"
            text = text.replace(f"%{k + 1}", _format(value, fmt_k))
        return f"{text}\t" if text and fmt not in ("bullet", "none") else ""
