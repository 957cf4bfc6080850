"""Driving the key dialogs as a person would: find what opened, type, press keys."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.unit.exchange.world import World

W = TypeVar("W", bound=QWidget)
# The offscreen platform cannot raise a menu or grab the keyboard for it (the menus work),
# nor propagate size hints (tests/gui/conftest.py); a test marked with this says so.
MENU_NOISE = ("This plugin does not support raise", "This plugin does not support grabbing",
              OFFSCREEN_NOISE)
STRONG = "tūī kererū kākā ruru"  # 20 characters, four birds: strong, and in te reo Māori


def shown(kind: type[W]) -> W | None:
    """The one visible top-level window of this kind, if one is open."""
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(found) <= 1, found
    return found[0] if found else None


def wait_shown(qtbot, kind: type[W]) -> W:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: shown(kind) is not None, timeout=10_000)
    widget = shown(kind)
    assert widget is not None
    activate(qtbot, widget)
    return widget


def activate(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Give `window` the keyboard, as the window a person just saw open has (mnemonics,
    which are window shortcuts, need it)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)


def pick_file(qtbot, path: Path) -> None:  # type: ignore[no-untyped-def]
    """In the open file dialog, type the whole path in the name field and press Enter."""
    dialog = wait_shown(qtbot, QFileDialog)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.selectAll()
    type_text(qtbot, name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` key by key; a letter with a macron comes as its own key event (as an
    input method sends it), since QTest's key names are ASCII only."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                               Qt.KeyboardModifier.NoModifier)


def type_passphrases(qtbot, dialog: CreateKeyDialog, first: str,  # type: ignore[no-untyped-def]
                     second: str | None = None) -> None:
    """Type a new passphrase, Tab to the second field, type it again, press Enter."""
    for field in (dialog.first, dialog.second):
        field.clear()
    dialog.first.setFocus()
    type_text(qtbot, dialog.first, first)
    qtbot.keyClick(dialog.first, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.second
    type_text(qtbot, dialog.second, first if second is None else second)
    qtbot.keyClick(dialog.second, Qt.Key.Key_Return)


def new_laptop(world: World, folder: Path, officer: str, agency: str = "MOJ") -> Path:
    """A fresh officer laptop with its agency's pack and a profile, but no key yet."""
    path = folder / "laptop.sqlite3"
    record = open_record(path)
    try:
        pack = folder / f"{agency}.nmrfpack"
        packs.export_pack(world.central, agency, pack, world.central_key)
        packs.import_pack(record, pack)
        save_profile(record, Profile(role="officer", agency=agency, officer_name=officer))
    finally:
        record.close()
    return path


def record_action(record: Record, agency: str, title: str) -> str:
    """An action on the first assigned recommendation about Māori, as the edit form would."""
    rec = search_recommendations(record, Filters(text="Maori"), limit=1)[0]
    return entry.create_action(record, ActionDraft(title=title, agency=agency,
                                                   recommendation_ids=(rec.id,))).id
