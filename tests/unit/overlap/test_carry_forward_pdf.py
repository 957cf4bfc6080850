"""Reports show lineage: a carried recommendation's entry says what it repeats, the earlier
one's what repeats it; read back from the PDF with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import carry_forward as cf, entry
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.catalog import ids_for_references
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest

OLD, NEW, DECLINED = "NZL-UPR5-064", "NZL-UPR18-009", "NZL-UPR18-008"


def _text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in pypdf.PdfReader(path).pages)


@pytest.fixture
def carried(nz_clustered: Record) -> Record:
    record = nz_clustered
    old = ids_for_references(record, [OLD])[OLD]
    assign(record, "MSD", AssignmentRole.CONTRIBUTING, ids=[old])
    entry.create_action(record, ActionDraft(title="Whānau income review", agency="MSD",
                                            recommendation_ids=(old,)))
    cf.carry(record, NEW, OLD)
    if any(c.earlier_reference == OLD for s in cf.suggestions(record, references=[DECLINED])
           for c in s.candidates):
        cf.decline(record, DECLINED, OLD)
    return record


@pytest.mark.parametrize("kind", ["agency", "thematic-list"])
def test_the_pdf_prints_the_lineage(carried: Record, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    result = build_pdf(carried, ReportRequest(kind, Filters(agency="MSD")), out)
    assert result.recommendations == 2  # the earlier one and the one it was carried to
    text = _text(out)
    assert "Repeats NZL-UPR5-064 (cycle 1)" in text
    assert "Repeated by NZL-UPR18-009 (cycle 2)" in text
    assert "Whānau income review" in text  # the carried action, macron and all
    # Only carried decisions are lineage: a declined pair prints nothing.
    assert not re.search(r"NZL-UPR18-008|not carried", text)


def test_after_undo_the_pdf_has_no_lineage(carried: Record, tmp_path: Path) -> None:
    [decision] = [x for x in cf.lineage(carried, NEW) if x.verdict == "carried"]
    assign(carried, "MOJ", AssignmentRole.LEAD, ids=[ids_for_references(carried, [NEW])[NEW]])
    cf.undo(carried, decision.id)  # MSD's assignment and the action's link go
    out = tmp_path / "after.pdf"
    build_pdf(carried, ReportRequest("agency", Filters(agency="MOJ")), out)
    text = _text(out)
    assert NEW in text and "Repeats" not in text and "Whānau income review" not in text
