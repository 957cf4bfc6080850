"""Help → User Guide and F1: the bundled guide opens offline, at the section of each dialog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.exchange import PackImporter
from nmrf_desktop.ui.help import content, shortcuts, window as guide_window
from nmrf_desktop.ui.help.context import HELP_TOPIC, UserGuide
from nmrf_desktop.ui.help.window import GuideWindow
from nmrf_desktop.ui.reports.hub import PDF
from nmrf_desktop.ui.window.main_window import MainWindow

WAIT = 15_000
PACKAGE = Path(__file__).resolve().parents[2] / "nmrf_desktop"
# The offscreen platform can neither raise a window (the guide asks to be raised when shown)
# nor pass on size hints: neither says anything about the app.
OFFSCREEN = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)",
                                      r"This plugin does not support propagateSizeHints\(\)")
TOPIC_LINE = re.compile(r"""setProperty\(\s*["']help_topic["']\s*,\s*["']([^"']+)["']""")


def _guide(window: MainWindow) -> UserGuide:
    guide = UserGuide.of(window)
    assert guide is not None, "the main window has no user guide"
    return guide


def _shown_guide(window: MainWindow) -> GuideWindow | None:
    guide = _guide(window)
    shown = guide._window
    return shown if shown is not None and shown.isVisible() else None


def _press_f1(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """F1 where a person's key goes: the focused widget of that window."""
    widget.activateWindow()
    focus = widget.focusWidget() or widget
    qtbot.keyClick(focus, Qt.Key.Key_F1)


def _modal(qtbot, window: MainWindow) -> QWidget:  # type: ignore[no-untyped-def]
    def found() -> QWidget | None:
        shown = QApplication.activeModalWidget()
        if shown is None:
            shown = next((w for w in QApplication.topLevelWidgets()
                          if isinstance(w, QDialog | QMessageBox) and w.isVisible()), None)
        return shown
    qtbot.waitUntil(lambda: found() is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)
    shown = found()
    assert shown is not None
    return shown


def _check_f1(qtbot, window: MainWindow, dialog: QWidget, anchor: str) -> None:  # type: ignore[no-untyped-def]
    assert anchor in content.anchors(), anchor
    _press_f1(qtbot, dialog)
    qtbot.waitUntil(lambda: _shown_guide(window) is not None, timeout=WAIT)
    shown = _shown_guide(window)
    assert shown is not None
    assert shown.current_anchor == anchor, (dialog.objectName(), shown.current_anchor)
    assert shown.browser.source().fragment() == anchor
    assert shown.browser.source().toLocalFile() == str(content.guide_file())
    current = shown.contents.currentItem()
    assert current is not None and current.data(Qt.ItemDataRole.UserRole) == anchor
    # The section's heading is on screen: scrolled to it, not left at the top.
    if anchor not in ("first-run",):
        assert shown.browser.verticalScrollBar().value() > 0, anchor
    shown.close()
    qtbot.waitUntil(lambda: _shown_guide(window) is None, timeout=WAIT)
    assert dialog.isVisible(), "F1 closed the dialog"


@OFFSCREEN
def test_help_menu_and_f1_open_the_guide_offline(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    actions = window.window_actions
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == [
        "&User Guide", "&About NMRF Desktop"]
    assert actions.guide.shortcut().toString() == "F1"
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: _shown_guide(window) is not None, timeout=WAIT)
    shown = _shown_guide(window)
    assert shown is not None and shown.current_anchor == ""
    assert shown.browser.source().isLocalFile()
    text = shown.browser.toPlainText()
    assert "NMRF Desktop User Guide" in text and "Māori" in text
    titles = [shown.contents.item(i).text().strip() for i in range(shown.contents.count())]
    assert titles[0] == "Getting started: choose your role"
    assert "Keyboard shortcuts" in titles and "Register officers' keys" in titles
    assert len(titles) == len(content.sections()) >= 20

    # The contents list is a keyboard path too: arrow down, Enter, and the text follows.
    shown.contents.setFocus()
    shown.contents.setCurrentRow(0)
    qtbot.keyClick(shown.contents, Qt.Key.Key_Down)
    qtbot.keyClick(shown.contents, Qt.Key.Key_Return)
    second = content.sections()[1].anchor
    qtbot.waitUntil(lambda: shown.current_anchor == second, timeout=WAIT)
    assert shown.browser.source().fragment() == second

    # Find, then Back to where the reader was.
    qtbot.keyClicks(shown.find_box, "fingerprint")
    qtbot.keyClick(shown.find_box, Qt.Key.Key_Return)
    assert shown.browser.textCursor().selectedText().lower() == "fingerprint"
    qtbot.keyClicks(shown.find_box, "zzz-not-in-the-guide")
    assert not shown.find_next()
    shown.show_topic("conflicts")
    assert shown.back_button.isEnabled()
    qtbot.mouseClick(shown.back_button, Qt.MouseButton.LeftButton)
    assert shown.browser.source().fragment() == second
    shown.close()


@OFFSCREEN
def test_open_in_the_web_browser(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(guide_window, "open_in_system_browser",
                        lambda url: opened.append(url) or True)
    shown = _guide(window).open("export-bundle")
    qtbot.mouseClick(shown.browser_button, Qt.MouseButton.LeftButton)
    (url,) = opened
    assert url.isLocalFile() and Path(url.toLocalFile()) == content.guide_file()
    assert url.fragment() == "export-bundle"
    shown.close()


@OFFSCREEN
def test_f1_in_each_main_dialog_opens_its_section(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    """An officer's dialogs, then a coordinator's: F1 in each shows its part of the guide."""
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None and window.is_idle(),
                    timeout=WAIT)
    officer: list[tuple[str, Callable[[], object]]] = [
        ("first-run", window.session.edit_profile),
        ("record-action", window.editing.new_action),
        ("progress-update", window.editing.new_update),
        ("export-bundle", window.exchange.export_bundle),
        ("print-pdf", lambda: window.reports.open_dialog(PDF)),
        ("settings", window.safety.show_settings),
    ]
    seen = []
    for anchor, opening in officer:
        opening()
        dialog = _modal(qtbot, window)
        _check_f1(qtbot, window, dialog, anchor)
        seen.append(anchor)
        dialog.close()
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=WAIT)

    # Import Pack: a file that is no pack is refused, and F1 in that message explains packs.
    not_a_pack = tmp_path / "MOJ.nmrfpack"
    not_a_pack.write_bytes(b"not a zip")
    record = window.record
    assert record is not None
    _import_pack(window, not_a_pack)
    box = _modal(qtbot, window)
    assert box.objectName() == "packImportMessage"
    _check_f1(qtbot, window, box, "import-pack")
    seen.append("import-pack")
    box.close()

    window.session._apply_profile(Profile(role="coordinator", officer_name="Test Coordinator"))
    qtbot.waitUntil(lambda: window.is_idle() and not window.runner.busy, timeout=WAIT)
    window.exchange.show_keys()
    keys = window.exchange._keys_dialog
    assert keys is not None
    qtbot.waitUntil(keys.isVisible, timeout=WAIT)
    _check_f1(qtbot, window, keys, "signing-keys")
    seen.append("signing-keys")
    keys.close()
    window.exchange.export_packs()
    packs = _modal(qtbot, window)
    _check_f1(qtbot, window, packs, "export-packs")
    seen.append("export-packs")
    packs.close()
    assert len(seen) == 9


def _import_pack(window: MainWindow, path: Path) -> None:
    """What Exchange → Import Pack… does once the file is chosen."""
    record = window.record
    assert record is not None
    importer = PackImporter(window.runner, record, window)
    window.exchange._importer = importer
    importer.import_file(path)


def test_every_topic_a_dialog_names_is_a_section_of_the_guide() -> None:
    named = {m.group(1): path.relative_to(PACKAGE.parent)
             for path in PACKAGE.rglob("*.py")
             for m in TOPIC_LINE.finditer(path.read_text(encoding="utf-8"))}
    assert len(named) >= 9, named
    missing = {topic: str(path) for topic, path in named.items()
               if topic not in content.anchors()}
    assert not missing, f"help topics with no section in the guide: {missing}"
    assert HELP_TOPIC == "help_topic"


def test_the_guide_is_plain_offline_html_and_its_pictures_exist() -> None:
    page = content.guide_file().read_text(encoding="utf-8")
    assert re.search(r'<html lang="en">', page)
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:href|src)\s*=\s*["'](?:https?:|//|ftp:)""", page), \
        "the guide links outside itself"
    assert re.findall(r"<h1", page) == ["<h1"], "one title"
    for img in re.findall(r"<img\b[^>]*>", page):
        assert re.search(r'alt="[^"]{20,}"', img), f"no description for {img}"
    images = content.images()
    assert len(images) >= 8
    for src in images:
        path = content.guide_dir() / src
        assert path.is_file(), f"the guide shows a picture that is not there: {src}"
        assert path.suffix == ".png" and path.stat().st_size < 200_000, src
        assert not QImage(str(path)).isNull(), src
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links <= content.anchors(), links - content.anchors()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an anchor used twice"


@OFFSCREEN
def test_the_shortcuts_table_is_the_menus(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The guide's table lists every menu shortcut: rebuild it with
    `python packaging/screenshots.py --guide` when a menu changes."""
    rows = shortcuts.shortcuts(window)
    made = shortcuts.table_html(rows)
    page = content.guide_file().read_text(encoding="utf-8")
    assert shortcuts.guide_table(page) == made, (
        "the guide's keyboard shortcuts differ from the menus: run "
        "`python packaging/screenshots.py --guide`")
    keys = {row.keys for row in rows}
    assert {"F1", "Ctrl+N", "Ctrl+U", "Ctrl+Shift+E", "Ctrl+Shift+K", "Ctrl+P"} <= keys
    assert any(row.menu == "Exchange" and row.command == "Export Packs…" for row in rows)
