"""The coordinator's conflicts view: current and incoming values side by side, and a decision."""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.exchange import conflicts
from nmrf_desktop.services.exchange.conflicts import ConflictInfo
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import MessageStrip, guarded
from nmrf_desktop.ui.exchange.conflicts_model import (
    ConflictColumn,
    ConflictsModel,
    field_label,
    value_text,
)
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.exchange.view_parts import ViewToolbar, list_table
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

_WIDTHS = {ConflictColumn.KIND: 60, ConflictColumn.TITLE: 220, ConflictColumn.FIELD: 110,
           ConflictColumn.CURRENT: 200, ConflictColumn.INCOMING: 200,
           ConflictColumn.AGENCY: 70, ConflictColumn.STATUS: 110, ConflictColumn.CREATED: 130}
_TEXT_COLUMNS = (ConflictColumn.TITLE, ConflictColumn.CURRENT, ConflictColumn.INCOMING)


def parse_edited(text: str, like: Any) -> Any:
    """The edited text as a value of the same shape as `like` (text, list, date, flag)."""
    if isinstance(like, list):
        return [line.strip() for line in text.splitlines() if line.strip()]
    if isinstance(like, bool):
        return text.strip().lower() in ("yes", "true", "1", "ae")
    if like is None or isinstance(like, str):
        return text if text.strip() or like is not None else None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class EditValueDialog(QDialog):
    """Type the value the record should hold instead of either side."""

    def __init__(self, info: ConflictInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._info = info
        self.setWindowTitle(self.tr("Edit {0}").format(field_label(info.field)))
        self.editor = QPlainTextEdit(self)
        self.editor.setPlainText(info.incoming if isinstance(info.incoming, str)
                                 else value_text(info.incoming))
        self.editor.setAccessibleName(self.tr("New value"))
        hint = QLabel(self.tr("The value the record should hold for “{0}”. Lists: one item "
                              "per line.").format(field_label(info.field)), self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(480, 260)

    def value(self) -> Any:
        like = self._info.incoming if self._info.incoming is not None else self._info.current
        return parse_edited(self.editor.toPlainText(), like)


def _value_box(title: str, parent: QWidget) -> tuple[QGroupBox, QPlainTextEdit]:
    box = QGroupBox(title, parent)
    text = QPlainTextEdit(box)
    text.setReadOnly(True)
    text.setAccessibleName(title)
    QVBoxLayout(box).addWidget(text)
    return box, text


class ConflictsView(QWidget):
    """Open (or all) conflicts; decide each: keep current, take incoming, edit, acknowledge."""

    # A conflict was resolved (ConflictInfo): the record changed, refresh what shows it.
    resolved = Signal(object)

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._working = False
        self._loading = False
        self.model = ConflictsModel(self)
        self.setObjectName("conflictsView")
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.show_resolved = QCheckBox(self.tr("Show resolved"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        top = ViewToolbar(self, self.refresh_button, self.show_resolved)
        self.count_label = top.count_label

        # The short columns fit what they hold; the action and the two values share the rest.
        self.table = list_table(self, self.model, "conflictsTable", self.tr("Conflicts"),
                                _WIDTHS, _TEXT_COLUMNS,
                                fit=[c for c in ConflictColumn if c not in _TEXT_COLUMNS])

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        current_box, self.current_text = _value_box(self.tr("Current value (in the record)"),
                                                    self)
        incoming_box, self.incoming_text = _value_box(self.tr("Incoming value (from the "
                                                              "bundle)"), self)
        sides = QHBoxLayout()
        sides.addWidget(current_box)
        sides.addWidget(incoming_box)

        self.keep_button = QPushButton(self.tr("&Keep Current"), self)
        self.take_button = QPushButton(self.tr("&Take Incoming"), self)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.ack_button = QPushButton(self.tr("&Acknowledge"), self)
        self.keep_button.setToolTip(self.tr("The record keeps its current value; the "
                                            "incoming value stays in the history"))
        self.take_button.setToolTip(self.tr("The record takes the incoming value"))
        self.edit_button.setToolTip(self.tr("Type the value the record should hold"))
        self.ack_button.setToolTip(self.tr("A soft conflict was applied already: mark it seen"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.keep_button, self.take_button, self.edit_button, self.ack_button):
            buttons.addWidget(button)
        self.message = MessageStrip(self)

        panel = QWidget(self)
        lower = QVBoxLayout(panel)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.heading)
        lower.addLayout(sides, 1)
        lower.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.show_resolved.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.keep_button.clicked.connect(lambda: self.resolve_current(conflicts.KEEP))
        self.take_button.clicked.connect(lambda: self.resolve_current(conflicts.TAKE))
        self.ack_button.clicked.connect(lambda: self.resolve_current(conflicts.ACKNOWLEDGE))
        self.edit_button.clicked.connect(self.edit_current)
        self._show_selected(None)

    # -- loading -------------------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.message.clear_message()
        self.refresh()

    def is_idle(self) -> bool:
        return not (self._working or self._loading)

    def refresh(self) -> None:
        record = self._record
        if record is None:
            self.model.set_rows([])
            self._after_load()
            return
        status = None if self.show_resolved.isChecked() else "open"
        self._loading = True
        self._runner.run(lambda: conflicts.list_conflicts(record, status),
                         guarded(self._show_rows), guarded(self._failed),
                         key=f"conflicts-{id(self)}")

    def _show_rows(self, rows: list[ConflictInfo]) -> None:
        self._loading = False
        current = self.current()
        self.model.set_rows(rows)
        row = self.model.row_of(current.id) if current else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._after_load()

    def _after_load(self) -> None:
        open_count = sum(c.status == "open" for c in self.model.rows())
        self.count_label.setText(self.tr("{0} open conflicts").format(open_count))
        self._show_selected(self.current())

    def current(self) -> ConflictInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, row: int) -> None:
        self.table.selectRow(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_selected(self.model.row_at(current.row()) if current.isValid() else None)

    def _show_selected(self, info: ConflictInfo | None) -> None:
        if info is None:
            self.heading.setText(self.tr("No conflict selected.") if self.model.rowCount()
                                 else self.tr("No conflicts to decide."))
            self.current_text.clear()
            self.incoming_text.clear()
        else:
            if info.kind == "hard":
                what = self.tr("Hard conflict: the same field was changed differently. The "
                               "record kept its current value; the incoming value waits for "
                               "your decision.")
            else:
                what = self.tr("Soft conflict: other fields changed since the officer's "
                               "version. The incoming change was applied; check it and "
                               "acknowledge.")
            self.heading.setText(self.tr("{0} — {1} ({2}, bundle {3})\n{4}").format(
                info.title, field_label(info.field), info.agency, info.bundle_id[:8], what))
            self.current_text.setPlainText(value_text(info.current) if info.kind == "hard"
                                           else self.tr(
                "The incoming change below is already in the record. Other fields of this "
                "action had changed since the version the officer worked from; check that "
                "the two still fit together."))
            self.incoming_text.setPlainText(value_text(info.incoming))
        is_open = info is not None and info.status == "open" and not self._working
        hard = is_open and info is not None and info.kind == "hard"
        self.keep_button.setEnabled(is_open)
        self.take_button.setEnabled(hard)
        self.edit_button.setEnabled(hard)
        self.ack_button.setEnabled(is_open and info is not None and info.kind == "soft")

    # -- deciding ------------------------------------------------------------------------

    def edit_current(self) -> None:
        info = self.current()
        if info is None:
            return
        dialog = EditValueDialog(info, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.resolve_current(conflicts.EDIT, dialog.value()))
        dialog.open()

    def resolve_current(self, choice: str, value: Any = None) -> None:
        info, record = self.current(), self._record
        if info is None or record is None or self._working:
            return
        self._working = True
        self._show_selected(info)
        conflict_id = info.id
        self._runner.run(lambda: conflicts.resolve(record, conflict_id, choice, value),
                         guarded(self._resolved), guarded(self._failed))

    def _resolved(self, info: ConflictInfo) -> None:
        self._working = False
        log.info("resolved conflict %s: %s", info.id, info.resolution)
        self.message.show_message("success", self.tr("Resolved “{0}” of {1}: {2}.").format(
            field_label(info.field), info.title, {
                conflicts.KEEP: self.tr("kept the current value"),
                conflicts.TAKE: self.tr("took the incoming value"),
                conflicts.EDIT: self.tr("set an edited value"),
                conflicts.ACKNOWLEDGE: self.tr("acknowledged"),
            }.get(info.resolution, info.resolution)))
        self.refresh()
        self.resolved.emit(info)

    def _failed(self, exc: BaseException) -> None:
        self._working = False
        self._loading = False
        self.message.show_message("error", explain(exc))
        self._show_selected(self.current())
