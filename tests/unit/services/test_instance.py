"""The single-instance guard: a second app on one database is refused; stale locks recover."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nmrf_desktop.services.instance import DatabaseInUse, InstanceGuard, lock_path, read_holder

HOLD = """
import sys
from nmrf_desktop.services.instance import InstanceGuard
guard = InstanceGuard(sys.argv[1]).acquire()
print("locked", flush=True)
sys.stdin.readline()
"""


def _holder(database: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(database)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_two_guards_on_one_database_the_second_is_refused(db_path: Path) -> None:
    first = InstanceGuard(db_path).acquire()
    with pytest.raises(DatabaseInUse) as refused:
        InstanceGuard(db_path).acquire()
    assert refused.value.holder["pid"] == os.getpid()
    assert "already open" in str(refused.value)
    assert lock_path(db_path) == db_path.with_name("record.sqlite3.lock")
    first.release()
    first.release()  # twice is fine
    with InstanceGuard(db_path) as again:
        assert again.held
    assert read_holder(db_path) == {}  # released cleanly: nobody holds it
    other = InstanceGuard(db_path.with_name("other.sqlite3")).acquire()  # another database
    other.release()


def test_a_second_process_is_refused_and_a_dead_ones_lock_is_recovered(db_path: Path) -> None:
    proc = _holder(db_path)
    try:
        with pytest.raises(DatabaseInUse) as refused:
            InstanceGuard(db_path).acquire()
        assert refused.value.holder["pid"] == proc.pid
        assert f"process {proc.pid}" in str(refused.value)
    finally:
        proc.send_signal(signal.SIGKILL) if sys.platform != "win32" else proc.kill()
        proc.communicate(timeout=10)
    assert lock_path(db_path).exists()  # the crashed app's lock file is still there
    assert read_holder(db_path)["pid"] == proc.pid
    guard = InstanceGuard(db_path).acquire()  # ...and is taken over
    assert read_holder(db_path)["pid"] == os.getpid()
    guard.release()


def test_a_second_process_can_open_once_the_first_lets_go(db_path: Path) -> None:
    proc = _holder(db_path)
    proc.communicate("\n", timeout=10)
    assert proc.returncode == 0
    InstanceGuard(db_path).acquire().release()
