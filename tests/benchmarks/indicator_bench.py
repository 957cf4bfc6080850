"""Importing 10,000 indicator values (Open SDG layout, CSV) against csv + executemany alone.

`python -m tests.benchmarks.indicator_bench [RUNS]` prints the figures; `run(runs)` returns
them for the runner. The file: 25 years x 400 series (20 regions x 5 ethnicities x 4 sexes,
a blank cell being the total of its dimension), with Units and Observation status.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from nmrf_desktop.domain.indicators import IndicatorDraft
from nmrf_desktop.services import indicators
from nmrf_desktop.services.record import open_record

from .common import Figure, median, timed

VALUES = 10_000
_COLUMNS = ("Year", "Region", "Ethnicity", "Sex", "Units", "Observation status", "Value")


def make_file(path: Path, shift: float = 0.0) -> None:
    """10,000 rows; `shift` added to every value (a revised release: all changed)."""
    rng = random.Random(14)
    regions = ["", *(f"Region {i:02d}" for i in range(1, 20))]
    ethnicities = ["", "Māori", "Pacific peoples", "Asian", "European"]
    sexes = ["", "Female", "Male", "Another gender"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for year in range(2000, 2025):
        for region in regions:
            for ethnicity in ethnicities:
                for sex in sexes:
                    value = round(rng.uniform(1, 100) + shift, 3)
                    writer.writerow([year, region, ethnicity, sex, "Percentage (%)",
                                     "Normal value", value])
    path.write_text(out.getvalue(), encoding="utf-8")


def floor_once(folder: Path, path: Path) -> float:
    """Decode + csv module + executemany into a bare 7-column table, one transaction."""
    con = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(f"CREATE TABLE raw ({', '.join(f'c{i}' for i in range(len(_COLUMNS)))})")

    def work() -> None:
        reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""))
        next(reader)
        rows = list(reader)
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(_COLUMNS))})", rows)
        con.execute("COMMIT")

    try:
        return timed(work)
    finally:
        con.close()


def import_once(folder: Path, first: Path, revised: Path) -> tuple[float, float, float, float]:
    """(first import, the same again, a revised file: every value a new version, export)."""
    record = open_record(folder / "record.sqlite3")  # migrations are not timed
    try:
        indicators.add_indicator(record, IndicatorDraft(
            code="BENCH", title="Benchmark indicator", kind="outcome"))
        reports = []
        times = [timed(lambda p=p: reports.append(  # type: ignore[misc]
            indicators.import_values(record, "BENCH", p))) for p in (first, first, revised)]
        export = timed(lambda: indicators.export_values(record, "BENCH", folder / "out.csv"))
    finally:
        record.close()
    done = [(r.new, r.changed, r.unchanged) for r in reports]
    if done != [(VALUES, 0, 0), (0, 0, VALUES), (0, VALUES, 0)]:
        raise RuntimeError(f"the imports did not do the expected work: {done}")
    return times[0], times[1], times[2], export


def run(runs: int) -> list[Figure]:
    floors: list[float] = []
    results: list[tuple[float, float, float, float]] = []
    for _ in range(runs):  # interleaved, so load from other processes hits both alike
        folder = Path(tempfile.mkdtemp(prefix="nmrf-bench-indicator-"))
        try:
            first, revised = folder / "values.csv", folder / "revised.csv"
            make_file(first)
            make_file(revised, shift=0.5)
            floors.append(floor_once(folder, first))
            results.append(import_once(folder, first, revised))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    floor = median(floors)
    first, again, changed, export = (median([r[i] for r in results]) for i in range(4))
    return [
        Figure("indicator.floor", floor, "s", runs=runs, note="csv + executemany, bare table"),
        Figure("indicator.import", first, "s", floor, runs, "10,000 values, all new"),
        Figure("indicator.import.again", again, "s", floor, runs, "the same file: unchanged"),
        Figure("indicator.import.revised", changed, "s", floor, runs,
               "every value changed: 10,000 new versions"),
        Figure("indicator.export", export, "s", floor, runs, "10,000 current values to CSV"),
    ]


if __name__ == "__main__":
    for figure in run(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        sys.stdout.write(figure.line() + "\n")
