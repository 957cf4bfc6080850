"""`nmrf-desktop --self-test` from source: every step passes, and a broken step fails it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nmrf_desktop import paths, selftest

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_passes_from_source(tmp_path: Path) -> None:
    env = os.environ | {
        "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "NMRF_DATA_DIR": str(tmp_path / "nmrf")}
    done = subprocess.run([sys.executable, "-m", "nmrf_desktop.app", "--self-test"],
                          cwd=tmp_path, env=env | {"PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[0] for line in lines[1:-1]] == ["ok"] * len(selftest.STEPS)
    assert "'Māori'" in done.stdout and "written 'Maori'" in done.stdout
    assert lines[-1].startswith("self-test passed")
    assert not (tmp_path / "nmrf").exists(), "the self-test wrote to the user data folder"


def test_a_failing_step_fails_the_self_test(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "demo_source", lambda: tmp_path / "missing.csv")
    assert selftest.run() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("FAIL  2 import demo data: StepFailed: demo data missing")
    assert sum(line.startswith("ok ") for line in out) == 1
