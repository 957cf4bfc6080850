"""Several data files imported one after another, each whole or not at all, as the app's
Import Recommendations does: a refused file changes nothing and the others still go in;
Cancel stops before the next file is written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nmrf_desktop.domain.records import ImportReport, RowProblem
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.progress import NO_PROGRESS, Cancelled, Progress
from nmrf_desktop.services.record import Record, RecordUnavailable

log = logging.getLogger(__name__)

IMPORTED, REFUSED, CANCELLED = "imported", "refused", "cancelled"
STEPS_PER_FILE = 2  # read and check; write


@dataclass(frozen=True, slots=True)
class FileToImport:
    path: Path
    kind: str  # one of services.importing.KINDS


@dataclass(slots=True)
class FileOutcome:
    """What became of one file: imported (its report), refused (every problem), cancelled."""

    file: FileToImport
    status: str
    report: ImportReport | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.report is not None and bool(self.report.created or self.report.updated)


class _OneFile:
    """The Progress an import of one file reports to: Cancel is heard before its write, never
    after it (the write is done then, and must be said to be)."""

    def __init__(self, outer: Progress) -> None:
        self._outer = outer
        self._left = STEPS_PER_FILE
        self.cancel_heard = False

    @property
    def left(self) -> int:
        return max(self._left, 0)

    def start(self, total: int, label: str = "") -> None:
        self._left = total

    def advance(self, amount: int = 1) -> None:
        self._left -= amount
        try:
            self._outer.advance(amount)
        except Cancelled:
            if self._left > 0:
                raise
            self.cancel_heard = True  # written already: stop before the next file

    def finish(self) -> None:
        pass


def import_each(record: Record, files: Sequence[FileToImport], *,
                encoding: str | None = None, skip_bad_rows: bool = False,
                progress: Progress = NO_PROGRESS) -> list[FileOutcome]:
    """Import each file in its own transaction, in order; one outcome per file."""
    progress.start(len(files) * STEPS_PER_FILE, "Importing")
    outcomes: list[FileOutcome] = []
    stop = False
    for item in files:
        if stop:
            outcomes.append(FileOutcome(item, CANCELLED))
            continue
        one = _OneFile(progress)
        try:
            report = import_files(record, item.kind, [item.path], skip_bad_rows=skip_bad_rows,
                                  encoding=encoding, progress=one)
        except Cancelled:
            outcomes.append(FileOutcome(item, CANCELLED))
            stop = True
            continue
        except ImportFailed as exc:
            outcomes.append(FileOutcome(item, REFUSED, problems=exc.problems))
        except (RecordUnavailable, OSError, ValueError) as exc:
            log.warning("import of %s failed: %s", item.path, exc)
            outcomes.append(FileOutcome(item, REFUSED, problems=[
                RowProblem(item.path.name, 0, "", str(exc))]))
        else:
            outcomes.append(FileOutcome(item, IMPORTED, report))
            stop = one.cancel_heard
            continue
        try:  # a refused file's steps not taken: counted done
            progress.advance(one.left)
        except Cancelled:
            stop = True
    progress.finish()
    log.info("imported %d file(s): %s", len(files),
             ", ".join(f"{o.file.path.name} {o.status}" for o in outcomes))
    return outcomes
