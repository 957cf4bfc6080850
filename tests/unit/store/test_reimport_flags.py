"""A re-import updates what the source says and keeps what the coordinator decided."""

from __future__ import annotations

import csv
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.assigning import flag
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record


def test_reimport_keeps_te_tiriti_and_withdrawn_flags(nz_record: Record, nz_csv: Path,
                                                      tmp_path: Path) -> None:
    rows = search_recommendations(nz_record, Filters(text="Maori"), limit=2)
    flag(nz_record, [rows[0].id], te_tiriti=True)
    flag(nz_record, [rows[1].id], withdrawn=True)
    changed = tmp_path / "nz.csv"
    with nz_csv.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    for row in table:  # the source now files these two under one more issue
        if row["Text"] in (rows[0].text, rows[1].text):
            row["Issue"] += ",Minorities"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    report = import_files(nz_record, "upr-info", [changed])
    assert (report.updated, report.unchanged) == (2, 226)
    assert import_files(nz_record, "upr-info", [nz_csv]).updated == 2  # and back
    after = {r.id: r for r in search_recommendations(nz_record, Filters(), limit=None)}
    assert after[rows[0].id].te_tiriti and after[rows[1].id].withdrawn
    assert sum(r.te_tiriti for r in after.values()) == 1
