"""Treaty-body concluding observations: what recommends, sub-paragraphs, follow-up, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from nmrf_desktop.importers.documents.model import DocumentKind
from nmrf_desktop.importers.documents.reader import read_document
from tests.unit.importers.documents import un_docs

EXPECTED = ["6(a)", "6(b)", "8(a)", "8(b)", "8(c)", "10", "12(a)", "12(b)", "13", "14", "15"]


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_cerd_concluding_observations(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"cerd.{suffix}"
    (un_docs.write_co_pdf if suffix == "pdf" else un_docs.write_co_docx)(path)
    preview = read_document(path)
    info = preview.document
    assert (info.kind, info.symbol, info.body, info.country, info.date) == (
        DocumentKind.CONCLUDING_OBSERVATIONS, "CERD/C/NZL/CO/21-22", "CERD", "New Zealand",
        dt.date(2017, 9, 22))
    recs = {r.paragraph: r for r in preview.recommendations}
    # not the introduction, the positive aspects (3, 4: a welcome that "encourages"), the
    # concerns (5, 7, 9, 11) or the closing procedure (16, 17, 18)
    assert list(recs) == EXPECTED
    assert recs["8(b)"].text == ("Recalling its previous recommendation, the Committee "
                                 "recommends that the State party: Take measures to ensure "
                                 "the implementation of the recommendations of the "
                                 "Constitutional Advisory Panel;")
    assert recs["8(a)"].text.endswith("in consultation with iwi and hapū;")
    assert recs["8(a)"].section == "Te Tiriti o Waitangi"
    assert recs["8(a)"].themes == ("Te Tiriti o Waitangi",)
    assert recs["10"].section == "Indigenous rights of Māori"
    assert recs["10"].text.startswith("The Committee urges the State party to adopt")
    assert recs["14"].section == "Ratification of other treaties"
    assert recs["12(a)"].text.endswith("general recommendation No. 35 (2013);")  # nbsp
    assert recs["6(a)"].source_text.startswith("6. The Committee recommends that the State "
                                               "party: (a) Collect")
    # follow-up within one year of the document's date, and the flags
    assert preview.follow_up_paragraphs == ["8(a)", "8(b)", "10", "12(a)"]
    assert preview.follow_up_due == dt.date(2018, 9, 22)
    assert [p for p, r in recs.items() if r.follow_up] == ["8(a)", "8(b)", "10", "12(a)"]
    assert preview.important_paragraphs == ["6", "12", "13"]
    assert [p for p, r in recs.items() if r.important] == ["6(a)", "6(b)", "12(a)", "12(b)",
                                                           "13"]
    assert preview.next_report_due == dt.date(2020, 12, 22)
    assert preview.warnings == []
    out = preview.as_json()
    assert out["follow_up"] == {"paragraphs": ["8(a)", "8(b)", "10", "12(a)"],
                                "due": "2018-09-22"}
    assert out["next_report_due"] == "2020-12-22"


def test_pdf_furniture_is_gone(tmp_path: Path) -> None:
    """Running headers, the job number, footnotes and their marks, a hyphenated line end."""
    path = tmp_path / "cerd.pdf"
    un_docs.write_co_pdf(path, extra_sections=26)
    assert len(PdfReader(path).pages) == 12
    preview = read_document(path)
    text = "\n".join(r.source_text for r in preview.recommendations)
    assert "GE.17-16563" not in text and "CERD/C/NZL/CO/21-22" not in text
    assert "CERD/C/NZL/CO/18-20, para. 13" not in text  # footnote 2, at a page's foot
    assert "Recalling its previous recommendation, the Committee" in text  # mark 2 gone
    assert "imple- mentation" not in text and "the implementation of the" in text
    # 26 more sections of three sub-paragraphs each, every one read
    assert len(preview.recommendations) == len(EXPECTED) + 26 * 3
    assert preview.recommendations[-3].section.startswith("Access to services in region")
    assert preview.warnings == []


def _short(tmp_path: Path, *paragraphs: str, **kw: str) -> Path:
    return un_docs.write_short_co_docx(tmp_path / "co.docx", paragraphs, **kw)


def test_two_year_follow_up_and_month_due(tmp_path: Path) -> None:
    """CEDAW's wording: "within two years", "which is due in July 2022"."""
    preview = read_document(_short(
        tmp_path,
        "#C. Principal areas of concern and recommendations",
        "#Women and peace and security",
        "The Committee recommends that the State party adopt a national action plan.",
        "The Committee recommends that the State party strengthen the participation of "
        "wāhine Māori in decision-making.",
        "#Follow-up to concluding observations",
        "The Committee requests the State party to provide, within two years, written "
        "information on the steps taken to implement the recommendations contained in "
        "paragraphs 1 and 2 above.",
        "#Preparation of the next report",
        "The Committee invites the State party to submit its ninth periodic report, which is "
        "due in July 2022."))
    assert preview.document.body == "CEDAW"
    assert preview.follow_up_due == dt.date(2020, 7, 25)
    assert [r.paragraph for r in preview.recommendations] == ["1", "2"]
    assert all(r.follow_up for r in preview.recommendations)
    assert "wāhine Māori" in preview.recommendations[1].text
    assert preview.next_report_due == dt.date(2022, 7, 1)
    assert any("due in July 2022" in w for w in preview.warnings)


