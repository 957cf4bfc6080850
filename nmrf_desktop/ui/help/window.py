"""The user guide's window: the bundled HTML in a browser pane, with contents, find and back."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.ui.help import content

log = logging.getLogger(__name__)
ANCHOR = Qt.ItemDataRole.UserRole


def open_in_system_browser(url: QUrl) -> bool:
    """Show the guide in the system's web browser (replaced in tests)."""
    return QDesktopServices.openUrl(url)


def guide_url(anchor: str = "") -> QUrl:
    url = QUrl.fromLocalFile(str(content.guide_file()))
    if anchor:
        url.setFragment(anchor)
    return url


class GuideWindow(QWidget):
    """The guide, readable on a laptop with no network: contents on the left, text on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("userGuide")
        self.setWindowTitle(self.tr("NMRF Desktop User Guide"))
        # An open guide never keeps the app running once the main window is closed.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.contents = QListWidget(self)
        self.contents.setObjectName("guideContents")
        self.contents.setAccessibleName(self.tr("Contents"))
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setAccessibleName(self.tr("User guide"))
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        self.find_box = QLineEdit(self)
        self.find_box.setPlaceholderText(self.tr("Find in the guide"))
        self.find_box.setAccessibleName(self.tr("Find in the guide"))
        self.find_box.setClearButtonEnabled(True)
        self.back_button = QPushButton(self.tr("&Back"), self)
        self.back_button.setEnabled(False)
        self.browser_button = QPushButton(self.tr("Open in &Web Browser"), self)
        self.browser_button.setToolTip(self.tr("Show this guide in your web browser, to "
                                               "print it or keep it open beside the app"))
        self.close_button = QPushButton(self.tr("&Close"), self)
        self._build()
        self._load()

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.find_box, 1)
        bar.addWidget(self.browser_button)
        bar.addWidget(self.close_button)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 820])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.resize(1180, 780)
        self.contents.itemActivated.connect(self._go)
        self.contents.itemClicked.connect(self._go)
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser_button.clicked.connect(lambda: open_in_system_browser(
            guide_url(self.current_anchor)))
        self.close_button.clicked.connect(self.close)
        self.find_box.returnPressed.connect(self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self,
                  lambda: self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.browser.backward)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def _load(self) -> None:
        self.current_anchor = ""
        for section in content.sections():
            item = QListWidgetItem(("    " if section.level > 1 else "") + section.title)
            item.setData(ANCHOR, section.anchor)
            if section.level == 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.contents.addItem(item)
        self.browser.setSearchPaths([str(content.guide_dir())])
        self.browser.setSource(guide_url())

    def show_topic(self, anchor: str = "") -> None:
        """Show the guide at this section (its start when empty), raised and focused."""
        self.current_anchor = anchor
        self.browser.setSource(guide_url(anchor))
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)
        self.contents.setCurrentRow(-1)
        for row in range(self.contents.count()):
            if anchor and self.contents.item(row).data(ANCHOR) == anchor:
                self.contents.setCurrentRow(row)
                break
        log.debug("guide at %r", anchor)
        self.show()
        self.raise_()
        self.activateWindow()

    def _go(self, item: QListWidgetItem) -> None:
        self.show_topic(item.data(ANCHOR))

    def find_next(self) -> bool:
        """Select the next match of the find box's text (wrapping once at the end)."""
        text = self.find_box.text().strip()
        if not text:
            return False
        if self.browser.find(text):
            return True
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.find_box.clear()
        super().closeEvent(event)
