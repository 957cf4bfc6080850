"""Save PNG screenshots of the main window on the demo database (offscreen, no display needed).

Usage: python packaging/screenshots.py [OUT_DIR]   (default: resources/screenshots/)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QTemporaryDir
from PySide6.QtWidgets import QApplication

from nmrf_desktop import paths
from nmrf_desktop.ui import window_state
from nmrf_desktop.ui.main_window import MainWindow
from nmrf_desktop.ui.screenshot import capture, save_png, settle
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger("screenshots")
SIZE = (1280, 800)


def take(out_dir: Path) -> list[Path]:
    """Open the demo database and save each view worth showing; returns the files written."""
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=False)
    window.resize(*SIZE)
    window.open_demo()
    window.show()
    written: list[Path] = []
    try:
        main = out_dir / "main-window.png"
        if not capture(window, main):
            raise RuntimeError("the demo database did not open")
        written.append(main)

        window.search_box.setText("Māori")
        if not settle(window):
            raise RuntimeError("the search did not finish")
        window.select_row(0)
        settle(window)
        search = out_dir / "search-and-detail.png"
        save_png(window, search)
        written.append(search)
    finally:
        window.close()
        runner.shutdown()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path,
                        default=paths.resources_dir() / "screenshots")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Never read or write the user's settings: a fixed, first-run look.
    scratch = QTemporaryDir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch.path())
    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION)
    for path in take(args.out_dir):
        log.info("wrote %s", path)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
