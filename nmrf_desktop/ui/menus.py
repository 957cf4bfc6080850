"""The main window's menus and actions: every command once, with its standard shortcut."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


class Commands(Protocol):
    """What the menus call on the window."""

    def choose_database(self) -> None: ...
    def open_demo(self) -> None: ...
    def quit(self) -> None: ...
    def focus_search(self) -> None: ...
    def show_about(self) -> None: ...


@dataclass(frozen=True, slots=True)
class WindowActions:
    open_database: QAction
    open_demo: QAction
    quit: QAction
    find: QAction
    about: QAction


_T = QCoreApplication.translate


def _action(window: QMainWindow, text: str, slot, shortcut=None,  # type: ignore[no-untyped-def]
            tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def install_menus(window: QMainWindow, commands: Commands) -> WindowActions:
    standard = QKeySequence.StandardKey
    actions = WindowActions(
        open_database=_action(
            window, _T("MainWindow", "&Open Database…"), commands.choose_database,
            standard.Open, _T("MainWindow", "Open another NMRF database file")),
        open_demo=_action(
            window, _T("MainWindow", "Open &Demo Database"), commands.open_demo, None,
            _T("MainWindow", "Open the demo database of real New Zealand UPR recommendations")),
        quit=_action(
            window, _T("MainWindow", "&Quit"), commands.quit, standard.Quit,
            _T("MainWindow", "Close NMRF Desktop")),
        find=_action(
            window, _T("MainWindow", "&Find"), commands.focus_search, standard.Find,
            _T("MainWindow", "Search the recommendations")),
        about=_action(
            window, _T("MainWindow", "&About NMRF Desktop"), commands.show_about, None,
            _T("MainWindow", "What this application is and where its demo data comes from")),
    )
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)
    if actions.quit.shortcut().isEmpty():  # no platform standard (Windows): use Ctrl+Q
        actions.quit.setShortcut(QKeySequence("Ctrl+Q"))

    bar = window.menuBar()
    file_menu = bar.addMenu(_T("MainWindow", "&File"))
    file_menu.addAction(actions.open_database)
    file_menu.addAction(actions.open_demo)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = bar.addMenu(_T("MainWindow", "&Edit"))
    edit_menu.addAction(actions.find)
    help_menu = bar.addMenu(_T("MainWindow", "&Help"))
    help_menu.addAction(actions.about)
    return actions
