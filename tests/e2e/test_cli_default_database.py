"""One default database for `nmrf` and the desktop app: --db, --demo, $NMRF_DB, else the
database the app opened last on this account (while it is there), else the default
database; `nmrf --help` says which is in force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nmrf_desktop import app, paths, policy
from nmrf_desktop.services import last_database
from tests.e2e.support import ROOT, nmrf, nmrf_ok


def _in_force(env: dict[str, str] | None = None) -> str:
    """The last line of `nmrf --help`: the database a command without --db works on."""
    return nmrf_ok("--help", env=env).splitlines()[-1]


def test_with_nothing_opened_before_the_default_database_is_used_and_named() -> None:
    default = policy.default_database()
    assert _in_force() == f"database in force: {default} (the default database)"
    done = nmrf("stats")
    assert done.returncode == 1
    assert done.stderr == f"nmrf: no record at {default}; create one with `nmrf init`\n"
    assert list(default.parent.iterdir()) == []  # the user data folder: nothing made
    assert nmrf_ok("init").endswith(f"{default}\n")
    assert nmrf_ok("stats").startswith("recommendations: 0\n")


def test_the_database_the_app_opened_last_is_the_default(nz_db: Path, tmp_path: Path) -> None:
    last_database.remember(str(nz_db))  # what the app does on opening a record
    assert _in_force() == (f"database in force: {nz_db} (the database the desktop app "
                           "opened last)")
    assert json.loads(nmrf_ok("stats", "--json"))["recommendations"] == 228
    other = tmp_path / "other.sqlite3"
    nmrf_ok("init", db=other)
    assert json.loads(nmrf_ok("stats", "--json", db=other))["recommendations"] == 0  # --db
    assert json.loads(nmrf_ok("stats", "--json", env={"NMRF_DB": str(other)})
                      )["recommendations"] == 0  # $NMRF_DB
    assert _in_force({"NMRF_DB": str(other)}) == f"database in force: {other} ($NMRF_DB)"
    nz_db.unlink()  # gone since: the default database, which is not there either
    done = nmrf("stats")
    assert done.stderr == (f"nmrf: no record at {policy.default_database()}; create one with "
                           "`nmrf init`\n")


def test_demo_is_the_apps_demo_database() -> None:
    demo = paths.demo_database()
    assert not demo.exists()
    counts = json.loads(nmrf_ok("--demo", "stats", "--json"))  # built on first use
    assert counts["recommendations"] == 228 and counts["assignments"] > 228
    assert demo.is_file()
    built = demo.stat().st_mtime_ns
    assert "NZL-UPR" in nmrf_ok("--demo", "search", "Māori", "--limit", "3")
    assert demo.stat().st_mtime_ns == built  # current: not built again
    both = nmrf("--demo", "--db", str(demo), "stats")
    assert both.returncode == 2 and both.stderr.startswith("nmrf: error: argument --db: not "
                                                           "allowed with argument --demo")
    # The app's first start opens the demo too; once it has, it is the default of both.
    last_database.remember(str(demo))
    assert app.startup_database(app.build_parser().parse_args([]),
                                last_database.last_opened()) is None  # None: the demo
    assert json.loads(nmrf_ok("stats", "--json"))["recommendations"] == 228


def test_the_app_notes_the_database_it_opens_for_nmrf(nz_db: Path, tmp_path: Path) -> None:
    """The real app, started on a record, notes it; `nmrf` then works on it, and the app
    starts there again."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path)}
    pointer = last_database.pointer_file()
    started = time.monotonic()
    with subprocess.Popen([sys.executable, "-m", "nmrf_desktop.app", "--db", str(nz_db)],
                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as desktop:
        try:
            while not pointer.is_file() and desktop.poll() is None:
                assert time.monotonic() - started < 90, "the app did not open the record"
                time.sleep(0.1)
        finally:
            desktop.terminate()
            _out, err = desktop.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert last_database.last_opened() == str(nz_db)
    assert json.loads(nmrf_ok("stats", "--json"))["recommendations"] == 228
    assert app.startup_database(app.build_parser().parse_args([]),
                                last_database.last_opened()) == nz_db


@pytest.mark.parametrize("argv", [["--help"], ["stats"]])
def test_a_default_under_a_data_folder_policy_stays_in_it(argv: list[str],
                                                          tmp_path: Path) -> None:
    allowed = tmp_path / "srv"
    allowed.mkdir()
    rules = tmp_path / "policy.toml"
    rules.write_text(f'[storage]\ndata_folder = "{allowed}"\n', encoding="utf-8")
    outside = tmp_path / "outside.sqlite3"
    nmrf_ok("init", db=outside)
    last_database.remember(str(outside))  # opened before the policy came
    done = nmrf(*argv, env={"NMRF_POLICY_FILE": str(rules)})
    if argv == ["--help"]:
        assert done.stdout.splitlines()[-1] == (f"database in force: {outside} (the database "
                                                "the desktop app opened last)")
    else:  # the policy's rule holds for the default as for --db
        assert done.returncode == 1
        assert done.stderr == (f"nmrf: your organisation allows databases only in {allowed}; "
                               f"{outside} is outside it\n")
