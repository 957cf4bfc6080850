"""The crash handler: an uncaught error is logged to the rotating user log, and the user told."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MAIN_THREAD = """
from nmrf_desktop import crash
crash.install(qt={qt})
def deep():
    raise RuntimeError("boom-in-main 42")
deep()
"""

WORKER_THREAD = """
import threading
from nmrf_desktop import crash
crash.install(qt=False)
def work():
    raise ValueError("boom-in-worker 7")
t = threading.Thread(target=work, name="nmrf-db_0")
t.start()
t.join()
print("still running", flush=True)
"""

QT_FATAL = """
from PySide6.QtCore import qFatal
from nmrf_desktop import crash
crash.install()
qFatal("the end of the world")
"""


def _run(code: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run `code` as a fresh process whose user log folder is under tmp_path."""
    env = os.environ | {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
                        "LOCALAPPDATA": str(tmp_path / "local"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, check=False, cwd=ROOT)
    probe = subprocess.run(
        [sys.executable, "-c", "from nmrf_desktop import paths; print(paths.user_log_dir())"],
        env=env, capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    folder = Path(probe.stdout.strip())
    assert folder.is_relative_to(tmp_path)
    return done, folder / "nmrf-desktop.log"


@pytest.mark.parametrize("qt", [False, True])
def test_an_uncaught_error_is_logged_and_the_user_told_where(tmp_path: Path, qt: bool) -> None:
    done, log_file = _run(MAIN_THREAD.format(qt=qt), tmp_path)
    assert done.returncode == 1
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL" in text and "unexpected error" in text
    assert "Traceback (most recent call last)" in text
    assert "in deep" in text and "RuntimeError: boom-in-main 42" in text
    # No QApplication: the user is told on stderr, with the log file's path.
    assert str(log_file) in done.stderr
    assert "boom-in-main 42" in done.stderr


def test_an_error_in_a_worker_thread_is_logged(tmp_path: Path) -> None:
    done, log_file = _run(WORKER_THREAD, tmp_path)
    assert done.returncode == 0 and "still running" in done.stdout
    text = log_file.read_text(encoding="utf-8")
    assert "unexpected error in thread nmrf-db_0" in text
    assert "ValueError: boom-in-worker 7" in text
    assert str(log_file) in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="abort() semantics differ")
def test_a_qt_fatal_message_is_logged_before_qt_aborts(tmp_path: Path) -> None:
    done, log_file = _run(QT_FATAL, tmp_path)
    assert done.returncode != 0
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL qt" in text and "Qt fatal error" in text
    assert "the end of the world" in text  # PySide logs qFatal's text just before the fatal
    assert str(log_file) in done.stderr


def test_the_log_rotates(tmp_path: Path) -> None:
    import logging

    from nmrf_desktop import crash

    before_hooks = sys.excepthook
    import threading

    before_thread_hook = threading.excepthook
    root = logging.getLogger()
    level = root.level
    try:
        target = crash.install(tmp_path / "logs", qt=False)
        chunk = "x" * 10_000
        for _ in range(crash.MAX_BYTES // 10_000 + 20):
            logging.getLogger("nmrf_desktop.test").warning(chunk)
        assert target.with_name(target.name + ".1").exists()
        assert target.stat().st_size <= crash.MAX_BYTES
    finally:
        if crash._handler is not None:
            root.removeHandler(crash._handler)
            crash._handler.close()
            crash._handler = None
        if crash._fault_stream is not None:
            import faulthandler

            faulthandler.disable()
            crash._fault_stream.close()
            crash._fault_stream = None
        sys.excepthook = before_hooks
        threading.excepthook = before_thread_hook
        root.setLevel(level)
