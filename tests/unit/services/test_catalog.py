"""The integrity check on a damaged SQLite file: its problems named, never an exception."""

from __future__ import annotations

from pathlib import Path

from nmrf_desktop.services import catalog
from nmrf_desktop.services.record import Record, open_record


def test_a_file_damaged_past_what_opening_reads_is_one_problem_naming_it(
        nz_record: Record, db_path: Path) -> None:
    nz_record.close()
    size = db_path.stat().st_size
    with db_path.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 16384)
    record = open_record(db_path)  # the schema pages are sound: it opens
    try:
        problems = catalog.check(record)
    finally:
        record.close()
    assert problems == [f"{db_path.resolve()} is damaged: database disk image is malformed"]


def test_file_problems_before_opening(nz_record: Record, db_path: Path, tmp_path: Path) -> None:
    nz_record.close()
    assert catalog.file_problems(db_path) == []
    assert catalog.file_problems(tmp_path / "not-made-yet.sqlite3") == []
    assert catalog.file_problems(f"sqlite:///{db_path}") == []
    assert catalog.file_problems("postgresql://nmrf@localhost/nmrf") == []
    empty = tmp_path / "empty.sqlite3"
    empty.touch()  # SQLite's new database
    assert catalog.file_problems(empty) == []
    with db_path.open("r+b") as fh:
        fh.truncate(db_path.stat().st_size // 3)
    assert catalog.file_problems(db_path)[0] == (f"{db_path.resolve()} is damaged: database "
                                                 "disk image is malformed")
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database\n" * 100, encoding="utf-8")
    assert catalog.file_problems(notes) == [f"{notes.resolve()} is not a database"]
