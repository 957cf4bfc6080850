"""SIGKILL in the middle of a large import leaves the database exactly as it was before."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nmrf_desktop.services.record import open_record
from tests.conftest import ALL_UPR_CSV
from tests.e2e.support import ROOT, fingerprint, nmrf_in_process, nmrf_ok, stats

# Seconds to wait, once the import's transaction has started writing pages to the WAL,
# before the kill: right away, part way, and late (which may land after the commit).
KILL_DELAYS = (0.0, 0.5, 2.5)


def _wal_size(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except FileNotFoundError:
        return 0


def _import_and_kill(db: Path, delay: float) -> tuple[bool, int | None]:
    """Start the import, SIGKILL it `delay` s after it began writing.

    Returns (whether writing was seen before the kill, the exit code).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "nmrf_desktop.cli.main", "--db", str(db), "import", "upr-info",
         *map(str, ALL_UPR_CSV)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    writing = False
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if _wal_size(db) > 0:  # uncommitted pages spilled into the WAL: mid-transaction
                writing = True
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
    return writing, process.returncode


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_import_leaves_the_database_as_it_was(nz_db: Path, tmp_path: Path) -> None:
    open_record(nz_db).close()  # at head and checkpointed: the WAL starts empty
    assert _wal_size(nz_db) == 0
    before, before_counts = fingerprint(nz_db), stats(nz_db)
    assert before_counts["recommendations"] == 228

    landed_mid_import: list[Path] = []
    for delay in KILL_DELAYS:
        db = tmp_path / f"killed-{delay}.sqlite3"
        shutil.copyfile(nz_db, db)
        writing, code = _import_and_kill(db, delay)

        if fingerprint(db) == before:
            assert stats(db) == before_counts
            if writing and code == -signal.SIGKILL:
                landed_mid_import.append(db)
        else:  # the kill came after the commit: all of the import is there
            assert stats(db)["recommendations"] == 41_062, f"half an import after {delay} s"
        assert nmrf_in_process("check", db=db) == (0, "ok\n", "")

    assert landed_mid_import, "no kill landed while the import was writing"

    # The interrupted import can simply be run again.
    db = landed_mid_import[0]
    out = nmrf_ok("import", "upr-info", *ALL_UPR_CSV, db=db)
    assert out.startswith("created 40834, updated 0, unchanged 228, rejected 0, "
                          "repeats merged 4")
    assert stats(db)["recommendations"] == 41_062
    assert nmrf_in_process("check", db=db) == (0, "ok\n", "")
