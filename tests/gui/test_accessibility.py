"""Screen readers: every control that takes focus has a name; colours follow the palette."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QTabBar,
    QWidget,
)

from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

from .test_translations import WAIT, open_windows, visible_widgets

ROOT = Path(__file__).resolve().parents[2]


def _buddied(top: QWidget) -> set[int]:
    """Widgets some label names (QLabel.setBuddy), directly or through their focus proxy."""
    named = set()
    for label in top.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text().strip():
            named.add(id(buddy))
            if buddy.focusProxy() is not None:
                named.add(id(buddy.focusProxy()))
    return named


def _name_of(w: QWidget) -> str:
    if w.accessibleName().strip():
        return w.accessibleName()
    if isinstance(w, QAbstractButton):  # a button's text is its name (Qt reads it)
        return w.text().replace("&", "").strip() or w.toolTip()
    return ""


def unnamed_controls(top: QWidget) -> list[str]:
    """Focusable controls shown in `top` that a screen reader could not name."""
    buddied = _buddied(top)
    bad = []
    for w in visible_widgets(top):
        if w.focusPolicy() == Qt.FocusPolicy.NoFocus or not w.isEnabled() or w.isWindow():
            continue
        if isinstance(w, QTabBar) or w.objectName().startswith("qt_"):
            continue  # Qt's own parts: the tab bar names its tabs, scroll areas' viewports
        parent = w.parentWidget()
        if isinstance(w, QAbstractSpinBox) is False and parent is not None \
                and parent.focusProxy() is w and (_name_of(parent) or id(parent) in buddied):
            continue  # the inner editor of a named compound control
        if (parent is not None and type(parent).__name__ in ("QComboBox", "QAbstractSpinBox")) \
                or (parent is not None and isinstance(parent, QAbstractSpinBox)):
            continue  # a combo box's or spin box's own line edit
        if _name_of(w) or id(w) in buddied:
            continue
        bad.append(f"{type(w).__name__}#{w.objectName() or '?'} in "
                   f"{type(parent).__name__ if parent else '-'}#"
                   f"{parent.objectName() if parent else ''}")
    return bad


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_every_focusable_control_has_a_name(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                            nz_db: Path) -> None:
    window = MainWindow(runner, remember_state=False)
    qtbot.addWidget(window)
    window.open_database(nz_db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle(),
                    timeout=WAIT)
    record = window.record
    assert record is not None
    problems, seen = [], []
    for name, shown in open_windows(qtbot, window, record):
        seen.append(name)
        problems += [f"[{name}] {p}" for p in unnamed_controls(shown)]
    assert len(seen) >= 14
    assert not problems, "controls without an accessible name:\n" + "\n".join(
        sorted(set(problems)))


def test_main_window_tab_order_is_search_table_detail(window: MainWindow) -> None:
    """Tab from the search box goes to the results, then to the recommendation shown."""
    order, w = [], window.search_box
    for _ in range(3):
        order.append(w)
        w = w.nextInFocusChain()
        while w is not None and (w.focusPolicy() & Qt.FocusPolicy.TabFocus) == 0:
            w = w.nextInFocusChain()
    assert order[:3] == [window.search_box, window.table, window.detail]


# -- the system palette and fonts ---------------------------------------------------------

COLOUR_LITERAL = re.compile(r"QColor\(\s*[\"'#0-9]|#[0-9a-fA-F]{3,8}\b(?![^\"']*\))"
                            r"|Qt\.GlobalColor\.")
PIXEL_FONT = re.compile(r"setPixelSize|font-size:\s*\d+px|QFont\([^)]*,\s*\d+")


def test_ui_code_has_no_fixed_colours_or_pixel_fonts() -> None:
    """Text and background colours come from the palette (dark mode, high contrast) and
    fonts scale with the user's setting: no colour literals, no pixel-sized fonts."""
    found = []
    for path in sorted((ROOT / "nmrf_desktop" / "ui").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("  #")[0]
            if re.search(r"QColor\(\s*[\"'#]|[\"'#:]\s*#[0-9a-fA-F]{3,8}\b", code) \
                    or PIXEL_FONT.search(code):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_colours_follow_a_dark_palette(qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    """Meaningful colours are light on a dark palette and dark on a light one."""
    from PySide6.QtGui import QColor, QPalette

    from nmrf_desktop.ui.field_errors import error_label
    from nmrf_desktop.ui.palette import banner_style, error_colour

    dark, light = QPalette(QColor("#202020")), QPalette(QColor("#f0f0f0"))
    assert error_colour(dark).lightness() > 128 > error_colour(light).lightness()
    parent = QWidget()
    parent.setPalette(dark)
    label = error_label(parent, "probe")
    assert error_colour(dark).name() in label.styleSheet()
    text = dark.color(QPalette.ColorRole.WindowText).name()
    assert f"color:{text}" in banner_style("warning", dark)  # the theme's own text colour
