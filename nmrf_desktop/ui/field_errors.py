"""Error messages shown next to the field they are about, for every dialog."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from nmrf_desktop.ui.palette import error_colour


def error_label(parent: QWidget, name: str) -> QLabel:
    """A hidden, word-wrapped, selectable label for one field's error."""
    label = QLabel(parent)
    label.setObjectName(f"{name}Error")
    label.setStyleSheet(f"color: {error_colour(parent.palette()).name()};")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(QCoreApplication.translate("FieldErrors", "Problem with this field"))
    label.hide()
    return label


def with_error(widget: QWidget | QLayout, label: QLabel) -> QWidget:
    """The field and its (hidden until needed) error label, stacked in one form cell."""
    cell = QWidget(label.parentWidget())
    layout = QVBoxLayout(cell)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if isinstance(widget, QLayout):
        layout.addLayout(widget)
    else:
        layout.addWidget(widget)
    layout.addWidget(label)
    layout.addStretch(1)  # a fixed-height field stays at the top of a taller cell
    return cell


class FieldErrors:
    """Labels by field name; `show` displays one message and focuses its field."""

    def __init__(self, fallback: QLabel) -> None:
        self._labels: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._fallback = fallback

    def add(self, field: str, label: QLabel, widget: QWidget | None = None) -> None:
        self._labels[field] = label
        if widget is not None:
            self._fields[field] = widget

    def alias(self, field: str, same_as: str) -> None:
        """Show `field`'s errors where `same_as`'s are shown."""
        self._labels[field] = self._labels[same_as]
        if same_as in self._fields:
            self._fields[field] = self._fields[same_as]

    def clear(self) -> None:
        for label in (*self._labels.values(), self._fallback):
            label.clear()
            label.hide()

    def show(self, field: str, message: str) -> QLabel:
        """Show `message` beside `field` (or in the general place); returns the label used."""
        self.clear()
        label = self._labels.get(field, self._fallback)
        label.setText(message)
        label.show()
        widget = self._fields.get(field)
        if widget is not None:
            widget.setFocus()
        return label

    def message(self, field: str) -> str:
        label = self._labels.get(field, self._fallback)
        return label.text() if label.isVisible() or label.text() else ""

    def shown(self) -> str:
        """Every message now shown, joined (for tests and logs)."""
        return " ".join(label.text() for label in (*self._labels.values(), self._fallback)
                        if label.text())
