"""The top row and the list table that the coordinator's exchange views share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

Column = TypeVar("Column", bound=int)  # a table's column enum


class ViewToolbar(QHBoxLayout):
    """A view's top row: its controls on the left, the count of what it lists on the right."""

    def __init__(self, parent: QWidget, *controls: QWidget | int) -> None:
        """`controls` in order; a number is a gap of that many pixels."""
        super().__init__()
        for control in controls:
            if isinstance(control, int):
                self.addSpacing(control)
            else:
                self.addWidget(control)
        self.addStretch(1)
        self.count_label = QLabel(parent)
        self.addWidget(self.count_label)


def list_table(parent: QWidget, model: QAbstractItemModel, name: str, accessible_name: str,
               widths: Mapping[Column, int], stretch: Column | Sequence[Column],
               fit: Sequence[Column] = ()) -> QTableView:
    """A table of rows picked one at a time: compact, striped, no grid.

    The `stretch` column (or columns, sharing alike) fills the width left; each `fit`
    column is always as wide as its header and its widest value; the others start at
    their `widths`.
    """
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in widths.items():
        header.resizeSection(column, width)
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    for column in (stretch,) if isinstance(stretch, int) else stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table
