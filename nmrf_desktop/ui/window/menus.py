"""The main window's menus and actions: every command once, each with a keyboard shortcut."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from nmrf_desktop.ui.help.context import UserGuide

_T = QCoreApplication.translate


@dataclass(frozen=True, slots=True)
class WindowActions:
    open_database: QAction
    open_server: QAction
    open_demo: QAction
    profile: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    clear_filters: QAction
    show_list: QAction
    show_overview: QAction
    toggle_filters: QAction
    new_action: QAction
    new_update: QAction
    attach_evidence: QAction
    assign: QAction
    lead_defaults: QAction
    flag_te_tiriti: QAction
    unflag_te_tiriti: QAction
    guide: QAction
    about: QAction
    recent_menu: QMenu
    coordinator_menu: QMenu


def _action(window: QMainWindow, text: str, slot: Any, shortcut: Any = None,
            tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def redo_key() -> QKeySequence:
    """Redo's one shortcut: the platform's standard key on Windows (Ctrl+Y), Ctrl+Shift+Z
    elsewhere. Never both on one action: where the standard key is Ctrl+Shift+Z too, Qt
    finds that shortcut twice, calls it ambiguous, and never redoes."""
    if sys.platform == "win32":
        return QKeySequence(QKeySequence.StandardKey.Redo)
    return QKeySequence("Ctrl+Shift+Z")


def install_menus(window: Any) -> WindowActions:
    """Build the menu bar of `window` (a MainWindow) and return its actions."""
    std = QKeySequence.StandardKey
    c = "MainWindow"
    editing, coordinator = window.editing, window.coordinator
    stack = editing.undo_stack
    undo = stack.createUndoAction(window, _T(c, "&Undo"))
    undo.setShortcut(QKeySequence(std.Undo))
    redo = stack.createRedoAction(window, _T(c, "&Redo"))
    redo.setShortcut(redo_key())
    window.addAction(undo)
    window.addAction(redo)
    bar = window.menuBar()
    file_menu = bar.addMenu(_T(c, "&File"))
    edit_menu = bar.addMenu(_T(c, "&Edit"))
    view_menu = bar.addMenu(_T(c, "&View"))
    record_menu = bar.addMenu(_T(c, "&Record"))
    coordinator_menu = bar.addMenu(_T(c, "&Coordinator"))
    help_menu = bar.addMenu(_T(c, "&Help"))
    recent = QMenu(_T(c, "Open &Recent"), window)
    recent.setObjectName("recentMenu")
    actions = WindowActions(
        open_database=_action(window, _T(c, "&Open Database…"), window.choose_database,
                              std.Open, _T(c, "Open another NMRF database file")),
        open_server=_action(window, _T(c, "Open Central Record on a &Server…"),
                            window.choose_server, "Ctrl+Shift+O",
                            _T(c, "Open the secretariat's shared record on PostgreSQL")),
        open_demo=_action(window, _T(c, "Open &Demo Database"), window.open_demo,
                          "Ctrl+Shift+D",
                          _T(c, "Open the demo database of real New Zealand UPR "
                                "recommendations")),
        profile=_action(window, _T(c, "Your Role and &Name…"), window.edit_profile,
                        "Ctrl+Shift+P", _T(c, "Officer of which agency, or coordinator")),
        quit=_action(window, _T(c, "&Quit"), window.quit, std.Quit,
                     _T(c, "Close NMRF Desktop")),
        undo=undo, redo=redo,
        find=_action(window, _T(c, "&Find"), window.focus_search, std.Find,
                     _T(c, "Search the recommendations")),
        clear_filters=_action(window, _T(c, "C&lear Filters"), window.filter_panel.clear,
                              "Ctrl+Shift+L", _T(c, "Show every recommendation again")),
        show_list=_action(window, _T(c, "&Recommendations"), window.show_list, "Ctrl+1",
                          _T(c, "The recommendations table")),
        show_overview=_action(window, _T(c, "&Overview"), window.show_overview, "Ctrl+2",
                              _T(c, "Counts by status, body and cycle; stale items")),
        toggle_filters=window.filter_dock.toggleViewAction(),
        new_action=_action(window, _T(c, "New &Action…"), editing.new_action, std.New,
                           _T(c, "Record an action answering the selected recommendations")),
        new_update=_action(window, _T(c, "New Progress &Update…"), editing.new_update,
                           "Ctrl+U", _T(c, "Record where the selected recommendation stands")),
        attach_evidence=_action(window, _T(c, "Attach &Evidence…"),
                                editing.attach_evidence, "Ctrl+E",
                                _T(c, "Attach files to the selected recommendation")),
        assign=_action(window, _T(c, "&Assign to Agency…"), coordinator.assign,
                       "Ctrl+Shift+A",
                       _T(c, "Assign the selection or the filtered results to an agency")),
        lead_defaults=_action(window, _T(c, "Apply &Lead Defaults (Annex II)…"),
                              coordinator.lead_defaults, "Ctrl+Shift+G",
                              _T(c, "Give every recommendation to its body's lead agency")),
        flag_te_tiriti=_action(window, _T(c, "Flag &Te Tiriti Relevance"),
                               lambda: coordinator.flag_te_tiriti(True), "Ctrl+Shift+T",
                               _T(c, "Mark the selected recommendations relevant to Te "
                                     "Tiriti o Waitangi")),
        unflag_te_tiriti=_action(window, _T(c, "&Clear Te Tiriti Flag"),
                                 lambda: coordinator.flag_te_tiriti(False), "Ctrl+Alt+T",
                                 _T(c, "Remove the Te Tiriti flag from the selection")),
        guide=_action(window, _T(c, "&User Guide"), UserGuide(window).open, std.HelpContents,
                      _T(c, "How to do each task; F1 in a dialog opens its part of the "
                            "guide")),
        about=_action(window, _T(c, "&About NMRF Desktop"), window.show_about, "Shift+F1",
                      _T(c, "What this application is and where its demo data comes from")),
        recent_menu=recent,
        coordinator_menu=coordinator_menu,
    )
    actions.toggle_filters.setText(_T(c, "&Filters Panel"))
    actions.toggle_filters.setShortcut(QKeySequence("Ctrl+Shift+F"))
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)
    if actions.quit.shortcut().isEmpty():  # no platform standard (Windows): use Ctrl+Q
        actions.quit.setShortcut(QKeySequence("Ctrl+Q"))
    if actions.guide.shortcut().isEmpty():
        actions.guide.setShortcut(QKeySequence("F1"))

    file_menu.addAction(actions.open_database)
    file_menu.addAction(actions.open_server)
    file_menu.addMenu(recent)
    file_menu.addAction(actions.open_demo)
    file_menu.addSeparator()
    file_menu.addAction(actions.profile)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    for action in (undo, redo, None, actions.find, actions.clear_filters):
        edit_menu.addAction(action) if action else edit_menu.addSeparator()
    edit_menu.aboutToShow.connect(editing.check_next_undo)  # "Undo …" says what it will do
    for action in (actions.show_list, actions.show_overview, None, actions.toggle_filters):
        view_menu.addAction(action) if action else view_menu.addSeparator()
    for action in (actions.new_action, actions.new_update, actions.attach_evidence):
        record_menu.addAction(action)
    for action in (actions.assign, actions.lead_defaults, None, actions.flag_te_tiriti,
                   actions.unflag_te_tiriti):
        coordinator_menu.addAction(action) if action else coordinator_menu.addSeparator()
    help_menu.addAction(actions.guide)
    help_menu.addSeparator()
    help_menu.addAction(actions.about)
    return actions


def coordinator_actions(actions: WindowActions) -> tuple[QAction, ...]:
    return (actions.assign, actions.lead_defaults, actions.flag_te_tiriti,
            actions.unflag_te_tiriti)
