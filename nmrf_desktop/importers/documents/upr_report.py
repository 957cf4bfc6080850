"""The UPR Working Group report (A/HRC/NN/NN) and its addendum (…/Add.1).

The report's "Conclusions and/or recommendations" section lists the recommendations as
"121.1 Ratify … (France) (Lithuania);" under paragraphs that say whether the State under
review already supports them ("… enjoy the support of Slovenia") or will examine them
("… will be examined by Slovenia": position None). The addendum gives the positions by
number: "The Government accepts the following recommendations 122.1, 122.17-18, …".
"""

from __future__ import annotations

import re

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.domain.upr import cycle_of_session
from nmrf_desktop.importers.documents.blocks import PARA, UPR_REC, Extracted
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.importers.documents.states import split_states
from nmrf_desktop.importers.documents.text import (
    clean,
    ordinal_number,
    parse_date,
    position_of,
)

REPORT_SYMBOL = re.compile(r"\bA/HRC/\d{1,2}/\d{1,3}(?:/Add\.\d)?\b")
_TITLE = re.compile(r"Report of the Working Group on the Universal\s+Periodic\s+Review",
                    re.I)
_COUNTRY = re.compile(r"Universal\s+Periodic\s+Review\s*\*{0,3}\s*\n\s*([^\n*]+)", re.I)
_SESSION = re.compile(r"held its\s+([a-z-]+)\s+session", re.I)
_SECTION = re.compile(r"conclusions\s+and/or\s+recommendations", re.I)
_END = re.compile(r"^(?:\d{1,3}\.\s+)?All conclusions and/or recommendations|^Annex\b", re.I)
_DOTTED = re.compile(r"\d{1,3}\.\d{1,3}")
_ITEM = re.compile(r"(?:(\d{1,3})\.)?(\d{1,3})(?:\s*[-–]\s*(?:(\d{1,3})\.)?(\d{1,3}))?")
_BARE_LIST = re.compile(
    r"recommendations?\s*:?\s*((?:\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*(?:,|and)\s*)+"
    r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?)")
_PARTIAL = re.compile(r"(?:supports?|accepts?|supported|accepted) in part|partially "
                      r"(?:supports?|accepts?|supported|accepted)", re.I)
_NOTED = re.compile(r"\bnot(?:es|ed)\b|\btakes? note|does not (?:support|accept)|"
                    r"\breject|did not enjoy", re.I)
_SUPPORTED = re.compile(r"\b(?:accepts?|supports?|accepted|supported|enjoys? the support)\b",
                        re.I)


def is_upr_report(doc: Extracted) -> bool:
    return bool(_TITLE.search(doc.head) or _TITLE.search(" ".join(doc.blocks[:30])))


def document_info(doc: Extracted, symbol: str, kind: DocumentKind) -> DocumentInfo:
    """Symbol, State under review, date and session from the report's first page."""
    head = doc.head
    title = _TITLE.search(head)
    m = _COUNTRY.search(head, title.start()) if title else None
    country = clean(m.group(1)) if m else ""
    after = head[m.end():] if (m := re.search(r"Distr\.?", head)) else head
    date = parse_date(after) or parse_date(head)
    session = None
    text = doc.text()
    if m := _SESSION.search(text[:6000]):
        session = ordinal_number(m.group(1))
    return DocumentInfo(kind=kind, symbol=symbol, body="UPR", country=country, date=date,
                        upr_session=session,
                        cycle=cycle_of_session(session) if session else None)


def _lead_position(lead: str) -> Position | None:
    if _PARTIAL.search(lead):
        return Position.SUPPORTED_IN_PART
    if _NOTED.search(lead):
        return Position.NOTED
    if re.search(r"enjoys? the support|have been accepted|are supported", lead, re.I):
        return Position.SUPPORTED
    return None


def read_report(doc: Extracted, symbol: str) -> DocumentPreview:
    """The recommendations listed in the report's conclusions, with their States."""
    preview = DocumentPreview(file=doc.file,
                              document=document_info(doc, symbol, DocumentKind.UPR_REPORT))
    starts = [i for i, b in enumerate(doc.blocks)
              if _SECTION.search(b) and len(b) < 80]
    start = next((i for i in reversed(starts)
                  if any(UPR_REC.match(b) for b in doc.blocks[i + 1:i + 4])), None)
    if start is None:
        preview.warnings.append(f"{doc.file}: no \"Conclusions and/or recommendations\" "
                                "section with numbered recommendations was found")
        return preview
    position: Position | None = None
    seen: set[str] = set()
    for block in doc.blocks[start + 1:]:
        if _END.match(block):
            break
        if m := UPR_REC.match(block):
            number = m.group(1)
            body, states = split_states(m.group(2))
            if number in seen:
                preview.warnings.append(f"{doc.file}: recommendation {number} appears twice")
            seen.add(number)
            preview.recommendations.append(DocumentRecommendation(
                paragraph=number, text=body, recommending_states=states, position=position,
                source_text=block,
                position_source=f"{symbol} - Para {number.split('.')[0]}" if position
                else ""))
        elif PARA.match(block):
            position = _lead_position(block)
        elif preview.recommendations and not block[:1].isupper():
            preview.warnings.append(f"{doc.file}: text after recommendation "
                                    f"{preview.recommendations[-1].paragraph} was not read: "
                                    f"{block[:60]!r}")
    if not preview.recommendations:
        preview.warnings.append(f"{doc.file}: the conclusions list no recommendations")
    return preview


