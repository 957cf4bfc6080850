"""The `nmrf-desktop` command: choosing the first database, and a real start and exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nmrf_desktop import app, paths


def _startup(argv: list[str], last: str = "") -> Path | None:
    return app.startup_database(app.build_parser().parse_args(argv), last)


def test_flags_choose_the_database(tmp_path: Path) -> None:
    assert _startup(["--demo"]) is None
    assert _startup(["--db", str(tmp_path / "x.sqlite3")]) == tmp_path / "x.sqlite3"
    with pytest.raises(SystemExit):
        app.build_parser().parse_args(["--demo", "--db", "x"])


def test_first_run_opens_the_demo_then_the_last_database(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert _startup([]) is None  # nothing opened before, no default database: the demo
    mine = tmp_path / "mine.sqlite3"
    mine.write_bytes(b"")
    assert _startup([], str(mine)) == mine
    assert _startup([], str(tmp_path / "deleted.sqlite3")) is None
    paths.demo_database().parent.mkdir(parents=True)
    paths.demo_database().write_bytes(b"")
    assert _startup([], str(paths.demo_database())) is None  # the demo, checked for staleness
    monkeypatch.setenv("NMRF_DB", str(mine))
    assert _startup([]) == mine


def _command() -> list[str]:
    script = Path(sys.executable).with_name("nmrf-desktop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nmrf_desktop.app"]


def test_nmrf_desktop_demo_starts_shows_the_window_and_exits(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = os.environ | {
        "QT_QPA_PLATFORM": "offscreen",
        "NMRF_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    done = subprocess.run([*_command(), "--demo", "--screenshot", str(shot)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    assert (tmp_path / "data" / "demo" / "nmrf-demo.sqlite3").is_file()
    assert "Traceback" not in done.stderr
