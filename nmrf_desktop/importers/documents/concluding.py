"""Treaty-body concluding observations (CERD/C/NZL/CO/21-22, CRC/C/NZL/CO/6, …).

Each paragraph that recommends (the Committee "recommends", "urges", "calls upon",
"requests", "encourages" or "invites" the State party) is a recommendation, split into its
sub-paragraphs "(a)", "(b)" when the sentence before them is the one that recommends; the
heading it sits under is its section and theme. The introduction and the positive aspects
are not read. The follow-up request, the paragraphs of particular importance and the next
report's date are read from the closing paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re

from nmrf_desktop.importers.documents.blocks import HEADING, PARA, SUB, Extracted
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.importers.documents.text import (
    MONTH_YEAR,
    MONTHS,
    add_months,
    clean,
    paragraph_refs,
    parse_date,
)

CO_SYMBOL = re.compile(
    r"\b(?:(CERD|CCPR|CEDAW|CRC|CAT|CRPD|CED|CMW)/C/(?:OPAC/|OPSC/)?[A-Z]{3}/CO/"
    r"\d{1,2}(?:-\d{1,2})?(?:/Add\.\d)?|E/C\.12/[A-Z]{3}/CO/\d{1,2}(?:-\d{1,2})?)")
_TITLE = re.compile(r"concluding observations", re.I)
_COUNTRY = re.compile(r"(?:reports?|situation)\s+of\s+(?:the\s+)?(.+?)\s*\*?\s*$", re.I | re.M)
_SKIP_ZONES = re.compile(r"introduction|positive aspects|follow-up measures undertaken|"
                         r"progress achieved", re.I)
_RECOMMENDS = re.compile(
    r"\b(?:recommends?|urges?|calls?\s+(?:up)?on|requests?|encourages?|invites?|"
    r"reiterates\s+its\s+(?:previous\s+)?recommendations?)\b[^.]{0,200}?\bState\s+party\b",
    re.I)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12,
          "eighteen": 18, "twenty-four": 24, "1": 1, "2": 2, "3": 3, "6": 6, "12": 12,
          "18": 18, "24": 24}
_WITHIN = re.compile(r"\bwithin\s+(one|two|three|four|six|twelve|eighteen|twenty-four|\d{1,2})"
                     r"\s+(years?|months?)\b", re.I)
_BY_DATE = re.compile(r"\b(?:by|before|not later than)\s+(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})")
_REFS = re.compile(r"\b(?:paragraphs?|paras?\.)\s+((?:\d{1,3}|\(\s*[a-z]\s*\)|,|and|\s)+)")
_IMPORTANT = re.compile(r"particular importance|urgent measures", re.I)
_NEXT_REPORT = re.compile(r"\b(?:next|(?:combined\s+)?\w+(?:\s+and\s+\w+)?\s+periodic)\s+"
                          r"reports?\b|\bperiodic report\b", re.I)
_PROCEDURE_HEADINGS = re.compile(
    r"follow-up to the present concluding observations|follow-up procedure|paragraphs of "
    r"particular importance|preparation of the next|next periodic report|next report|"
    r"date of (?:the )?next report", re.I)


def is_concluding_observations(doc: Extracted) -> bool:
    return bool(_TITLE.search(doc.head) or _TITLE.search(" ".join(doc.blocks[:30])))


def _info(doc: Extracted, symbol: str, body: str) -> DocumentInfo:
    head = doc.head
    if not symbol and (m := CO_SYMBOL.search(head)):
        symbol = m.group(0)
    if not body and symbol:
        body = "CESCR" if symbol.startswith("E/C.12") else symbol.split("/", 1)[0]
    title = _TITLE.search(head)
    country = ""
    if title and (m := _COUNTRY.search(head, title.start())):
        country = clean(m.group(1)).rstrip("*").strip()
    after = head[m.end():] if (m := re.search(r"Distr\.?", head)) else head
    return DocumentInfo(kind=DocumentKind.CONCLUDING_OBSERVATIONS, symbol=symbol, body=body,
                        country=country, date=parse_date(after) or parse_date(head))


class _Paragraph:
    def __init__(self, number: str, text: str, section: str, zone: str) -> None:
        self.number, self.text, self.section, self.zone = number, text, section, zone
        self.subs: list[tuple[str, str]] = []

    def source(self) -> str:
        return " ".join([f"{self.number}. {self.text}"] + [f"({k}) {t}" for k, t in self.subs])


def _paragraphs(doc: Extracted) -> list[_Paragraph]:
    """Numbered paragraphs with their sub-paragraphs, the heading above each and the
    lettered part ("B. Positive aspects") they are in."""
    out: list[_Paragraph] = []
    section = zone = ""
    started = False
    for block in doc.blocks:
        if m := PARA.match(block):
            started = started or m.group(1) == "1"
            if started:
                out.append(_Paragraph(m.group(1), m.group(2), section, zone))
            continue
        if not started:
            continue
        if (m := SUB.match(block)) and out:
            subs = out[-1].subs
            expected = chr(ord(subs[-1][0]) + 1) if subs else "a"
            if m.group(1) == expected:
                subs.append((m.group(1), m.group(2)))
                continue
        if m := HEADING.match(block):
            zone = section = clean(m.group(1))
        elif _is_heading(block):
            section = block.rstrip("*").strip()
        elif out:  # text that continues the last paragraph or sub-paragraph
            if out[-1].subs:
                k, t = out[-1].subs[-1]
                out[-1].subs[-1] = (k, f"{t} {block}")
            else:
                out[-1].text = f"{out[-1].text} {block}"
    return out


def _is_heading(block: str) -> bool:
    return len(block) <= 120 and not re.search(r"[.;:,]$", block) and block[:1].isupper()


def _lead(text: str) -> str:
    """The sentence that introduces a list of sub-paragraphs (the last one before it)."""
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z])", text.strip())
    return sentences[-1] if sentences else text


def read_concluding(doc: Extracted, symbol: str = "", body: str = "") -> DocumentPreview:
    preview = DocumentPreview(file=doc.file, document=_info(doc, symbol, body))
    date = preview.document.date
    paragraphs = _paragraphs(doc)
    if not paragraphs:
        preview.warnings.append(f"{doc.file}: no numbered paragraphs were found")
        return preview
    procedural: set[str] = set()
    for p in paragraphs:
        whole = p.source()
        if _follow_up(preview, whole, date):
            procedural.add(p.number)
        elif _IMPORTANT.search(whole) and (refs := _refs(whole)):
            preview.important_paragraphs.extend(r for r in refs
                                                if r not in preview.important_paragraphs)
            procedural.add(p.number)
        elif _NEXT_REPORT.search(whole) and (due := _report_due(preview, whole)):
            preview.next_report_due = preview.next_report_due or due
            procedural.add(p.number)
    for p in paragraphs:
        if p.number in procedural or _SKIP_ZONES.search(p.zone) or (
                _PROCEDURE_HEADINGS.search(p.section) and not p.subs):
            continue
        _recommendations(preview, p)
    _flag(preview)
    if not preview.recommendations:
        preview.warnings.append(f"{doc.file}: no paragraph recommends anything to the "
                                "State party")
    return preview


def _recommendations(preview: DocumentPreview, p: _Paragraph) -> None:
    theme = (p.section,) if p.section and p.section != p.zone else ()
    if p.subs and _RECOMMENDS.search(_lead(p.text)):
        lead = p.text.strip()
        for key, text in p.subs:
            preview.recommendations.append(DocumentRecommendation(
                paragraph=f"{p.number}({key})", text=f"{_lead(lead)} {text}".strip(),
                section=p.section, themes=theme, source_text=p.source()))
    elif _RECOMMENDS.search(p.source()):
        preview.recommendations.append(DocumentRecommendation(
            paragraph=p.number, text=p.source().split(" ", 1)[1], section=p.section,
            themes=theme, source_text=p.source()))


def _refs(text: str) -> list[str]:
    out: list[str] = []
    for m in _REFS.finditer(text):
        out.extend(r for r in paragraph_refs(m.group(1)) if r not in out)
    return out


def _follow_up(preview: DocumentPreview, text: str, date: dt.date | None) -> bool:
    """Reads the follow-up request ("…within one year…, information on … paragraphs 12,
    20 and 31"); True when `text` is that paragraph."""
    if not re.search(r"\binformation\b", text, re.I) or not _REFS.search(text):
        return False
    within = _WITHIN.search(text)
    by = _BY_DATE.search(text) if not within else None
    if not within and not (by and re.search(r"follow-up|implementation of the recommend",
                                            text, re.I)):
        return False
    refs = _refs(text)
    if not refs:
        return False
    preview.follow_up_paragraphs.extend(r for r in refs if r not in preview.follow_up_paragraphs)
    if within:
        n = _WORDS.get(within.group(1).casefold(), 0)
        months = n * 12 if within.group(2).casefold().startswith("year") else n
        if date is None:
            preview.warnings.append(f"{preview.file}: the follow-up is due {within.group(0)} "
                                    "but the document's date was not found")
        else:
            preview.follow_up_due = add_months(date, months)
    elif by:
        preview.follow_up_due = parse_date(by.group(1))
    return True


def _report_due(preview: DocumentPreview, text: str) -> dt.date | None:
    if not re.search(r"\bsubmit\b|\bdue\b", text, re.I):
        return None
    if m := _BY_DATE.search(text):
        return parse_date(m.group(1))
    if (m := re.search(r"\bdue\s+(?:on\s+)?(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})", text)):
        return parse_date(m.group(1))
    if (m := re.search(r"\bdue\s+in\s+", text)) and (my := MONTH_YEAR.match(text, m.end())):
        day = dt.date(int(my.group(2)), MONTHS[my.group(1).casefold()], 1)
        preview.warnings.append(f"{preview.file}: the next report is due in {my.group(0)}; "
                                f"{day.isoformat()} was taken as its date")
        return day
    return None


def _flag(preview: DocumentPreview) -> None:
    """Marks the recommendations the follow-up and importance paragraphs name: "12" names
    12 and all of 12(a), 12(b)…; "12(b)" names only that one."""
    def named(paragraph: str, refs: list[str]) -> bool:
        return (paragraph in refs or paragraph.split("(")[0] in refs
                or any(r.split("(")[0] == paragraph for r in refs))
    found: set[str] = set()
    for rec in preview.recommendations:
        if named(rec.paragraph, preview.follow_up_paragraphs):
            rec.follow_up = True
            found.add(rec.paragraph)
        if named(rec.paragraph, preview.important_paragraphs):
            rec.important = True
            found.add(rec.paragraph)
    for ref in preview.follow_up_paragraphs + preview.important_paragraphs:
        if not any(ref in (f, f.split("(")[0]) or ref.split("(")[0] == f for f in found):
            preview.warnings.append(f"{preview.file}: paragraph {ref} is named for follow-up "
                                    "or as of particular importance but no recommendation "
                                    "was read from it")
