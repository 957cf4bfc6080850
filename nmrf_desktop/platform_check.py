"""Before Qt loads its X11 (xcb) plugin: are the system libraries it needs there? If not, say which.

Qt's xcb plugin links about twenty X11 libraries that PySide6 does not ship. A stock
Debian or Ubuntu desktop lacks some of them (libxcb-cursor0 first), and then Qt aborts
with a message that suggests reinstalling the application. `missing_packages()` tries to
load each library the plugin needs (as the dynamic loader would) and names the Debian
packages of those that do not load, so the app can print one line to fix it instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

# Every system library that Qt's libqxcb.so and libQt6XcbQpa.so.6 need (their ELF NEEDED
# entries, PySide6 6.11), with its Debian and Ubuntu package. Qt's own libraries ship with
# PySide6; libc, libm, libstdc++ and libgcc_s are on every system, so they are not named.
XCB_LIBRARIES: Mapping[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    # Qt's GUI library itself needs these: present on any desktop, named for the rest.
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt is about to load the xcb plugin: on Linux, QT_QPA_PLATFORM unset or xcb,
    and an X display to connect to.

    Left unset in a Wayland session, Qt 6 picks its Wayland plugin, which needs none of
    these libraries: no check then.
    """
    if not sys.platform.startswith("linux") or not environ.get("DISPLAY"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY")
    return not wayland


def loads(soname: str) -> bool:
    """Whether the dynamic loader finds and loads this library (by its soname).

    The frozen app carries most of them beside Qt (PyInstaller copies what the build
    machine had, less libxcb.so.1 and libGL): a copy there counts.
    """
    bundled = getattr(sys, "_MEIPASS", None)
    for candidate in ([str(Path(bundled) / soname)] if bundled else []) + [soname]:
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return True
    return False


def missing_packages(libraries: Mapping[str, str] = XCB_LIBRARIES) -> list[str]:
    """The packages (in the order named) whose library does not load; empty when all do."""
    missing: list[str] = []
    for soname, package in libraries.items():
        if package not in missing and not loads(soname):
            missing.append(package)
    return missing


def message(packages: Iterable[str]) -> str:
    """What to tell the person starting the app, in plain words."""
    names = " ".join(packages)
    return ("NMRF Desktop cannot open its window: this computer lacks system libraries that "
            "Qt needs to draw windows on X11.\n"
            f"Install them, then start NMRF Desktop again:\n\n    sudo apt install {names}\n\n"
            "(Debian and Ubuntu package names; on other systems install the matching xcb "
            "libraries.)")


def check(environ: Mapping[str, str] | None = None,
          libraries: Mapping[str, str] | None = None) -> str | None:
    """None when the app can start; else the message naming the packages to install."""
    if not uses_xcb(os.environ if environ is None else environ):
        return None
    missing = missing_packages(XCB_LIBRARIES if libraries is None else libraries)
    return message(missing) if missing else None
