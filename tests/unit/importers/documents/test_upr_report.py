"""The UPR Working Group report (PDF and Word) and its addendum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.importers.documents.model import DocumentKind
from nmrf_desktop.importers.documents.reader import read_document
from nmrf_desktop.importers.documents.upr_report import recommendation_numbers
from tests.unit.importers.documents import un_docs


@pytest.mark.parametrize("writer", [un_docs.write_report_pdf, un_docs.write_report_docx])
def test_report_recommendations_and_states(tmp_path: Path, writer) -> None:  # type: ignore[no-untyped-def]
    path = writer(tmp_path / ("report.pdf" if writer is un_docs.write_report_pdf
                              else "report.docx"))
    preview = read_document(path)
    info = preview.document
    assert (info.kind, info.symbol, info.country, info.date, info.upr_session, info.cycle) == (
        DocumentKind.UPR_REPORT, "A/HRC/41/4", "New Zealand", dt.date(2019, 4, 1), 32, 3)
    got = [(r.paragraph, r.text, r.recommending_states, r.position)
           for r in preview.recommendations]
    assert got == [(n, t, s, Position.SUPPORTED if n.startswith("140.") else None)
                   for n, t, s in un_docs.REPORT_RECS]
    assert preview.recommendations[0].position_source == "A/HRC/41/4 - Para 140"
    assert "Te Tiriti o Waitangi" in preview.recommendations[2].text
    assert "Māori" in preview.recommendations[2].text  # macrons survive the PDF
    assert preview.warnings == []


def test_addendum_gives_positions_by_number(tmp_path: Path) -> None:
    preview = read_document(un_docs.write_addendum_pdf(tmp_path / "add1.pdf"))
    assert preview.document.kind is DocumentKind.UPR_REPORT_ADDENDUM
    assert preview.document.symbol == "A/HRC/41/4/Add.1"
    assert preview.document.date == dt.date(2019, 6, 12)
    got = {r.paragraph: (r.position, r.position_source) for r in preview.recommendations}
    assert got == {
        "141.1": (Position.SUPPORTED, "A/HRC/41/4/Add.1 - Para.2"),
        "141.2": (Position.NOTED, "A/HRC/41/4/Add.1 - Para.3"),
        "141.3": (Position.SUPPORTED, "A/HRC/41/4/Add.1 - Para.2"),
        "141.4": (Position.SUPPORTED, "A/HRC/41/4/Add.1 - Para.2"),
    }


@pytest.mark.parametrize(("text", "numbers"), [
    ("The Government accepts the following recommendations 122.1, 122.12, 122.17-18, "
     "122.34- 35. Slovenia considers them implemented.",
     ["122.1", "122.12", "122.17", "122.18", "122.34", "122.35"]),
    ("accepts: 140.35. 140.36, 140.39 and 140.40.", ["140.35", "140.36", "140.39", "140.40"]),
    ("notes recommendations 140.240, 140.253 and wishes to provide the following "
     "information: 140.22-25 The fight against discrimination…", ["140.240", "140.253"]),
    ("accepts 140.252. 140.11-14 The 1961 Convention was ratified.", ["140.252"]),
    ("supports 122.62-66, 122.68–70", ["122.62", "122.63", "122.64", "122.65", "122.66",
                                       "122.68", "122.69", "122.70"]),
])
def test_addendum_number_lists(text: str, numbers: list[str]) -> None:
    assert recommendation_numbers(text) == numbers
