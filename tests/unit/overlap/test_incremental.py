"""Adding recommendations re-indexes only them and gives the clusters a rebuild gives."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from sqlalchemy import select

from nmrf_desktop.services import overlap
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import overlap as store
from nmrf_desktop.store.overlap_models import OverlapDoc


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


def test_an_index_written_by_an_earlier_version_is_read_again(record: Record, nz_csv: Path
                                                              ) -> None:
    """Entries indexed before clauses and concepts were kept (terms only, an older
    fingerprint) are re-indexed on the next update, which then equals a rebuild."""
    import_files(record, "upr-info", [nz_csv])
    overlap.update(record)
    fresh = {(c.id, c.references) for c in overlap.clusters(record)}
    with record.unit_of_work() as session:
        docs = session.execute(select(OverlapDoc)).scalars().all()
        for doc in docs:
            doc.terms = json.dumps(store.Features.loads(doc.terms).counts)
            doc.fingerprint = hashlib.sha256(b"an older fingerprint").hexdigest()
    assert store.Features.loads('{"a": 1.0}') == store.Features({"a": 1.0}, [], ())
    report = overlap.update(record)
    assert (report.added, report.changed, report.removed) == (0, 228, 0)
    assert {(c.id, c.references) for c in overlap.clusters(record)} == fresh


def test_the_spec_carries_the_vectors_and_numpy() -> None:
    spec = (Path(__file__).resolve().parents[3] / "packaging" / "nmrf-desktop.spec").read_text(
        encoding="utf-8")
    assert 'tree("resources/overlap")' in spec
    excludes = spec[spec.index("EXCLUDES = ["):]
    assert '"numpy"' not in excludes[:excludes.index("]")]
