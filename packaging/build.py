"""Build the frozen app into dist/nmrf-desktop/: translations, icon, then PyInstaller.

Usage: python packaging/build.py [--clean]

Needs the `package` extra (`pip install -e '.[package]'`). The result is one folder,
dist/nmrf-desktop/, with the executables nmrf-desktop (the app) and nmrf (the command
line); check it with `dist/nmrf-desktop/nmrf-desktop --self-test`.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "nmrf-desktop.spec"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
NAME = "nmrf-desktop"

log = logging.getLogger("build")


def compile_translations(out: Path) -> int:
    """Compile resources/translations/*.ts to .qm with Qt's lrelease (never committed)."""
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if not sources:
        return 0
    lrelease = _lrelease()
    for ts in sources:
        subprocess.run([*lrelease, str(ts), "-qm", str(out / f"{ts.stem}.qm")],
                       check=True, stdout=subprocess.DEVNULL)
    return len(sources)


def _lrelease() -> list[str]:
    """PySide6's lrelease, beside this Python (a venv) or on PATH."""
    scripts = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe", "lrelease"):
        found = (scripts / name) if (scripts / name).exists() else shutil.which(name)
        if found:
            return [str(found)]
    raise SystemExit("cannot compile translations: pyside6-lrelease not found")


def render_icon(out: Path) -> None:
    """The Windows executable's .ico, drawn from the SVG icon (Qt writes ICO)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (fonts, plugins)
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / f"{NAME}.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out / f"{NAME}.ico")):  # the suffix picks the ICO writer
        log.warning("could not write the .ico; the Windows executable keeps the default icon")


def run_pyinstaller(clean: bool) -> None:
    try:
        import PyInstaller.__main__
    except ImportError:
        raise SystemExit("PyInstaller is missing: pip install -e '.[package]'") from None
    args = [str(SPEC), "--noconfirm", "--log-level=WARN",
            f"--distpath={DIST}", f"--workpath={BUILD / 'pyinstaller'}"]
    if clean:
        args.append("--clean")
    os.environ["NMRF_BUILD_DIR"] = str(BUILD)
    PyInstaller.__main__.run(args)


def strip_libraries(folder: Path) -> int:
    """Remove debug symbols from the bundle's ELF libraries (Linux), except those in a
    wheel's `*.libs` folder: auditwheel relinks them with patchelf, and strip breaks their
    program headers. Returns how many were stripped."""
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or strip is None:
        return 0
    done = 0
    for path in sorted(folder.rglob("*")):
        if (path.is_symlink() or not path.is_file()
                or any(part.endswith(".libs") for part in path.relative_to(folder).parts)):
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        result = subprocess.run([strip, str(path)], capture_output=True, text=True,
                                check=False)
        if result.returncode == 0:
            done += 1
        else:
            log.warning("could not strip %s: %s", path, result.stderr.strip())
    return done


def folder_size(folder: Path) -> int:
    """Bytes on disk, each file once (the bundle links some libraries by symlink)."""
    return sum(p.lstat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink())


def warn_missing_optional() -> None:
    """The frozen app holds what this environment has: say what it will lack."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        log.warning("psycopg is not installed: the frozen app will open SQLite databases "
                    "only (pip install -e '.[postgres]' for a central record on PostgreSQL)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true",
                        help="discard PyInstaller's cache and analyse everything again")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="build: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the spec imports it: quiet
    started = time.monotonic()
    log.info("compiled %d translation(s)", compile_translations(BUILD / "translations"))
    if sys.platform == "win32":
        render_icon(BUILD / "icon")
    warn_missing_optional()
    run_pyinstaller(args.clean)
    exe = DIST / NAME / (f"{NAME}.exe" if sys.platform == "win32" else NAME)
    if not exe.is_file():
        log.error("PyInstaller finished but %s is missing", exe)
        return 1
    log.info("stripped %d libraries", strip_libraries(exe.parent))
    log.info("built %s (%.0f MB) in %.0f s", exe, folder_size(exe.parent) / 1e6,
             time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
