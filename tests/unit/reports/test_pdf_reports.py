"""PDF progress summaries, read back with pypdf: scope, macrons, pages, outline, metadata."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportError, ReportRequest

from .conftest import MACRON_TEXT, PRIVATE, PUBLIC, pdf_text


def _references(record: Record, filters: Filters) -> set[str]:
    return {r.reference for r in search_recommendations(record, filters, limit=None)}


def _all_references(record: Record) -> set[str]:
    return _references(record, Filters())


def _check_common(path: Path, title: str) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) > 0
    text = pdf_text(path)
    assert f"Page 1 of {len(reader.pages)}" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    assert reader.outline, "the PDF has no outline"
    meta = reader.metadata
    assert meta is not None
    assert meta.title == title
    assert meta.author and meta.subject
    return reader, text


def test_agency_summary_holds_exactly_the_agencys_recommendations(
        report_record: Record, tmp_path: Path) -> None:
    out = tmp_path / "moj.pdf"
    filters = Filters(agency="MOJ", positions=("supported",))
    result = build_pdf(report_record, ReportRequest("agency", filters), out)
    _reader, text = _check_common(out, "Agency progress summary")
    expected = _references(report_record, filters)
    assert result.recommendations == len(expected) > 50
    present = {ref for ref in _all_references(report_record) if f"{ref} " in text}
    assert present == expected
    assert "Ministry of Justice" in text
    assert "Whānau Ora expansion" in text  # macrons survive extraction
    assert PRIVATE in text and PUBLIC not in text  # the latest narrative, not older ones
    assert report_record.setting("officer_name") == pypdf.PdfReader(out).metadata.author


def test_macron_recommendation_extracts_with_its_macrons(report_record: Record,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "samoa.pdf"
    build_pdf(report_record, ReportRequest("body", Filters(sessions=(46,))), out)
    text = pdf_text(out)
    assert MACRON_TEXT in text
    assert "Māori" in text and "whānau" in text
    fonts = {str(f) for page in pypdf.PdfReader(out).pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts  # the DejaVu subsets are embedded, not a base-14 font


@pytest.mark.parametrize("kind", [k.value for k in ReportKind])
def test_each_kind_makes_a_pdf(report_record: Record, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    request = ReportRequest(kind, Filters(agency="MOJ") if kind == "agency" else Filters())
    if kind == "annual":
        request.start, request.end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    result = build_pdf(report_record, request, out)
    _reader, text = _check_common(out, KIND_TITLES[ReportKind(kind)])
    if kind == "tiriti":
        assert result.recommendations == 3
        assert {ref for ref in _all_references(report_record) if f"{ref} " in text} == \
            _references(report_record, Filters(te_tiriti=True))
    if kind == "annual":
        assert "What changed in the period" in text
        assert "Action completed" in text and "Status: In progress → Implemented" in text
        assert result.recommendations == 3
    if kind == "thematic-list":
        assert "Assessment / implementation" in text


def test_landscape_pages_are_wider_than_tall(report_record: Record, tmp_path: Path) -> None:
    out = tmp_path / "wide.pdf"
    build_pdf(report_record, ReportRequest("body", Filters(cycles=(1,)), landscape=True), out)
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert box.width > box.height


def test_theme_report_lists_each_recommendation_once(report_record: Record,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "theme.pdf"
    filters = Filters(themes=("Indigenous peoples",))
    result = build_pdf(report_record, ReportRequest("theme", filters), out)
    assert result.recommendations == len(_references(report_record, filters))
    outline = pypdf.PdfReader(out).outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert "Theme: Indigenous peoples" in titles and "Summary" in titles


class _CancelAfter:
    def __init__(self, n: int) -> None:
        self.n = n

    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        self.n -= amount
        if self.n < 0:
            raise Cancelled()

    def finish(self) -> None:
        pass


def test_cancel_writes_nothing(report_record: Record, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        build_pdf(report_record, ReportRequest("body"), out, progress=_CancelAfter(50))
    assert list(tmp_path.glob("*.pdf*")) == [] and not list(tmp_path.glob(".cancelled*"))


@pytest.mark.parametrize(("request_", "message", "field"), [
    (ReportRequest("minister"), "unknown report kind", "kind"),
    (ReportRequest("annual", start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1)),
     "starts .* after it ends", "period"),
    (ReportRequest("body", start=dt.date(2025, 1, 1)),
     r"^a period \(from and to dates\) applies only to the annual report$", "period"),
    (ReportRequest("clusters", end=dt.date(2025, 1, 1)), "applies only to the annual report",
     "period"),
    (ReportRequest("agency"), "^an agency summary needs an agency$", "agency"),
    (ReportRequest("agency", Filters(agency="NOPE")), "^unknown agency 'NOPE'$", "agency"),
    (ReportRequest("clusters", Filters(agency="NOPE")), "^unknown agency 'NOPE'$", "agency"),
])
def test_bad_requests_write_nothing(report_record: Record, tmp_path: Path,
                                    request_: ReportRequest, message: str, field: str) -> None:
    out = tmp_path / "bad.pdf"
    with pytest.raises(ReportError, match=message) as refused:
        build_pdf(report_record, request_, out)
    assert refused.value.field == field  # what a dialog points at
    assert " --" not in str(refused.value) and "nmrf " not in str(refused.value)  # any caller
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.suffix != ".pdf"]
    assert not out.exists()


def test_unwritable_folder_is_a_clear_error(report_record: Record, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        build_pdf(report_record, ReportRequest("body"), tmp_path / "nowhere" / "r.pdf")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os
        if os.access(locked, os.W_OK):  # root ignores permissions: make it a file instead
            locked.chmod(0o700)
            locked.rmdir()
            locked.write_text("not a folder")
            with pytest.raises(ReportError, match="does not exist"):
                build_pdf(report_record, ReportRequest("body"), locked / "r.pdf")
        else:
            with pytest.raises(ReportError, match="not writable"):
                build_pdf(report_record, ReportRequest("body"), locked / "r.pdf")
            assert list(locked.iterdir()) == []
    finally:
        if locked.is_dir():
            locked.chmod(0o700)


def test_the_summary_counts_in_good_english(report_record: Record, tmp_path: Path) -> None:
    """"1 recommendation across 1 body; 0 have…", never "1 recommendations … 1 have"."""
    out = tmp_path / "one.pdf"
    build_pdf(report_record, ReportRequest("body", Filters(sessions=(46,))), out)
    text = " ".join(pdf_text(out).split())
    found = re.search(r"([\d,]+) (recommendations?) across (\d+) (body|bodies); ([\d,]+) "
                      r"(has|have) a progress update", text)
    assert found, text[:500]
    total, recs, bodies, body_word, updated, verb = found.groups()
    assert (recs == "recommendation") == (total == "1")
    assert (body_word == "body") == (bodies == "1")
    assert (verb == "has") == (updated == "1")
