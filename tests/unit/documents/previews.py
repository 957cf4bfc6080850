"""DocumentPreviews as the readers return them, built from the real New Zealand UPR Info
rows of the 2014 review (session 18), for the apply tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.importers import upr_info
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from tests.conftest import NZ_CSV

SESSION = 18
REPORT = "A/HRC/26/3"


def nz_rows(session: int = SESSION) -> list[tuple[str, str, Position | None]]:
    """(text, recommending state, position) of the real rows of one NZ review, in order."""
    parsed = upr_info.parse(NZ_CSV)
    return [(r.text, r.states[0].name, r.position) for r in parsed.records
            if r.upr_session == session]


def _file(tmp: Path, name: str) -> str:
    path = tmp / name
    path.write_bytes(b"stand-in for the document read")
    return str(path)


def matrix(tmp: Path, n: int | None = None) -> DocumentPreview:
    """The UPR matrix of NZ's 2nd review: paragraph 128.k, text as the matrix words it
    (the state in parentheses, a semicolon), themes, positions."""
    rows = nz_rows()[:n]
    recs = [DocumentRecommendation(
        paragraph=f"128.{k}", text=text.rstrip("."),
        recommending_states=(state,), position=position,
        themes=("A12 Acceptance of international norms",), affected_groups=("Māori",),
        sdgs=("16",), source_text=f"128.{k} {text} ({state});")
        for k, (text, state, position) in enumerate(rows, start=1)]
    return DocumentPreview(
        file=_file(tmp, "upr18-nz-matrix.docx"),
        document=DocumentInfo(DocumentKind.UPR_MATRIX, "", "UPR", "New Zealand",
                              None, SESSION, 2),
        recommendations=recs)


def report(tmp: Path, n: int | None = None) -> DocumentPreview:
    """The Working Group report: the same recommendations, numbered, with no positions."""
    rows = nz_rows()[:n]
    recs = [DocumentRecommendation(paragraph=f"128.{k}", text=f"{text} ({state})",
                                   recommending_states=(state,))
            for k, (text, state, _p) in enumerate(rows, start=1)]
    return DocumentPreview(
        file=_file(tmp, "A_HRC_26_3.pdf"),
        document=DocumentInfo(DocumentKind.UPR_REPORT, REPORT, "UPR", "New Zealand",
                              dt.date(2014, 4, 7), SESSION, 2),
        recommendations=recs)


def addendum(tmp: Path, n: int | None = None) -> DocumentPreview:
    """The addendum: positions by paragraph number, no text."""
    rows = nz_rows()[:n]
    recs = [DocumentRecommendation(paragraph=f"128.{k}", text="", position=position,
                                   position_source=f"{REPORT}/Add.1 - Para.3")
            for k, (_t, _s, position) in enumerate(rows, start=1)]
    return DocumentPreview(
        file=_file(tmp, "A_HRC_26_3_Add.1.docx"),
        document=DocumentInfo(DocumentKind.UPR_REPORT_ADDENDUM, f"{REPORT}/Add.1", "UPR",
                              "New Zealand", dt.date(2014, 6, 2), SESSION, 2),
        recommendations=recs)


CERD = "CERD/C/NZL/CO/21-22"


def concluding_observations(tmp: Path) -> DocumentPreview:
    """CERD's 2017 concluding observations on NZ, shortened: three paragraphs, one with
    sub-paragraphs, follow-up on 12 and 20, 31 of particular importance."""
    recs = [
        DocumentRecommendation("12", "The Committee recommends that the State party "
                               "consider the constitutional transformation proposals of "
                               "Matike Mai Aotearoa.", section="Te Tiriti o Waitangi"),
        DocumentRecommendation("20(a)", "Take steps to reduce the overrepresentation of "
                               "Māori in the criminal justice system;",
                               section="Criminal justice system"),
        DocumentRecommendation("20(b)", "Ensure the Māori Justice Strategy is adequately "
                               "funded;", section="Criminal justice system"),
        DocumentRecommendation("31", "The Committee urges the State party to ensure that "
                               "migrant workers are protected from exploitation.",
                               section="Migrant workers"),
    ]
    return DocumentPreview(
        file=_file(tmp, "CERD_C_NZL_CO_21-22.docx"),
        document=DocumentInfo(DocumentKind.CONCLUDING_OBSERVATIONS, CERD, "CERD",
                              "New Zealand", dt.date(2017, 8, 22)),
        recommendations=recs, follow_up_paragraphs=["12", "20"],
        follow_up_due=dt.date(2018, 8, 25), important_paragraphs=["31"],
        next_report_due=dt.date(2020, 12, 22))
