"""Save PNG screenshots of the main views on the demo database (offscreen, no display needed).

Usage: python packaging/screenshots.py [OUT_DIR]   (default: resources/screenshots/)

The demo database is copied to a temporary folder and given one example action (with an
evidence file) and one progress update, so the detail pane shows what officers record;
the user's own demo database and settings are never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QTemporaryDir
from PySide6.QtWidgets import QApplication, QWidget

from nmrf_desktop import paths
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.entry import add_progress, attach_file, create_action
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.screenshot import capture, save_png, settle, wait_until

log = logging.getLogger("screenshots")
SIZE = (1280, 800)
EXAMPLE_QUERY = "Māori"


def example_database(folder: Path) -> tuple[Path, str]:
    """A copy of the demo with an example action and update; returns (path, shown id)."""
    target = folder / "nmrf-demo.sqlite3"
    shutil.copy(ensure_demo_database(), target)
    record = open_record(target)
    try:
        save_profile(record, Profile("officer", "MOJ", "Aroha Ngata"))
        hits = catalog.search_recommendations(record, Filters(text=EXAMPLE_QUERY), limit=2)
        first, second = hits[0].id, hits[1].id
        action = create_action(record, ActionDraft(
            title="Māori Crown relations work programme", agency="MOJ",
            description="Cross-agency programme answering the UPR recommendations on Māori "
                        "rights and Te Tiriti o Waitangi.",
            kind=ActionKind.PROGRAMME, status=ActionStatus.IN_PROGRESS,
            start_date=dt.date(2023, 7, 1), target_date=dt.date(2026, 6, 30),
            is_public=True, recommendation_ids=(first, second)))
        paper = folder / "cabinet-paper.txt"
        paper.write_text("Cabinet paper: Māori Crown relations work programme (example).\n",
                         encoding="utf-8")
        attach_file(record, paper, agency="MOJ", action_id=action.id)
        add_progress(record, ProgressDraft(
            recommendation_id=first, agency="MOJ", status=ImplementationStatus.IN_PROGRESS,
            narrative="Programme agreed by Cabinet; first engagement hui held in four regions.",
            as_of=dt.date(2025, 3, 31)))
    finally:
        record.close()
    return target, first


def _grab(widget: QWidget, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write the screenshot {path}")
    log.info("screenshot saved: %s", path)
    return path


def take(out_dir: Path) -> list[Path]:
    """Open the example database and save each view worth showing; returns the files."""
    scratch = Path(tempfile.mkdtemp(prefix="nmrf-shots-"))
    database, shown = example_database(scratch)
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    window.resize(*SIZE)
    window.open_database(database)
    window.show()
    written: list[Path] = []
    try:
        main = out_dir / "main-window.png"
        if not capture(window, main):
            raise RuntimeError("the demo database did not open")
        written.append(main)

        window.search_box.setText(EXAMPLE_QUERY)
        if not settle(window):
            raise RuntimeError("the search did not finish")
        window.select_row(max(0, window.model.row_of(shown)))
        wait_until(lambda: window.detail.current_id == shown and window.is_idle())
        settle(window)
        window.splitter.setSizes([260, 540])
        detail = out_dir / "detail-pane.png"
        save_png(window, detail)
        written.append(detail)

        linked = window.detail.detail.actions[0].action.id  # type: ignore[union-attr]
        dialog = window.editing.edit_action(linked)
        assert dialog is not None
        wait_until(lambda: window.is_idle(), 10_000)
        settle(window)
        written.append(_grab(dialog, out_dir / "action-dialog.png"))
        dialog.reject()

        window.show_overview()
        wait_until(lambda: window.is_idle(), 10_000)
        settle(window)
        overview = out_dir / "overview.png"
        save_png(window, overview)
        written.append(overview)
    finally:
        window.close()
        runner.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
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
