"""The check before Qt loads its X11 plugin: which libraries are missing, and what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from nmrf_desktop import platform_check

X11 = {"DISPLAY": ":0"}
QT = Path(PySide6.__file__).parent / "Qt"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")


@linux_only
def test_a_library_that_does_not_exist_is_named_by_its_package() -> None:
    libraries = {"libc.so.6": "libc6", "libnmrf-no-such-lib.so.9": "libnmrf-no-such9",
                 "libnmrf-also-missing.so.1": "libnmrf-also-missing1"}
    assert platform_check.missing_packages(libraries) == ["libnmrf-no-such9",
                                                          "libnmrf-also-missing1"]
    text = platform_check.check(X11, libraries)
    assert text is not None
    assert "sudo apt install libnmrf-no-such9 libnmrf-also-missing1\n" in text
    assert "libc6" not in text
    assert "reinstall" not in text.lower()


@linux_only
def test_nothing_to_say_when_every_library_loads() -> None:
    assert platform_check.check(X11, {"libc.so.6": "libc6", "libm.so.6": "libc6"}) is None


def test_a_package_is_named_once_for_two_of_its_libraries() -> None:
    libraries = {"libnmrf-a.so.1": "libnmrf", "libnmrf-b.so.1": "libnmrf"}
    assert platform_check.missing_packages(libraries) == ["libnmrf"]


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, False),  # no display: Qt fails on its own terms (or offscreen is used)
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb:nograb;wayland"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, False),
    # A Wayland session: Qt 6 takes its Wayland plugin, which needs none of them.
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, True),
])
@linux_only
def test_only_when_qt_is_about_to_load_xcb(environ: dict[str, str], expected: bool) -> None:
    assert platform_check.uses_xcb(environ) is expected
    missing = {"libnmrf-no-such-lib.so.9": "libnmrf-no-such9"}
    assert (platform_check.check(environ, missing) is not None) is expected


@linux_only
@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd lists what the loader needs")
def test_the_table_names_every_x11_library_the_xcb_plugin_needs() -> None:
    """What ldd says Qt's xcb plugin loads, outside PySide6, is in the table (so a new Qt
    that needs one more library fails here, not on an officer's laptop)."""
    plugin = QT / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        pytest.skip("this PySide6 has no xcb plugin")
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True,
                         check=True).stdout
    needed = {line.split()[0] for line in out.splitlines() if "=>" in line}
    x11 = {name for name in needed
           if name.startswith(("libxcb", "libX11", "libxkbcommon", "libGL.", "libEGL."))}
    assert x11, out
    assert x11 <= set(platform_check.XCB_LIBRARIES), x11 - set(platform_check.XCB_LIBRARIES)


def test_the_app_exits_1_with_the_message_instead_of_qt_abort(tmp_path: Path) -> None:
    """The real entry point, with one library the table names made unloadable."""
    script = (
        "import sys\n"
        "from nmrf_desktop import app, platform_check\n"
        "platform_check.XCB_LIBRARIES = {'libnmrf-no-such-lib.so.9': 'libnmrf-no-such9'}\n"
        "sys.exit(app.main([]))\n")
    env = {"DISPLAY": ":99", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "NMRF_DATA_DIR": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path),
           "NMRF_POLICY_FILE": ""}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, cwd=Path(__file__).resolve().parents[2])
    if not sys.platform.startswith("linux"):
        pytest.skip("X11 is Linux's")
    assert done.returncode == 1, done.stderr
    assert "sudo apt install libnmrf-no-such9" in done.stderr
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr
    assert done.stdout == ""
