"""Adding recommendations re-indexes only them and gives the clusters a rebuild gives."""

from __future__ import annotations

import csv
from pathlib import Path

from nmrf_desktop.services import overlap
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record


def test_incremental_add_equals_rebuild(record: Record, nz_csv: Path, tmp_path: Path) -> None:
    with nz_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    first = tmp_path / "nz_2009.csv"
    with first.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0]] + [r for r in rows[1:] if r[-1] == "5"])
    import_files(record, "upr-info", [first])
    report = overlap.update(record)
    assert report.added == 73

    import_files(record, "upr-info", [nz_csv])
    report = overlap.update(record)
    assert (report.added, report.changed, report.removed) == (155, 0, 0)
    incremental = {(c.id, c.references) for c in overlap.clusters(record)}

    again = overlap.update(record)
    assert again.added == again.changed == again.removed == 0

    overlap.update(record, rebuild=True)
    assert {(c.id, c.references) for c in overlap.clusters(record)} == incremental
