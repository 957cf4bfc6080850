"""Why a record cannot be opened or written, said as it is: read-only (file or folder),
unreadable, locked, not a database, damaged, missing; a full disk during an import says
"disk full". Each is one line, exit 1 from `nmrf`, no traceback, and the database as it was.

As root (who writes any file) the read-only cases run `nmrf` without the capabilities that
allow that (setpriv), and are skipped, saying why, where setpriv is missing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import (
    DISK_FULL,
    LOCKED,
    READ_ONLY,
    RecordNotWritten,
    RecordUnavailable,
    not_written,
    open_record,
)
from tests.conftest import NZ_CSV
from tests.e2e.support import ROOT, assert_user_error, fingerprint, nmrf_in_process, nmrf_ok

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"


def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, who writes any file, and without setpriv to give "
                    "that up")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def _nmrf(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`nmrf --db DB ARGS…` as a user who cannot write a read-only file."""
    argv = [*_unprivileged(), sys.executable, "-m", "nmrf_desktop.cli.main", "--db", str(db),
            *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
                          check=False)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "New Zealand,WEOG,,Protect te reo Māori,Fiji,Asia-Pacific,,"
                    "Supported,5,Indigenous peoples,32\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, csv_file: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "record.sqlite3"
    nmrf_ok("import", "upr-info", csv_file, db=path)
    return path


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())
            if not p.name.endswith(("-wal", "-shm"))}


def _read_only(db: Path, *, folder: bool) -> Iterator[None]:
    target = db.parent if folder else db
    mode = target.stat().st_mode
    target.chmod(0o555 if folder else 0o444)
    try:
        yield
    finally:
        target.chmod(stat.S_IMODE(mode))


@pytest.mark.parametrize("folder", [False, True], ids=["file", "folder"])
def test_a_read_only_database_says_read_only_never_damaged(db: Path, csv_file: Path,
                                                           folder: bool) -> None:
    before, files = fingerprint(db), _listing(db.parent)
    for companion in ("-wal", "-shm"):  # (with them there, SQLite can write: not read-only)
        db.with_name(db.name + companion).unlink(missing_ok=True)
    for _ in _read_only(db, folder=folder):
        for args in (("import", "upr-info", csv_file), ("assign", "--agency", "MOJ")):
            line = assert_user_error(_nmrf(db, *args), str(db), "read-only")
            assert "damaged" not in line
            assert ("its folder" in line) == folder, line
        done = _nmrf(db, "check")  # reading may work: "ok"; else it says read-only
        assert "damaged" not in done.stderr and "Traceback" not in done.stderr
        assert done.stdout == "ok\n" or "read-only" in done.stderr, done.stderr
    assert fingerprint(db) == before
    assert _listing(db.parent) == files


def test_an_unreadable_database_says_permission_denied(db: Path) -> None:
    before = fingerprint(db)
    db.chmod(0)
    try:
        for args in (("stats",), ("check",)):
            line = assert_user_error(_nmrf(db, *args), str(db), "permission denied")
            assert "damaged" not in line and "not a database" not in line
    finally:
        db.chmod(0o600)
    assert fingerprint(db) == before


def test_not_a_database_damaged_and_missing_are_told_apart(tmp_path: Path, db: Path) -> None:
    text = tmp_path / "notes.sqlite3"
    text.write_text("these are notes, not a database\n" * 200, encoding="utf-8")
    assert_user_error(_nmrf(text, "stats"), str(text), "file is not a database")

    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), page):  # every b-tree page header after the first
        data[offset] = 0x42
    damaged.write_bytes(bytes(data))
    line = assert_user_error(_nmrf(damaged, "check"), str(damaged))
    assert "damaged" in line or "malformed" in line, line
    assert "read-only" not in line

    missing = tmp_path / "nowhere.sqlite3"
    assert_user_error(_nmrf(missing, "stats"), f"no record at {missing}")
    assert not missing.exists()


def test_a_lock_held_by_another_program_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as holder, \
            closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as other:
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("CREATE TABLE t (x)")
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("BEGIN IMMEDIATE")
        holder.execute("ROLLBACK")
    refused = not_written(caught.value, path, "nothing was imported")
    assert refused is not None and refused.reason == LOCKED
    assert str(refused).startswith(f"the database {path} is locked by another program")
    assert not_written(sqlite3.IntegrityError("UNIQUE constraint failed"), path, "x") is None


def test_read_only_through_the_service_is_record_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    open_record(path).close()
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as ro, \
            pytest.raises(sqlite3.OperationalError) as caught:
        ro.execute("CREATE TABLE t (x)")
    refused = not_written(caught.value, path, "the change was not saved")
    assert refused is not None and refused.reason == READ_ONLY
    assert "read-only" in str(refused) and str(refused).endswith("the change was not saved")


# -- a full disk during an import ---------------------------------------------------------

@pytest.fixture
def full_database() -> Iterator[None]:
    """Every SQLite connection opened meanwhile may not grow its file by more than a few
    pages: SQLite then answers SQLITE_FULL, as on a full disk."""
    def cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if isinstance(dbapi_connection, sqlite3.Connection):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {max(pages, 1) + 2}")
    event.listen(Pool, "connect", cap)
    try:
        yield
    finally:
        event.remove(Pool, "connect", cap)


def test_a_full_disk_during_an_import_says_disk_full_and_changes_nothing(
        db: Path, full_database: None) -> None:
    before = fingerprint(db)
    record = open_record(db, create=False)
    try:
        with pytest.raises(RecordNotWritten) as caught:
            import_files(record, "upr-info", [NZ_CSV])
    finally:
        record.close()
    assert caught.value.reason == DISK_FULL and isinstance(caught.value, RecordUnavailable)
    assert str(caught.value).startswith(f"disk full: the database {db} cannot grow")
    assert "nothing was imported" in str(caught.value)
    assert fingerprint(db) == before


def test_nmrf_import_on_a_full_disk_is_one_line_exit_1(db: Path,
                                                       full_database: None) -> None:
    before = fingerprint(db)
    code, out, err = nmrf_in_process("import", "upr-info", NZ_CSV, db=db)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("nmrf: disk full: the database") and err.count("\n") == 1, err
    assert fingerprint(db) == before


@pytest.mark.skipif(not (os.path.exists("/dev/full")
                         and stat.S_ISCHR(os.stat("/dev/full").st_mode)),
                    reason="no /dev/full (a device whose every write fails: no space left)")
def test_output_to_a_full_device_says_disk_full(db: Path) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run([sys.executable, "-m", "nmrf_desktop.cli.main", "--db", str(db),
                               "search", "Māori", "--json"], stdout=full,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT,
                              check=False, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("nmrf: disk full"), done.stderr
