"""Composition root of the desktop app: arguments, QApplication, task runner, main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from nmrf_desktop import __version__, crash, i18n, paths, platform_check, policy, selftest
from nmrf_desktop.services import last_database, locations
from nmrf_desktop.services.locations import Location
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.screenshot import capture

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmrf-desktop",
        description="NMRF Desktop: follow up UN human-rights recommendations, offline.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--demo", action="store_true",
                       help="open the demo database (real New Zealand UPR recommendations)")
    which.add_argument("--db", metavar="PATH",
                       help="open (or create) this database file, or a central record on a "
                            "server: postgresql://user@host/database")
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help="save a PNG of the window once the database is shown, then exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation end to end in a temporary folder, "
                             "then exit (0 when every step passes)")
    parser.add_argument("--lang", metavar="LANG",
                        help="language of the interface, e.g. mi or en "
                             "(default: NMRF_LANG, else the system's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def startup_database(args: argparse.Namespace, last_opened: str = "") -> Location | None:
    """The database to open first; None means the demo.

    --db, then --demo, then NMRF_DB, then the database opened last time, then the
    default database if it exists; on a first run with none of these, the demo. One the
    organisation's policy does not allow is still returned: opening it is refused with a
    message naming the allowed folder, then the chooser is offered there.
    """
    if args.db:
        return locations.parse(args.db)
    if args.demo:
        return None
    if os.environ.get("NMRF_DB"):
        return locations.parse(os.environ["NMRF_DB"])
    demo = paths.demo_database().resolve()
    for candidate in (last_opened, str(policy.default_database())):
        if not candidate:
            continue
        where = locations.parse(candidate)
        if locations.is_server(where):
            return where
        if Path(where).is_file():
            return None if Path(where).resolve() == demo else where
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    crash.install()  # uncaught errors to a rotating log in the user log folder, user told
    if args.self_test:  # before any window is made; the exit code is the verdict
        return selftest.run()

    missing = platform_check.check()  # before Qt loads its X11 plugin and aborts
    if missing:
        log.info("not starting: X11 libraries missing")
        sys.stderr.write(missing + "\n")
        return 1

    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nmrf-desktop"])
    QApplication.setDesktopFileName("nmrf-desktop")

    i18n.install(app, args.lang)

    screenshot: Path | None = args.screenshot
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=screenshot is None,
                        ask_profile=screenshot is None)
    if screenshot is not None:
        window.resize(1280, 800)  # the same picture whatever the screen
    else:  # noted for `nmrf`, whose default is the database the app opened last
        window.databaseOpened.connect(last_database.remember)
    target = startup_database(args, "" if screenshot else (
        last_database.last_opened() or window_state.last_database()))
    if target is None:
        window.open_demo()
    else:
        refusal = None if locations.is_server(target) else policy.database_refusal(target)
        if refusal:  # the window says so too, then offers the chooser in the allowed folder
            log.warning("not opening %s: %s", target, refusal)
        window.open_database(target)
    window.show()
    try:
        if screenshot is not None:
            return 0 if capture(window, screenshot) else 1
        return app.exec()
    finally:
        window.close()
        runner.shutdown()


if __name__ == "__main__":
    sys.exit(main())
