"""F1 anywhere opens the guide at the section about what has the focus.

A dialog names its section with one line: `self.setProperty("help_topic", "record-action")`
(the anchor of that section in resources/guide/index.html; a test checks every name a
dialog uses is there). One filter on the application catches F1 in any window: it finds the
topic on the focused widget or the nearest parent that has one, and the `UserGuide` of the
main window the dialog belongs to opens at it. In the main window itself F1 is the
Help → User Guide command.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from nmrf_desktop.ui.help.window import GuideWindow

log = logging.getLogger(__name__)

HELP_TOPIC = "help_topic"  # the dynamic property a dialog sets to its section's anchor
GUIDE_NAME = "userGuideOpener"


def topic_of(widget: QWidget | None) -> tuple[str, QWidget | None]:
    """The help topic of `widget` or its nearest parent that names one, and the top-level
    window of that chain (where its main window's guide is)."""
    topic, top = "", widget
    while widget is not None:
        if not topic:
            value = widget.property(HELP_TOPIC)
            topic = value if isinstance(value, str) else ""
        top = widget
        widget = widget.parentWidget()
    return topic, top


class UserGuide(QObject):
    """The main window's guide: opened by Help → User Guide and by F1 in its dialogs."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(GUIDE_NAME)
        self._window: GuideWindow | None = None
        _HelpKey.install()

    @property
    def window(self) -> GuideWindow:
        """The guide's window, made when first needed and closed with the main window."""
        if self._window is None:
            self._window = GuideWindow()
            self.destroyed.connect(self._window.deleteLater)
        return self._window

    def open(self, topic: str = "") -> GuideWindow:
        """Show the guide at this section (its start when empty)."""
        self.window.show_topic(topic)
        return self.window

    @staticmethod
    def of(widget: QWidget | None) -> UserGuide | None:
        """The guide of the main window `widget` belongs to."""
        if widget is None:
            return None
        found = widget.findChild(QObject, GUIDE_NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, UserGuide) else None


class _HelpKey(QObject):
    """F1 (the platform's Help key) in any window of the application: its topic's section."""

    _installed: _HelpKey | None = None

    @classmethod
    def install(cls) -> None:
        app = QApplication.instance()
        if app is None or (cls._installed is not None and cls._installed.parent() is app):
            return
        cls._installed = cls(app)
        app.installEventFilter(cls._installed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if not (event.key() == Qt.Key.Key_F1 and not event.modifiers()) and not event.matches(
                QKeySequence.StandardKey.HelpContents):
            return False
        topic, top = topic_of(watched)
        guide = UserGuide.of(top)
        if guide is None:
            return False
        log.info("F1: the guide at %r", topic)
        guide.open(topic)
        return True
