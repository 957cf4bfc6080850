"""UPR matrices: the real 3rd-cycle file, both layouts as built, recommending States."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.importers.documents.model import DocumentKind
from nmrf_desktop.importers.documents.reader import read_document
from nmrf_desktop.importers.documents.states import split_states
from tests.unit.importers.documents import un_docs

REAL = (Path(__file__).resolve().parents[5] / "shared" / "data" / "un-documents"
        / "upr34-slovenia-thematic-list-of-recommendations.docx")


@pytest.mark.skipif(not REAL.exists(), reason="the shared real documents are not here")
def test_real_slovenia_matrix_gives_215_recommendations() -> None:
    preview = read_document(REAL)
    recs = {r.paragraph: r for r in preview.recommendations}
    assert len(preview.recommendations) == 215 == len(recs)
    assert Counter(r.position for r in preview.recommendations) == {
        Position.SUPPORTED: 182, Position.NOTED: 33}
    assert preview.warnings == []
    info = preview.document
    assert (info.kind, info.country, info.upr_session, info.cycle, info.symbol) == (
        DocumentKind.UPR_MATRIX, "Slovenia", 34, 3, "A/HRC/43/15")
    first = recs["121.1"]
    assert first.recommending_states == ("France", "Lithuania")
    assert first.text == ("Ratify the International Convention for the Protection of All "
                          "Persons from Enforced Disappearance")
    assert first.themes == ("Acceptance of international norms", "Enforced disappearances")
    assert first.affected_groups == ("Disappeared persons",)
    assert first.sdgs == ("16",)
    assert first.section == "Acceptance of international norms"
    assert first.position_source == "A/HRC/43/15 - Para 121"
    # "(No. 29)" belongs to the text, not to the States
    assert recs["121.3"].recommending_states == (
        "United Kingdom of Great Britain and Northern Ireland",)
    assert recs["121.3"].text.endswith("Forced Labour Convention, 1930 (No. 29)")
    # a cluster of three States' recommendations, one paragraph
    assert recs["122.3"].recommending_states == ("Indonesia", "Niger", "Philippines")
    assert recs["122.3"].position is Position.NOTED
    assert recs["122.3"].position_source == "A/HRC/43/15/Add.1 - Para.5"
    assert recs["122.20"].sdgs == ("3", "16")


@pytest.mark.parametrize("cycle", [3, 4])
def test_both_layouts_read_the_same(tmp_path: Path, cycle: int) -> None:
    recs = un_docs.matrix_recs(21)
    path = un_docs.write_matrix(tmp_path / f"matrix{cycle}.docx", recs, cycle=cycle,
                                session=32 if cycle == 3 else 46)
    preview = read_document(path)
    assert preview.document.kind is DocumentKind.UPR_MATRIX
    assert (preview.document.country, preview.document.cycle) == ("New Zealand", cycle)
    assert preview.document.upr_session == (32 if cycle == 3 else 46)
    got = preview.recommendations
    assert [r.paragraph for r in got] == [f"140.{i}" for i in range(1, 22)]
    assert Counter(r.position for r in got) == {Position.SUPPORTED: 18, Position.NOTED: 3}
    assert got[0].recommending_states == ("France", "Lithuania")
    assert got[2].recommending_states == ("Chile", "Peru")  # the cluster
    assert got[0].themes == ("Acceptance of international norms",
                             "Equality & non-discrimination")
    assert got[0].section == "Acceptance of international norms"
    assert got[7].section == "Rights of indigenous peoples"
    assert got[7].affected_groups[0] == "Indigenous peoples"
    if cycle == 4:  # "Groups of Persons:" in the themes cell, goals in their own column
        assert got[0].affected_groups == ("Disappeared persons", "Public officials")
        assert got[0].sdgs == ("16", "5")
    else:  # "SDGs:" and "Affected persons:" inside the themes cell
        assert got[0].affected_groups == ("Disappeared persons",)
        assert got[0].sdgs == ("16",)
    assert got[1].position_source == "A/HRC/41/4 - Para 140"
    assert got[6].position_source == "A/HRC/41/4/Add.1 - Para.5"
    # te reo Māori survives Word
    assert "te reo Māori and tikanga Māori" in got[4].text
    assert preview.as_json()["recommendations"][4]["text"] == got[4].text


def test_second_cycle_theme_codes_and_missing_position(tmp_path: Path) -> None:
    """2nd-cycle matrices prefix themes with codes ("A12 …") and list "(Portugal,
    Slovakia)" in one parenthesis; a row with no position is kept with a warning."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = (
        "UPR of Slovenia (2nd Cycle – 20th session)\t\t\tThematic list of recommendations")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, (
            "Recommendation", "Position", "Full list of themes",
            "Assessment/comments on level of implementation"), strict=True):
        cell.text = text
    row = table.add_row()
    row.cells[0].merge(row.cells[3]).text = "Theme: A12 Acceptance of international norms"
    cells = table.add_row().cells
    cells[0].text = ("115.3 Ratify the Optional Protocol to the Convention on the Rights of "
                     "the Child on a communications procedure (Portugal, Slovakia);\n"
                     "Source of position: A/HRC/28/15/Add.1 - Para. 3")
    cells[1].text = "Supported"
    cells[2].text = ("A12 Acceptance of international norms\nB32 Racial discrimination\n"
                     "Affected persons:\n- children")
    cells = table.add_row().cells
    cells[0].text = "115.4 Ratify the Optional Protocol (Spain);"
    cells[2].text = "A12 Acceptance of international norms"
    cells = table.add_row().cells
    cells[0].text = "See the annex for the remaining recommendations"
    path = tmp_path / "upr20.docx"
    document.save(path)
    preview = read_document(path)
    first, second = preview.recommendations
    assert first.recommending_states == ("Portugal", "Slovakia")
    assert first.themes == ("Acceptance of international norms", "Racial discrimination")
    assert first.section == "Acceptance of international norms"
    assert first.affected_groups == ("children",)
    assert first.position_source == "A/HRC/28/15/Add.1 - Para. 3"
    assert (preview.document.upr_session, preview.document.cycle) == (20, 2)
    assert second.position is None
    assert any("115.4" in w and "no position" in w for w in preview.warnings)
    assert any("row 5 has no recommendation number" in w for w in preview.warnings)


@pytest.mark.parametrize(("text", "body", "states"), [
    ("Ratify it (France) (Lithuania);", "Ratify it", ("France", "Lithuania")),
    ("Ratify it (Chile, Peru)", "Ratify it", ("Chile", "Peru")),
    ("Ratify C189 (No. 189) (Philippines);", "Ratify C189 (No. 189)", ("Philippines",)),
    ("Ratify the Convention (ICRMW);", "Ratify the Convention (ICRMW)", ()),
    ("Protect LGBTI persons (Micronesia (Federated States of)).", "Protect LGBTI persons",
     ("Micronesia (Federated States of)",)),
    ("Do X (Indonesia); Consider Y (Niger);", "Do X (Indonesia); Consider Y",
     ("Indonesia", "Niger")),
    ("Protect Māori land rights (Aotearoa Pacific Union)", "Protect Māori land rights",
     ("Aotearoa Pacific Union",)),
])
def test_recommending_states(text: str, body: str, states: tuple[str, ...]) -> None:
    assert split_states(text) == (body, states)
