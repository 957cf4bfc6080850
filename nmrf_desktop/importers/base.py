"""What every importer shares: the error that names file, row and column, and cell checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nmrf_desktop.domain.records import RecommendationIn, RowProblem
from nmrf_desktop.domain.text import looks_like_formula
from nmrf_desktop.files import NotAFile, open_regular


class ImportFailed(Exception):
    """The input cannot be imported; `problems` names every bad file, row and column."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "import failed"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problems)" if more > 0 else ""))


@dataclass(slots=True)
class Parsed:
    """An importer's output: good rows, rejected rows, repeats merged into one, the layout
    found (said in the report) and rows that are not recommendations, counted by kind."""

    records: list[RecommendationIn] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)
    layout: str = ""
    skipped: dict[str, int] = field(default_factory=dict)


def unusable(path: Path, exc: OSError) -> ImportFailed:
    """ImportFailed naming the file and why it cannot be read (a folder, a FIFO, …)."""
    name = str(path)
    if isinstance(exc, FileNotFoundError):
        why = "file not found"
    elif isinstance(exc, IsADirectoryError):
        why = "is a folder, not a file"
    elif isinstance(exc, NotAFile):  # its strerror names the file: "x is a named pipe …"
        why = (exc.strerror or "").removeprefix(f"{path.name} ")
    else:
        why = f"cannot be read ({exc.strerror or exc})"
    return ImportFailed([RowProblem(name, 0, "", why)])


def read_file(path: Path) -> bytes:
    """The whole file, or ImportFailed naming why it cannot be read. Only a regular file is
    read: a folder, a named pipe or a device is refused at once, never waited on."""
    try:
        with open_regular(Path(path)) as fh:
            data = fh.read()
    except OSError as exc:
        raise unusable(Path(path), exc) from None
    if not data.strip():
        raise ImportFailed([RowProblem(str(path), 0, "", "the file is empty")])
    return data


def cut(value: str, limit: int = 40) -> str:
    """A cell's value for a message: repr'd, and cut short past `limit` characters."""
    return repr(value if len(value) <= limit else f"{value[:limit - 1]}…")


def check_text_cell(value: str, file: str, row: int, column: str) -> RowProblem | None:
    """A problem if the cell would run as a spreadsheet formula when exported again."""
    if looks_like_formula(value):
        return RowProblem(file, row, column,
                          f"starts with '{value[:1]}' and would run as a spreadsheet formula "
                          f"({value[:30]!r}); remove the leading character")
    return None


def merge_repeats(records: list[RecommendationIn], describe  # type: ignore[no-untyped-def]
                  ) -> tuple[list[RecommendationIn], list[str]]:
    """Merge rows with the same identity into the first; describe each repeat for the report.

    The union of their taxonomy terms is kept, so nothing read is lost.
    """
    first: dict[str, RecommendationIn] = {}
    repeats: list[str] = []
    for rec in records:
        seen = first.get(rec.source_id)
        if seen is None:
            first[rec.source_id] = rec
            continue
        seen.themes = tuple(dict.fromkeys(seen.themes + rec.themes))
        seen.groups = tuple(dict.fromkeys(seen.groups + rec.groups))
        seen.sdgs = tuple(dict.fromkeys(seen.sdgs + rec.sdgs))
        repeats.append(describe(rec, seen))
    return list(first.values()), repeats
