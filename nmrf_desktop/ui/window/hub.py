"""What every main-window hub shares: its commands, and showing them for one role only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from nmrf_desktop.ui.window.shell import Shell


@dataclass(frozen=True, slots=True)
class _RoleItems:
    """What one role sees: these actions, tabs of the window and widgets."""

    coordinator: bool
    actions: tuple[QAction, ...]
    tabs: tuple[int, ...]
    widgets: tuple[QWidget, ...]
    hide_actions: bool


class Hub(QObject):
    """A part of the main window (its menu commands, tabs and dialogs), wired in by itself.

    Role visibility: `for_role` names what only coordinators (or only officers) see, and
    `set_coordinator` shows, enables and hides it; a hub that follows the window's
    profile on its own calls `follow_coordinator_menu`.
    """

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self._window = window
        self._coordinator = False
        self._roles: list[_RoleItems] = []

    def add_command(self, text: str, slot: Callable[[], Any], shortcut: Any = None,
                    tip: str = "", menu: QMenu | None = None) -> QAction:
        """An action of the window (its shortcut works anywhere), added to `menu` if given."""
        action = QAction(text, self._window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    # -- role visibility ------------------------------------------------------------------

    def for_role(self, coordinator: bool, *, actions: Sequence[QAction] = (),
                 tabs: Sequence[int] = (), widgets: Sequence[QWidget] = (),
                 hide_actions: bool = True) -> None:
        """Show these to coordinators only (or to officers only, `coordinator=False`).

        Actions are enabled for that role and disabled for the other; hidden as well
        unless `hide_actions` is false (when their menu is hidden instead).
        """
        self._roles.append(_RoleItems(coordinator, tuple(actions), tuple(tabs),
                                      tuple(widgets), hide_actions))

    def set_coordinator(self, coordinator: bool) -> None:
        """Show what is for this role, hide what is for the other."""
        self._coordinator = coordinator
        tabs = self._window.tabs
        for items in self._roles:
            shown = coordinator == items.coordinator
            for action in items.actions:
                if items.hide_actions:
                    action.setVisible(shown)
                action.setEnabled(shown)
            for tab in items.tabs:
                tabs.setTabVisible(tab, shown)
            for widget in items.widgets:
                widget.setVisible(shown)

    def follow_coordinator_menu(self) -> None:
        """Follow the profile: the workspace shows the coordinator menu once the role is known."""
        menu = self._window.window_actions.coordinator_menu
        menu.menuAction().changed.connect(self._follow_profile)

    def _follow_profile(self) -> bool:
        """Apply the window's role if it changed; whether it did."""
        wanted = self._window.profile.is_coordinator
        if wanted == self._coordinator:
            return False
        self.set_coordinator(wanted)
        return True
