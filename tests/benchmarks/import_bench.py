"""Import of the 41,066 real UPR Info rows, against the floor of csv + executemany alone."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import tempfile
from pathlib import Path

from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record

from .common import UPR_INFO_FILES, Figure, median, timed

_RAW_COLUMNS = 11  # To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, ...


def floor_once(folder: Path, paths: list[Path]) -> float:
    """Decode + csv module + executemany into a bare 11-column table, one transaction."""
    con = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(f"CREATE TABLE raw ({', '.join(f'c{i}' for i in range(_RAW_COLUMNS))})")
    marks = ", ".join("?" * _RAW_COLUMNS)

    def work() -> None:
        rows: list[list[str]] = []
        for path in paths:
            reader = csv.reader(io.StringIO(path.read_bytes().decode("mac_roman"), newline=""))
            next(reader)
            rows.extend(reader)
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO raw VALUES ({marks})", rows)
        con.execute("COMMIT")

    try:
        return timed(work)
    finally:
        con.close()


def import_once(folder: Path, paths: list[Path]) -> tuple[float, float]:
    """(first import into a fresh, migrated database; re-import of the same files)."""
    record = open_record(folder / "record.sqlite3")  # migrations are not timed
    try:
        reports = []
        first = timed(lambda: reports.append(import_files(record, "upr-info", paths)))
        again = timed(lambda: reports.append(import_files(record, "upr-info", paths)))
    finally:
        record.close()
    created, unchanged = reports[0].created, reports[1].unchanged
    if created != 41_062 or unchanged != 41_062 or reports[1].created:
        raise RuntimeError(f"import did not do the expected work: created {created}, "
                           f"then unchanged {unchanged}")
    return first, again


def run(runs: int) -> list[Figure]:
    paths = list(UPR_INFO_FILES)
    if len(paths) != 5:
        raise FileNotFoundError(f"expected the five upr_info_sessions_*.csv files, found {paths}")
    floors: list[float] = []
    firsts: list[float] = []
    agains: list[float] = []
    for _ in range(runs):  # interleaved, so load from other processes hits both alike
        folder = Path(tempfile.mkdtemp(prefix="nmrf-bench-import-"))
        try:
            floors.append(floor_once(folder, paths))
            first, again = import_once(folder, paths)
            firsts.append(first)
            agains.append(again)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    floor = median(floors)
    return [
        Figure("import.floor", floor, "s", runs=runs, note="csv + executemany, bare table"),
        Figure("import", median(firsts), "s", floor, runs, "41,066 rows, fresh database"),
        Figure("import.again", median(agains), "s", floor, runs, "re-import, all unchanged"),
    ]
