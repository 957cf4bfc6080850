"""The Word package around a draft: A4 pages, settings cleaned of the template's editing
history, no stale thumbnail, and the file's bytes the same for the same draft."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Twips

from nmrf_desktop.reports.draft_model import EN

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
A4 = (Twips(11906), Twips(16838))
MARGIN = Cm(2.5)
TEXT_WIDTH = (A4[0] - 2 * MARGIN) // 635  # twips between the margins (635 EMU a twip)


def set_pages(doc: Document) -> None:
    """A4 with 2.5 cm margins (New Zealand paper), for every section."""
    for section in doc.sections:
        section.page_width, section.page_height = A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)


def clean_settings(doc: Document, footnotes: bool) -> None:
    """Drop the template's revision ids and 'spelling checked clean' mark (the draft has not
    been checked), set the theme language, declare the footnote separators when used."""
    settings = doc.settings.element
    for tag in ("w:rsids", "w:proofState"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    for lang in settings.findall(qn("w:themeFontLang")):
        lang.set(qn("w:val"), EN)
    if footnotes and settings.find(qn("w:footnotePr")) is None:
        note_pr = OxmlElement("w:footnotePr")
        for note_id in ("-1", "0"):
            note = OxmlElement("w:footnote")
            note.set(qn("w:id"), note_id)
            note_pr.append(note)
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(note_pr)
        else:
            settings.append(note_pr)
    for rsid in list(doc.styles.element.iter(qn("w:rsid"))):
        rsid.getparent().remove(rsid)
    rsid = qn("w:rsid")
    for section in doc.element.body.iter(qn("w:sectPr")):  # the template's carries them too
        for name in [n for n in section.attrib if n.startswith(rsid)]:
            del section.attrib[name]


def drop_template_leftovers(doc: Document) -> None:
    """Leave out the template's preview picture (it shows another document) and its Word
    2010 copy of the styles (stale beside styles.xml, and half the package's size)."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            doc.part.rels.pop(rid)


def stable_bytes(doc: Document, day: dt.date) -> bytes:
    """The .docx as bytes that depend only on the content: every zip entry dated `day`,
    with fixed attributes (python-docx stamps them with the moment of saving)."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
