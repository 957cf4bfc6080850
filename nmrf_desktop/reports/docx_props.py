"""A Word draft's document properties: the core ones (dated the draft's day, not the
moment of writing) and the custom ones (python-docx has no API for docProps/custom.xml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from nmrf_desktop.reports.docx_text import clean
from nmrf_desktop.reports.draft_model import DraftKind, DraftMeta

FINGERPRINT = "NMRF record fingerprint"
KIND = "NMRF draft kind"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one Office uses for user properties
_KEYWORDS = "human rights; recommendations; NMRF; New Zealand"
KIND_NAMES = {
    DraftKind.FOLLOW_UP: "Follow-up report",
    DraftKind.UPR_MID_TERM: "Universal Periodic Review mid-term report",
    DraftKind.PERIODIC: "Periodic report section",
    DraftKind.CONSULTATION: "Consultation draft",
}


def set_core(doc: Document, meta: DraftMeta) -> None:
    """Title, subject, author, keywords; created and modified on the draft's date."""
    when = dt.datetime.combine(meta.draft_date, dt.time())
    props = doc.core_properties
    props.title = clean(meta.title)[:255]
    props.subject = clean(meta.subject)[:255]
    props.author = clean(meta.author)[:255]
    props.last_modified_by = clean(meta.author)[:255]
    props.keywords = f"{_KEYWORDS}; {meta.kind.value}"
    props.category = f"Draft: {KIND_NAMES.get(meta.kind, meta.kind.value)}"
    props.comments = "Drafted from the record by NMRF Desktop; review before use."
    props.created = when
    props.modified = when
    props.revision = 1


def custom_xml(values: Mapping[str, str]) -> bytes:
    """docProps/custom.xml holding `values` as text properties, in the given order."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(clean(value))}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2))  # pid 2 is the first
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes">{items}</Properties>').encode()


def set_custom(doc: Document, meta: DraftMeta) -> None:
    """The record's fingerprint and the draft's kind as custom properties."""
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                custom_xml({FINGERPRINT: meta.fingerprint, KIND: meta.kind.value}), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def set_app(doc: Document) -> None:
    """The extended properties name this program (the template's named another)."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            package.rels.pop(rid)
    xml = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>NMRF Desktop</Application>'
           "<DocSecurity>0</DocSecurity></Properties>")
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES,
                           xml.encode(), package), RT.EXTENDED_PROPERTIES)


def read_custom(doc: Document) -> dict[str, str]:
    """The custom text properties of an opened document (for tests and checks)."""
    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            root = etree.fromstring(rel.target_part.blob)
            return {p.get("name"): "".join(p.itertext()) for p in root}
    return {}
