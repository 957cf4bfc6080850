"""The draft's styles: the document language (en-NZ) on the defaults, and the styles the
template lacks (numbered paragraphs as UN reports number them, highlighted gaps, footnotes)."""

from __future__ import annotations

from typing import cast

from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement

from nmrf_desktop.reports.draft_model import EN

NUMBERED = "Numbered Paragraph"
GAP = "Draft gap"
TABLE_TEXT = "Table Text"
SUMMARY_HEADING = "Summary Heading"  # looks like Heading 1, stays out of the contents
FOOTNOTE_TEXT = "footnote text"
FOOTNOTE_REFERENCE = "footnote reference"
GAP_FILL = "FFF2CC"  # a pale yellow: found at a glance, still readable in print
NUMBERED_NSID = "4E4D5246"  # "NMRF": fixed, so the same draft gives the same bytes

_STYLES = (
    f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="NumberedParagraph">'
    f'<w:name w:val="{NUMBERED}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="Draftgap">'
    f'<w:name w:val="{GAP}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:pBdr><w:left w:val="single" w:sz="24" w:space="4" w:color="BF9000"/></w:pBdr>'
    f'<w:shd w:val="clear" w:color="auto" w:fill="{GAP_FILL}"/><w:ind w:left="567"/></w:pPr>'
    '<w:rPr><w:i/><w:iCs/><w:color w:val="7F6000"/></w:rPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="TableText">'
    f'<w:name w:val="{TABLE_TEXT}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>',
    *(f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC{n}"><w:name w:val="toc {n}"/>'
      '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>'
      f'<w:unhideWhenUsed/><w:pPr><w:spacing w:after="60"/><w:ind w:left="{220 * (n - 1)}"/>'
      '</w:pPr></w:style>' for n in (1, 2, 3)),
    f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText">'
    f'<w:name w:val="{FOOTNOTE_TEXT}"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
    '<w:unhideWhenUsed/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="character" w:styleId="Hyperlink">'
    '<w:name w:val="Hyperlink"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="SummaryHeading">'
    f'<w:name w:val="{SUMMARY_HEADING}"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/>'
    '<w:qFormat/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="character" w:styleId="FootnoteReference">'
    f'<w:name w:val="{FOOTNOTE_REFERENCE}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>',
)


def set_language(doc: Document, lang: str = EN) -> None:
    """The document's language on the style defaults (what spell-checkers read), and the
    theme's; the East Asian and complex-script languages are left as they are."""
    styles = doc.styles.element
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:  # the bundled template has one; a bare one gets its own
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
            styles.insert(0, defaults)
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
        rpr = rpr_default[0]
    _lang(rpr).set(qn("w:val"), lang)


def _lang(rpr: BaseOxmlElement) -> BaseOxmlElement:
    """rPr's w:lang, added when missing."""
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(found)  # lang is among the last of rPr's children; none after it here
    return cast(BaseOxmlElement, found)


def mark_language(r: CT_R, lang: str) -> None:
    """w:lang w:val on a run (its East Asian and complex-script languages left alone)."""
    rpr = r.get_or_add_rPr()
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        rpr.append(found)  # nothing written to rPr here comes after w:lang
    found.set(qn("w:val"), lang)


def add_styles(doc: Document) -> None:
    """Add the draft's own styles (once)."""
    styles = doc.styles.element
    have = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for xml in _STYLES:
        style = parse_xml(xml)
        if style.get(qn("w:styleId")) not in have:
            styles.append(style)


def add_paragraph_numbering(doc: Document) -> int:
    """A numbering definition for the report's running paragraph numbers (1., 2., … at the
    margin, text at 1 cm, never restarting); returns its numId."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId")))
                    for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="{NUMBERED_NSID}"/><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="NumberedParagraph"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:tabs><w:tab w:val="num" w:pos="567"/></w:tabs>'
        '<w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl></w:abstractNum>')
    existing = numbering.findall(qn("w:abstractNum"))
    if existing:  # every abstractNum comes before the first num
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def restart_list(doc: Document, style: str) -> int:
    """A new list of the numbered style `style` ("List Number"), counting from 1 again: a
    numId on the style's numbering definition with a start override; 0 if the style has
    no numbering."""
    ppr = doc.styles[style].element.pPr
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is None or num_pr.numId is None:
        return 0
    numbering = doc.part.numbering_part.element
    found = numbering.xpath(f"w:num[@w:numId='{num_pr.numId.val}']/w:abstractNumId/@w:val")
    if not found:
        return 0
    num_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{found[0]}"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    return num_id
