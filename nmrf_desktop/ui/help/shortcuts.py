"""The guide's table of keyboard shortcuts, made from the main window's menus.

`table_html(window)` is what the guide's "Keyboard shortcuts" section must hold between
its SHORTCUTS_BEGIN and SHORTCUTS_END markers; packaging/screenshots.py writes it there,
and a test fails when a menu's shortcut changes and the guide was not brought up to date.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

SHORTCUTS_BEGIN = "<!-- shortcuts: made by packaging/screenshots.py from the menus -->"
SHORTCUTS_END = "<!-- end of shortcuts -->"


@dataclass(frozen=True, slots=True)
class Shortcut:
    menu: str  # "File", or "Exchange → My Signing Key"
    command: str
    keys: str  # portable text: "Ctrl+Shift+E"; two keys joined by ", "


def plain(text: str) -> str:
    """A menu text as a reader sees it: no mnemonic ampersand, and no count of the moment
    ("Filters (1)" while a filter is on)."""
    text = re.sub(r"&(.)", r"\1", text).replace("\t", " ").strip()
    return re.sub(r"\s*\(\d+\)$", "", text)


def _walk(menu: QMenu, path: str) -> list[Shortcut]:
    rows: list[Shortcut] = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            rows += _walk(sub, f"{path} → {plain(sub.title())}")
            continue
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.PortableText)
                         for k in action.shortcuts() if not k.isEmpty())
        if keys:
            rows.append(Shortcut(path, plain(action.text()), keys))
    return rows


def shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every menu command with a shortcut, in menu order, whichever role it is shown to."""
    rows: list[Shortcut] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            rows += _walk(menu, plain(menu.title()))
    return rows


def table_html(rows: list[Shortcut]) -> str:
    """The rows as the guide's table (the text between the markers)."""
    out = ['<table class="keys">',
           '<tr><th scope="col">Menu</th><th scope="col">Command</th>'
           '<th scope="col">Keys</th></tr>']
    for row in rows:
        keys = ", ".join(f"<kbd>{html.escape(k)}</kbd>" for k in row.keys.split(", "))
        out.append(f"<tr><td>{html.escape(row.menu)}</td><td>{html.escape(row.command)}</td>"
                   f"<td>{keys}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def guide_table(page: str) -> str:
    """The table the guide holds now, between its markers."""
    start = page.index(SHORTCUTS_BEGIN) + len(SHORTCUTS_BEGIN)
    return page[start:page.index(SHORTCUTS_END)].strip()


def with_table(page: str, rows: list[Shortcut]) -> str:
    """The guide's HTML with its shortcuts table made from `rows`."""
    start = page.index(SHORTCUTS_BEGIN) + len(SHORTCUTS_BEGIN)
    end = page.index(SHORTCUTS_END)
    return f"{page[:start]}\n{table_html(rows)}\n{page[end:]}"
