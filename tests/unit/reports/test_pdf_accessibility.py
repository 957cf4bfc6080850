"""What reportlab can give assistive tools: language, XMP title, title bar, embedded fonts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import DictionaryObject

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind
from nmrf_desktop.reports.pdf_meta import xmp_packet
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest


def _fonts(reader: pypdf.PdfReader) -> dict[str, DictionaryObject]:
    """Every font any page or form on a page names, by base font name."""
    found: dict[str, DictionaryObject] = {}

    def visit(resources: DictionaryObject | None) -> None:
        if not resources:
            return
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
        for xobject in resources.get("/XObject", {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("kind", [k.value for k in ReportKind])
def test_every_report_states_its_language_title_and_embeds_its_fonts(
        report_record: Record, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    request = ReportRequest(kind, Filters(agency="MOJ") if kind == "agency" else Filters())
    if kind == "annual":
        request.start, request.end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    build_pdf(report_record, request, out)
    reader = pypdf.PdfReader(out)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-NZ"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    xmp = reader.xmp_metadata
    assert xmp is not None
    title = KIND_TITLES[ReportKind(kind)]
    assert xmp.dc_title == {"x-default": title} == {"x-default": reader.metadata.title}
    assert xmp.dc_language == ["en-NZ"]
    fonts = _fonts(reader)
    assert fonts
    assert [name for name, font in fonts.items() if not _embedded(font)] == []


def test_xmp_packet_escapes_markup_and_drops_control_characters() -> None:
    from nmrf_desktop.reports.model import ReportMeta

    meta = ReportMeta(title='Ngā <tūtohu> & "tohu"\x01', subtitle="s", scope=(),
                      generated=dt.datetime(2026, 1, 1), fingerprint="ab" * 32)
    packet = xmp_packet(meta)
    assert "Ngā &lt;tūtohu&gt; &amp; &quot;tohu&quot;<" in packet
    assert "\x01" not in packet
