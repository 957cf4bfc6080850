"""Several files imported one after another, as the app's Import Recommendations does: each
whole or not at all, a refused file changes nothing, Cancel stops before the next write."""

from __future__ import annotations

import csv
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.import_batch import (
    CANCELLED,
    IMPORTED,
    REFUSED,
    FileToImport,
    import_each,
)
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import ImportRun
from tests.conftest import NZ_CSV
from tests.unit.importers.biff8 import write_xls
from tests.unit.importers.test_upr_info_shapes import NATIVE, nz_rows, pledges


class Steps:
    """A real Progress (the protocol) that counts and is cancelled after `cancel_at` steps."""

    def __init__(self, cancel_at: int | None = None) -> None:
        self.done, self.total, self.cancel_at = 0, 0, cancel_at

    def start(self, total: int, label: str = "") -> None:
        self.total = total

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        if self.cancel_at is not None and self.done >= self.cancel_at:
            raise Cancelled()

    def finish(self) -> None:
        pass


def _ids(record: Record) -> int:
    return len(browsing.all_ids(record, Filters()))


def _runs(record: Record) -> int:
    with record.reading() as session:
        return session.query(ImportRun).count()


def _with_bad_rows(tmp_path: Path) -> Path:
    with NZ_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[3][10] = "ninety"  # a session that is not one
    rows[7][7] = "Maybe"  # a response that is none
    path = tmp_path / "two bad rows.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_refused_file_changes_nothing_and_the_others_go_in(tmp_path: Path,
                                                             record: Record) -> None:
    voluntary = write_xls(tmp_path / "voluntary.xls", [NATIVE, *pledges(40)])
    bad_rows = _with_bad_rows(tmp_path)
    steps = Steps()
    outcomes = import_each(record, [FileToImport(voluntary, "upr-info"),
                                    FileToImport(NZ_CSV, "upr-info"),
                                    FileToImport(bad_rows, "upr-info")], progress=steps)
    assert [o.status for o in outcomes] == [REFUSED, IMPORTED, REFUSED]
    assert [len(o.problems) for o in outcomes] == [1, 0, 2]
    assert "voluntary-pledges export" in outcomes[0].problems[0].message
    assert [(p.row, p.column) for p in outcomes[2].problems] == [(4, "Session"),
                                                                 (8, "Response")]
    assert outcomes[1].report is not None and outcomes[1].report.created == 228
    assert outcomes[1].changed and not outcomes[0].changed
    assert (_ids(record), _runs(record)) == (228, 1)  # the refused files left no trace
    assert steps.done == steps.total == 6


def test_good_rows_alone_when_asked(tmp_path: Path, record: Record) -> None:
    outcomes = import_each(record, [FileToImport(_with_bad_rows(tmp_path), "upr-info")],
                           skip_bad_rows=True)
    report = outcomes[0].report
    assert outcomes[0].status == IMPORTED and report is not None
    assert (report.created, len(report.rejected)) == (226, 2)


def test_cancel_before_a_write_writes_nothing_more(tmp_path: Path, record: Record) -> None:
    other = write_xls(tmp_path / "nz.xls", [NATIVE, *nz_rows()[:20]])
    # cancelled on the first file's first step (read, not yet written): nothing at all
    outcomes = import_each(record, [FileToImport(NZ_CSV, "upr-info"),
                                    FileToImport(other, "upr-info")], progress=Steps(1))
    assert [o.status for o in outcomes] == [CANCELLED, CANCELLED]
    assert (_ids(record), _runs(record)) == (0, 0)
    # cancelled as the first file's write ends: that file is in (and said to be), no more
    outcomes = import_each(record, [FileToImport(NZ_CSV, "upr-info"),
                                    FileToImport(other, "upr-info")], progress=Steps(2))
    assert [o.status for o in outcomes] == [IMPORTED, CANCELLED]
    assert (_ids(record), _runs(record)) == (228, 1)
