"""Save PNG screenshots of the main views on the demo database (offscreen, no display needed).

Usage: python packaging/screenshots.py [OUT_DIR]   (default: resources/screenshots/)
       python packaging/screenshots.py --guide     (the user guide's pictures and shortcuts)

The demo database is copied to a temporary folder and given one example action (with an
evidence file) and one progress update, so the detail pane shows what officers record;
the user's own demo database and settings are never touched.

--guide writes the pictures of resources/guide/index.html into resources/guide/images/,
from the demo round trip (a central record and officers' laptops built from the demo data,
with real keys, packs and bundles), and rewrites the guide's table of keyboard shortcuts
from the window's menus.
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

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTemporaryDir
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QWidget

from nmrf_desktop import paths
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.entry import add_progress, attach_file, create_action
from nmrf_desktop.services.exchange.roundtrip import demo_roundtrip
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.help import content as guide_content, shortcuts as guide_shortcuts
from nmrf_desktop.ui.reports.hub import PDF
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.screenshot import capture, save_png, settle, wait_until

log = logging.getLogger("screenshots")
SIZE = (1280, 800)
GUIDE_WIDTH = 700  # no picture wider: the guide window shows it without scrolling
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


def _shot(widget: QWidget, path: Path, width: int = GUIDE_WIDTH) -> Path:
    """A PNG of `widget`, scaled down to `width` pixels when wider."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    if width and image.width() > width:
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    if not image.save(str(path), "PNG", 0):  # 0: smallest file
        raise OSError(f"could not write the screenshot {path}")
    log.info("picture saved: %s (%dx%d, %d KB)", path.name, image.width(), image.height(),
             path.stat().st_size // 1024)
    return path


def _open_window(runner: TaskRunner, database: Path) -> MainWindow:
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    window.resize(*SIZE)
    window.open_database(database)
    window.show()
    if not wait_until(lambda: window.database_path is not None and window.is_idle()):
        raise RuntimeError(f"{database} did not open")
    settle(window)
    window.statusBar().clearMessage()  # "Opened /tmp/…" says nothing to a reader
    return window


def _dialog(window: MainWindow, opened: object = None) -> QWidget:
    """The dialog just opened (given, or the visible modal one), once its work is done."""
    def found() -> QWidget | None:
        if isinstance(opened, QWidget):
            return opened
        return QApplication.activeModalWidget() or next(
            (w for w in QApplication.topLevelWidgets()
             if isinstance(w, QDialog) and w.isVisible()), None)
    if not wait_until(lambda: found() is not None, 10_000):
        raise RuntimeError("the dialog did not open")
    wait_until(lambda: not window.runner.busy, 10_000)
    dialog = found()
    assert dialog is not None
    QApplication.processEvents()
    return dialog


def _officer_pictures(runner: TaskRunner, laptop: Path, out: Path) -> list[Path]:
    window = _open_window(runner, laptop)
    written: list[Path] = []
    try:
        window.filter_panel.mine.setChecked(True)
        window.search_box.setText("justice")
        settle(window)
        window.select_row(0)
        wait_until(lambda: window.detail.current_id is not None and window.is_idle())
        settle(window)
        written.append(_shot(window, out / "main-window.png"))

        profile = window.session.edit_profile(first_run=False)
        dialog = _dialog(window, profile)
        written.append(_shot(dialog, out / "first-run.png"))
        dialog.close()

        detail = window.detail.detail
        linked = detail.actions[0].action.id if detail and detail.actions else None
        opened = window.editing.edit_action(linked) if linked else window.editing.new_action()
        dialog = _dialog(window, opened)
        written.append(_shot(dialog, out / "action-dialog.png"))
        dialog.close()

        window.editing.new_update()
        dialog = _dialog(window)
        written.append(_shot(dialog, out / "progress-update.png"))
        dialog.close()

        window.exchange.export_bundle()
        dialog = _dialog(window)
        written.append(_shot(dialog, out / "export-bundle.png"))
        dialog.close()

        dialog = _dialog(window, window.reports.open_dialog(PDF))
        written.append(_shot(dialog, out / "print-pdf.png"))
        dialog.close()

        window.safety.show_settings()
        wait_until(lambda: getattr(window.safety, "dialog", None) is not None, 10_000)
        dialog = _dialog(window, window.safety.dialog)
        written.append(_shot(dialog, out / "settings.png"))
        dialog.close()
    finally:
        window.close()
    return written


def _coordinator_pictures(runner: TaskRunner, central: Path, out: Path) -> list[Path]:
    window = _open_window(runner, central)
    written: list[Path] = []
    try:
        inbox = window.exchange.inbox
        window.tabs.setCurrentWidget(inbox)
        wait_until(lambda: window.is_idle() and not window.runner.busy)
        table = inbox.findChild(QTableView)
        if table is not None and table.model().rowCount() > 0:
            table.selectRow(0)  # its detail below the list
            wait_until(lambda: not window.runner.busy, 10_000)
        settle(window)
        written.append(_shot(inbox, out / "inbox.png"))  # the tab alone: legible at 700 px

        window.exchange.export_packs()
        dialog = _dialog(window)
        written.append(_shot(dialog, out / "export-packs.png"))
        dialog.close()

        window.exchange.show_keys()
        dialog = _dialog(window, window.exchange._keys_dialog)
        wait_until(lambda: not window.runner.busy, 10_000)
        QApplication.processEvents()
        written.append(_shot(dialog, out / "signing-keys.png"))
        dialog.close()
    finally:
        window.close()
    return written


def take_guide(out_dir: Path) -> list[Path]:
    """The user guide's pictures, from the demo round trip; and its shortcuts table."""
    scratch = Path(tempfile.mkdtemp(prefix="nmrf-guide-"))
    # Backups made on closing these windows go to the scratch folder, not the user's.
    os.environ["NMRF_DATA_DIR"] = str(scratch / "data")
    runner = TaskRunner()
    try:
        summary = demo_roundtrip(scratch / "roundtrip")
        central = Path(summary["central_database"])
        laptop = Path(summary["officer_databases"]["aroha"])
        for path, profile in ((central, Profile("coordinator", "", "Secretariat")),
                              (laptop, Profile("officer", "MOJ", "Aroha Ngata"))):
            record = open_record(path)
            try:
                save_profile(record, profile)
                if path == laptop:  # something not sent yet, for the export dialog
                    first = catalog.search_recommendations(
                        record, Filters(text="justice", agency="MOJ"), limit=1)[0]
                    add_progress(record, ProgressDraft(
                        recommendation_id=first.id, agency="MOJ",
                        status=ImplementationStatus.IN_PROGRESS,
                        narrative="Te Uepū report response agreed; engagement with iwi and "
                                  "whānau continues.", as_of=dt.date(2025, 9, 30)))
            finally:
                record.close()
        written = _officer_pictures(runner, laptop, out_dir)
        written += _coordinator_pictures(runner, central, out_dir)
        written.append(write_shortcuts(runner))
    finally:
        runner.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
    wanted = {Path(src).name for src in guide_content.images()}
    missing = wanted - {p.name for p in written}
    if missing:
        raise RuntimeError(f"the guide names pictures this script does not make: {missing}")
    return written


def write_shortcuts(runner: TaskRunner) -> Path:
    """The guide's keyboard shortcuts, as the window's menus have them now."""
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    try:
        page = guide_content.guide_file()
        text = page.read_text(encoding="utf-8")
        rows = guide_shortcuts.shortcuts(window)
        page.write_text(guide_shortcuts.with_table(text, rows), encoding="utf-8")
        log.info("shortcuts table: %d commands", len(rows))
        return page
    finally:
        window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path,
                        default=paths.resources_dir() / "screenshots")
    parser.add_argument("--guide", action="store_true",
                        help="write the user guide's pictures (into resources/guide/images/ "
                             "unless OUT_DIR is given) and its shortcuts table")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Never read or write the user's settings: a fixed, first-run look.
    scratch = QTemporaryDir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch.path())
    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION)
    if args.guide:
        chosen = argv is not None and any(not a.startswith("-") for a in argv)
        images = args.out_dir if chosen else guide_content.guide_dir() / "images"
        written = take_guide(images)
    else:
        written = take(args.out_dir)
    for path in written:
        log.info("wrote %s", path)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