def test_follow_up_by_a_date_and_urgent_measures(tmp_path: Path) -> None:
    """CCPR asks "by 28 March 2019"; CRC names urgent paragraphs "(para. 2)"."""
    preview = read_document(_short(
        tmp_path,
        "#C. Principal matters of concern and recommendations",
        "The State party should, and the Committee urges the State party to, repeal the "
        "provision.",
        "The Committee calls on the State party to establish an independent body.",
        "The Committee draws the State party’s attention to the recommendations concerning "
        "the following areas, in respect of which urgent measures must be taken: "
        "independent monitoring (para. 2) and juvenile justice (para. 1).",
        "In accordance with rule 75, paragraph 1, of the Committee’s rules of procedure, the "
        "State party is requested to provide, by 28 March 2019, information on the "
        "implementation of the recommendations made by the Committee in paragraphs 1 and 2 "
        "above.",
        "The Committee requests the State party to submit its next periodic report by 1 "
        "March 2027.", symbol="CCPR/C/NZL/CO/6", date="28 April 2016"))
    assert preview.document.body == "CCPR"
    assert [r.paragraph for r in preview.recommendations] == ["1", "2"]
    assert preview.follow_up_due == dt.date(2019, 3, 28)
    assert preview.important_paragraphs == ["2", "1"]
    assert preview.next_report_due == dt.date(2027, 3, 1)
    assert all(r.follow_up and r.important for r in preview.recommendations)


def test_a_named_paragraph_that_recommends_nothing_is_warned(tmp_path: Path) -> None:
    preview = read_document(_short(
        tmp_path,
        "#C. Concerns and recommendations",
        "The Committee recommends that the State party adopt a plan.",
        "The Committee requests the State party to provide, within one year, information "
        "on the implementation of the recommendations contained in paragraphs 1 and 9.",
        symbol="CRC/C/NZL/CO/6", date="21 October 2023"))
    assert preview.follow_up_due == dt.date(2024, 10, 21)
    assert any("paragraph 9" in w for w in preview.warnings)


def test_auto_numbered_word_paragraphs(tmp_path: Path) -> None:
    """Paragraph and sub-paragraph numbers that Word's numbering shows, not typed."""
    path = un_docs.auto_numbered_docx(tmp_path / "auto.docx", [
        "The Committee recommends that the State party:", "  Adopt a plan;",
        "  Fund it."])
    preview = read_document(path, symbol="CRC/C/NZL/CO/6")
    assert [r.paragraph for r in preview.recommendations] == ["1(a)", "1(b)"]
    assert preview.document.body == "CRC"
