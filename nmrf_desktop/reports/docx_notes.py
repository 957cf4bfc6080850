"""Footnotes for a Word draft (python-docx has no API for them): the footnotes part with its
separator notes, one note per drafted paragraph naming its sources, and the reference mark."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import Source

_HEX64 = re.compile(r"[0-9a-f]{64}")
_URL = re.compile(r"https?://", re.IGNORECASE)
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote>')


def describe(source: Source) -> tuple[str, str]:
    """A source as a footnote names it, and the web address to link it to ('' if none):
    'UPR 4.12 (A/HRC/41/4, para 122.12)', 'Title — SHA-256 …' or 'Title — https://…',
    'Progress update, Agency, 2024-05-01'."""
    label, detail = clean(source.label).strip(), clean(source.detail).strip()
    if source.kind == "evidence":
        if _HEX64.fullmatch(detail):
            return f"{label} — SHA-256 {detail}", ""
        url = detail if _URL.match(detail) and not any(c.isspace() for c in detail) else ""
        return (f"{label} — {detail}" if label and detail else label or detail), url
    if source.kind == "update":
        return ", ".join(p for p in ("Progress update", label, detail) if p), ""
    return (f"{label} ({detail})" if label and detail else label or detail), ""


class Footnotes:
    """The document's footnotes, numbered in the order the paragraphs cite them; a source's
    web address is a link."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{_SEPARATORS}</w:footnotes>")
        self._part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root,
                             doc.part.package)
        self.count = 0

    def cite(self, sources: Sequence[Source]) -> str:
        """Add one footnote listing `sources`; returns the reference mark's run (WordML) to
        end the citing paragraph with ('' when there are no sources)."""
        named = [d for d in (describe(s) for s in sources) if d[0]]  # a blank source: none
        if not named:
            return ""
        self.count += 1
        runs = []
        for index, (text, url) in enumerate(named):
            before, _, _ = text.rpartition(url) if url else (text, "", "")
            runs.append(_run(("; " if index else " ") + before))
            if url:
                rid = self._part.relate_to(url, RT.HYPERLINK, is_external=True)
                runs.append(f'<w:hyperlink r:id="{rid}">{_run(url, "Hyperlink")}</w:hyperlink>')
        runs.append(_run("."))
        self._part.element.append(parse_xml(
            f'<w:footnote {nsdecls("w", "r")} w:id="{self.count}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            f'{"".join(runs)}</w:p></w:footnote>'))
        return ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                f'<w:footnoteReference w:id="{self.count}"/></w:r>')

    def attach(self) -> None:
        """Add the footnotes part to the document, if anything was cited."""
        if self.count:
            self._doc.part.relate_to(self._part, RT.FOOTNOTES)


def _run(text: str, style: str = "") -> str:
    props = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
