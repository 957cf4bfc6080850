"""UHRI rows whose Type is not a recommendation (concerns, observations) are skipped, counted
by type in the import report, and never stored as recommendations."""

from __future__ import annotations

import json
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import ImportRun

from .uhri_workbook import row, write_uhri

NZ = "- New Zealand"
CRC = "- Committee on the Rights of the Child"


def _row(text: str, kind: str | None) -> dict[str, object]:
    values = row(Text=text, Countries_Concerned=NZ, Reccomending_Body=CRC,
                 Document_Symbol="CRC/C/NZL/CO/6", Document_Publication_Date="2023-02-28",
                 Themes="- Rights of the child")
    if kind is not None:
        values["Type"] = kind
    return values


def test_concerns_and_observations_are_skipped_with_a_count(record: Record,
                                                           tmp_path: Path) -> None:
    path = write_uhri(tmp_path / "crc.xlsx", [
        _row("25. The Committee is concerned that Māori children are over-represented in "
             "care.", "- Concerns"),
        _row("26. (a) Ensure that tamariki Māori in care are heard", "- Recommendations"),
        _row("26. (b) Fund whānau-led care", "Recommendation"),
        _row("27. The Committee notes the establishment of Oranga Tamariki.",
             "- Observations"),
        _row("28. The Committee is concerned about child poverty.", "- Concerns"),
        _row("29. (a) Reduce child poverty", None),  # no Type: a recommendation
        _row("30. (a) Both at once", "- Concerns\n- Recommendations"),
    ])
    report = import_files(record, "uhri", [path])
    assert (report.created, report.rejected) == (4, [])
    assert report.skipped == {"Concerns": 2, "Observations": 1}
    assert report.layouts == {"crc.xlsx": "UHRI 'Export to Excel'"}
    texts = sorted(browsing.detail(record, i).recommendation.text  # type: ignore[union-attr]
                   for i in browsing.all_ids(record, Filters()))
    assert texts == ["Both at once", "Ensure that tamariki Māori in care are heard",
                     "Fund whānau-led care", "Reduce child poverty"]
    with record.reading() as session:
        stored = json.loads(session.query(ImportRun).one().report)
    assert stored["skipped"] == {"Concerns": 2, "Observations": 1}


def test_a_bad_concern_row_does_not_block_the_recommendations(record: Record,
                                                             tmp_path: Path) -> None:
    concern = _row("25. concerned", "- Concerns")
    concern["Document Publication Date"] = "someday"  # would be a bad row if it were read
    path = write_uhri(tmp_path / "crc.xlsx", [concern, _row("26. (a) Act", "- Recommendations")])
    report = import_files(record, "uhri", [path])
    assert (report.created, report.rejected, report.skipped) == (1, [], {"Concerns": 1})