def _paragraph_position(text: str) -> Position | None:
    first = _DOTTED.search(text)
    lead = text[:first.start()] if first else text
    if _PARTIAL.search(lead):
        return Position.SUPPORTED_IN_PART
    if _NOTED.search(lead):
        return Position.NOTED
    if _SUPPORTED.search(lead):
        return Position.SUPPORTED
    return None


def recommendation_numbers(text: str) -> list[str]:
    """'122.1, 122.17-18, 122.34- 35' -> 122.1, 122.17, 122.18, 122.34, 122.35: the list
    that starts at the first dotted number. It ends at a full stop before a word, or before
    a number followed by words (a heading such as "140.11-14" over the reply)."""
    first = _DOTTED.search(text)
    if not first:
        return []
    listing = text[first.start():]
    items = list(_ITEM.finditer(listing))
    out: list[str] = []
    prefix = None
    for k, item in enumerate(items):
        gap = listing[item.end():items[k + 1].start() if k + 1 < len(items) else None]
        if re.match(r"\s+[A-Z]", gap):  # "140.11-14 The 1961 Convention…": a heading
            break
        ends = bool(re.search(r"[A-Za-z]", re.sub(r"^[\s,;]*and\s*$", "", gap)))
        p, lo, p2, hi = item.groups()
        prefix = p or prefix
        if prefix is not None and not (p2 and p2 != prefix):
            first_n, last_n = int(lo), int(hi) if hi else int(lo)
            if last_n < first_n or last_n - first_n > 400:
                last_n = first_n
            out.extend(f"{prefix}.{n}" for n in range(first_n, last_n + 1))
        if ends:
            break
    return out


def _bare_numbers(text: str) -> list[str]:
    m = _BARE_LIST.search(text)
    if not m:
        return []
    out: list[str] = []
    for item in re.finditer(r"(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?", m.group(1)):
        lo = int(item.group(1))
        hi = int(item.group(2)) if item.group(2) else lo
        out.extend(str(n) for n in range(lo, max(lo, hi) + 1))
    return out


def read_addendum(doc: Extracted, symbol: str) -> DocumentPreview:
    """Positions by recommendation number, from the paragraphs (or the table) of the
    addendum; each names where it came from ("A/HRC/43/15/Add.1 - Para.3")."""
    preview = DocumentPreview(file=doc.file, document=document_info(
        doc, symbol, DocumentKind.UPR_REPORT_ADDENDUM))
    found: dict[str, DocumentRecommendation] = {}
    bare = False
    for block in doc.blocks:
        m = PARA.match(block)
        if not m or "recommendation" not in block.casefold():
            continue
        position = _paragraph_position(m.group(2))
        if position is None:
            continue
        numbers = recommendation_numbers(m.group(2))
        if not numbers:
            numbers = _bare_numbers(m.group(2))
            bare = bare or bool(numbers)
        for number in numbers:
            if number in found and found[number].position != position:
                preview.warnings.append(f"{doc.file}: recommendation {number} is given two "
                                        f"positions (paragraphs {found[number].position_source}"
                                        f" and {m.group(1)}); the first is kept")
                continue
            found.setdefault(number, DocumentRecommendation(
                paragraph=number, text="", position=position, source_text=block,
                position_source=f"{symbol} - Para.{m.group(1)}"))
    for table in doc.tables:
        for row in table[1:]:
            cells = [clean(c) for c in row]
            if cells and (m := re.match(r"^(\d{1,3}\.\d{1,3})\b", cells[0])):
                position = next((p for c in cells[1:] if (p := position_of(c))), None)
                if position and m.group(1) not in found:
                    found[m.group(1)] = DocumentRecommendation(
                        paragraph=m.group(1), text="", position=position,
                        source_text=" | ".join(cells), position_source=symbol)
    if bare:
        preview.warnings.append(f"{doc.file}: the addendum gives positions by serial number "
                                "(1, 2, …), not by paragraph (121.1); match them to the "
                                "report's recommendations by hand")
    preview.recommendations = sorted(found.values(), key=_order)
    if not preview.recommendations:
        preview.warnings.append(f"{doc.file}: no positions on recommendations were found")
    return preview


def _order(rec: DocumentRecommendation) -> tuple[int, ...]:
    return tuple(int(x) for x in rec.paragraph.split("."))
