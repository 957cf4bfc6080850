"""The reporting calendar tab: deadlines per body, what falls due soon, and what each covers."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.upr import BODIES
from nmrf_desktop.services import calendar
from nmrf_desktop.services.calendar import (
    WINDOWS,
    CalendarDraft,
    CalendarItem,
    CalendarKind,
    CoveredRecommendation,
    InvalidCalendarEntry,
)
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing.recommendations_model import status_label
from nmrf_desktop.ui.date_field import OptionalDateEdit
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
DUE, BODY, KIND, TITLE, COVERS = range(5)
_T = QCoreApplication.translate
_C = "Calendar"


def kind_label(kind: str) -> str:
    """The kind in the user's language."""
    labels: dict[str, str] = {
        CalendarKind.PERIODIC_REPORT: _T(_C, "Next periodic report"),
        CalendarKind.LIST_OF_ISSUES: _T(_C, "List of issues"),
        CalendarKind.FOLLOW_UP: _T(_C, "Follow-up deadline"),
        CalendarKind.UPR_MID_TERM: _T(_C, "UPR mid-term report"),
    }
    return labels.get(kind, kind)


class CalendarModel(QAbstractTableModel):
    """Calendar entries by due date (a small list, replaced as a whole)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CalendarItem] = []
        self.today = dt.date.today()

    def set_items(self, items: list[CalendarItem], today: dt.date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.today = today or dt.date.today()
        self.endResetModel()

    def item_at(self, row: int) -> CalendarItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, entry_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == entry_id), -1)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 5

    def _covers(self, item: CalendarItem) -> str:
        parts = []
        if item.covers_all:
            parts.append(self.tr("all {0} of cycle {1}").format(item.body, item.cycle)
                         if item.cycle else self.tr("all of {0}").format(item.body))
        if item.references:
            shown = ", ".join(item.references[:3])
            more = len(item.references) - 3
            parts.append(shown + (self.tr(" and {0} more").format(more) if more > 0 else ""))
        scope = "; ".join(parts) or self.tr("none chosen")
        return self.tr("{0} ({1})").format(f"{item.covered:,}", scope)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index.row()) if index.isValid() else None
        if item is None or not 0 <= index.column() < 5:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == DUE:
                days = (item.due_on - self.today).days
                when = (self.tr("overdue") if days < 0 else self.tr("today") if days == 0
                        else self.tr("in {0} days").format(days))
                return f"{item.due_on.isoformat()}  ({when})"
            return (item.body, kind_label(item.kind), item.title,
                    self._covers(item))[column - 1]
        if role == Qt.ItemDataRole.ToolTipRole and column == COVERS:
            return ", ".join(item.references) or None
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < 5:
            return None
        return (self.tr("Due"), self.tr("Body"), self.tr("Kind"), self.tr("Title"),
                self.tr("Covers"))[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren


def parse_references(text: str) -> tuple[str, ...]:
    """References typed or pasted: separated by spaces, commas, semicolons or new lines."""
    return tuple(dict.fromkeys(r for r in re.split(r"[\s,;]+", text) if r))


class CalendarEntryDialog(QDialog):
    """Enter or change one deadline; the service checks it and errors show by their field."""

    saved = Signal(object)  # the CalendarItem

    def __init__(self, runner: TaskRunner, record: Record, bodies: list[str],
                 item: CalendarItem | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record, self._item = runner, record, item
        self.setObjectName("calendarEntryDialog")
        self.setWindowTitle(self.tr("Change Deadline") if item else self.tr("New Deadline"))
        self.body = QComboBox(self)
        self.body.setObjectName("calendarBody")
        self.body.setEditable(True)
        self.body.addItems(bodies)
        self.kind = QComboBox(self)
        self.kind.setObjectName("calendarKind")
        for kind in CalendarKind:
            self.kind.addItem(kind_label(kind), kind.value)
        self.due = OptionalDateEdit(self.tr("Due date"), self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("calendarTitle")
        self.title_edit.setMaxLength(calendar.TITLE_MAX + 1)  # one over: the service says so
        self.references = QPlainTextEdit(self)
        self.references.setObjectName("calendarReferences")
        self.references.setPlaceholderText(self.tr("References, e.g. NZL-UPR32-001 "
                                                   "NZL-UPR32-002"))
        self.references.setTabChangesFocus(True)
        self.all_of_body = QCheckBox(self.tr("&All recommendations of this body"), self)
        self.all_of_body.setObjectName("calendarAll")
        self.cycle = QSpinBox(self)
        self.cycle.setObjectName("calendarCycle")
        self.cycle.setRange(0, 50)
        self.cycle.setSpecialValueText(self.tr("any cycle"))
        self.cycle.setPrefix(self.tr("cycle "))
        self.cycle.setAccessibleName(self.tr("Cycle of the recommendations covered"))
        self.cycle.setEnabled(False)
        self.all_of_body.toggled.connect(self.cycle.setEnabled)
        general = error_label(self, "calendarGeneral")
        self.errors = FieldErrors(general)
        self.labels: dict[str, QLabel] = {"": general}
        form = QFormLayout()
        for field, caption, widget in (
                ("body", self.tr("&Body:"), self.body), ("kind", self.tr("&Kind:"), self.kind),
                ("due_on", self.tr("&Due:"), self.due),
                ("title", self.tr("&Title:"), self.title_edit),
                ("references", self.tr("&Covers:"), self.references)):
            widget.setAccessibleName(caption.replace("&", "").rstrip(":"))
            label = error_label(self, field)
            self.errors.add(field, label, widget)
            self.labels[field] = label
            form.addRow(caption, with_error(widget, label))
        scope = QHBoxLayout()
        scope.addWidget(self.all_of_body)
        scope.addWidget(self.cycle)
        scope.addStretch(1)
        cycle_error = error_label(self, "cycle")
        self.errors.add("cycle", cycle_error, self.cycle)
        self.labels["cycle"] = cycle_error
        form.addRow("", with_error(scope, cycle_error))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        if item is not None:
            self.body.setCurrentText(item.body)
            self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
            self.due.set_value(item.due_on)
            self.title_edit.setText(item.title)
            self.references.setPlainText(" ".join(item.references))
            self.all_of_body.setChecked(item.covers_all)
            self.cycle.setValue(item.cycle or 0)

    def draft(self) -> CalendarDraft:
        return CalendarDraft(
            body=self.body.currentText(), kind=str(self.kind.currentData()),
            due_on=self.due.value(), title=self.title_edit.text(),
            references=parse_references(self.references.toPlainText()),
            covers_all=self.all_of_body.isChecked(),
            cycle=(self.cycle.value() or None) if self.all_of_body.isChecked() else None)

    def save(self) -> None:
        self.errors.clear()
        draft, record, item = self.draft(), self._record, self._item
        self.buttons.setEnabled(False)
        if item is None:
            job = lambda: calendar.add_entry(record, draft)  # noqa: E731
        else:
            job = lambda: calendar.update_entry(record, item.id, draft, item.version)  # noqa: E731
        self._runner.run(job, guarded(self._saved), guarded(self._failed))

    def _saved(self, item: CalendarItem) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, InvalidCalendarEntry) and exc.problems:
            # Every problem beside its field; the first field gets the focus.
            self.errors.show(*exc.problems[0])
            for field, message in exc.problems[1:]:
                label = self.labels.get(field, self.labels[""])
                label.setText(" ".join(filter(None, (label.text(), message))))
                label.show()
            return
        log.error("a calendar entry could not be saved", exc_info=exc)
        self.errors.show("", self.tr("The deadline was not saved.\n\n{0}").format(exc))


class CalendarPage(QWidget):
    """Deadlines in a window of months ahead (or all), and the recommendations each covers."""

    recommendationActivated = Signal(str)
    changed = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self._runner = runner
        self._record: Record | None = None
        self._bodies: list[str] = []
        self.dialog: CalendarEntryDialog | None = None
        self.window_choice = QComboBox(self)
        self.window_choice.setObjectName("calendarWindow")
        self.window_choice.setAccessibleName(self.tr("Which deadlines are shown"))
        for months in WINDOWS:
            self.window_choice.addItem(self.tr("Due in the next {0} months").format(months),
                                       months)
        self.window_choice.addItem(self.tr("Every deadline"), -1)
        self.window_choice.setCurrentIndex(len(WINDOWS) - 1)
        self.counts = QLabel(self)
        self.counts.setObjectName("calendarCounts")
        self.add_button = QPushButton(self.tr("&New Deadline…"), self)
        self.edit_button = QPushButton(self.tr("&Change…"), self)
        self.remove_button = QPushButton(self.tr("Re&move"), self)
        self.model = CalendarModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("calendarTable")
        self.table.setAccessibleName(self.tr("Reporting deadlines"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.covered_label = QLabel(self)
        self.covered = QListWidget(self)
        self.covered.setObjectName("calendarCovered")
        self.covered.setAccessibleName(self.tr("Recommendations this deadline covers"))
        self.covered.setWordWrap(True)
        self.covered.setUniformItemSizes(True)
        self.covered.setAlternatingRowColors(True)

        top = QHBoxLayout()
        top.addWidget(self.window_choice)
        top.addWidget(self.counts, 1)
        for button in (self.add_button, self.edit_button, self.remove_button):
            top.addWidget(button)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.covered_label)
        lower_layout.addWidget(self.covered)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.window_choice.currentIndexChanged.connect(self.refresh)
        self.add_button.clicked.connect(lambda: self.edit_entry(None))
        self.edit_button.clicked.connect(lambda: self.edit_entry(self.current()))
        self.remove_button.clicked.connect(self.remove_current)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _i: self.edit_entry(self.current()))
        self.covered.itemActivated.connect(self._open_covered)
        self._enable()

    # -- loading ------------------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.model.set_items([])
        self.covered.clear()
        self._enable()

    def show_window(self, months: int) -> None:
        """Show what falls due in the next `months` (-1: everything)."""
        self.window_choice.setCurrentIndex(max(0, self.window_choice.findData(months)))
        self.refresh()

    def months(self) -> int | None:
        value = int(self.window_choice.currentData())
        return None if value < 0 else value

    def refresh(self) -> None:
        record = self._record
        if record is None:
            return
        months = self.months()

        def job() -> tuple[list[CalendarItem], dict[int, int], list[str]]:
            return (calendar.list_entries(record, within_months=months),
                    calendar.due_counts(record), calendar.known_bodies(record))
        self._runner.run(job, guarded(self._loaded), key="calendar")

    def _loaded(self, result: tuple[list[CalendarItem], dict[int, int], list[str]]) -> None:
        items, counts, self._bodies = result
        current = self.current()
        self.model.set_items(items)
        self.counts.setText(self.tr("Due within 3 months: {0} · 6 months: {1} · "
                                    "12 months: {2}").format(counts.get(3, 0),
                                                             counts.get(6, 0),
                                                             counts.get(12, 0)))
        row = self.model.row_of(current.id) if current else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.covered.clear()
            self.covered_label.setText(self.tr("No deadline in this window."))
        self._enable()

    def current(self) -> CalendarItem | None:
        index = self.table.currentIndex()
        return self.model.item_at(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        has = self.current() is not None
        self.add_button.setEnabled(self._record is not None)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._enable()
        item = self.model.item_at(current.row()) if current.isValid() else None
        record = self._record
        if item is None or record is None:
            return
        self._runner.run(lambda: calendar.covered(record, item.id),
                         guarded(self._show_covered, item), key="calendar-covered")

    def _show_covered(self, item: CalendarItem, rows: list[CoveredRecommendation]) -> None:
        self.covered_label.setText(self.tr("{0} — {1}, due {2}: covers {3} recommendations")
                                   .format(item.body, kind_label(item.kind),
                                           item.due_on.isoformat(), f"{item.covered:,}")
                                   + (self.tr(" (first {0} shown)").format(len(rows))
                                      if len(rows) < item.covered else ""))
        self.covered.clear()
        for rec in rows:
            excerpt = rec.text if len(rec.text) <= 160 else rec.text[:159] + "…"
            status = status_label(rec.status) or self.tr("No update yet")
            entry = QListWidgetItem(f"{rec.reference} · {status}\n{excerpt}", self.covered)
            entry.setData(Qt.ItemDataRole.UserRole, rec.id)
            entry.setToolTip(rec.text)

    def _open_covered(self, item: QListWidgetItem) -> None:
        self.recommendationActivated.emit(item.data(Qt.ItemDataRole.UserRole))

    # -- changing -----------------------------------------------------------------------

    def edit_entry(self, item: CalendarItem | None) -> CalendarEntryDialog | None:
        record = self._record
        if record is None or self.dialog is not None:
            return self.dialog
        dialog = CalendarEntryDialog(self._runner, record, self._bodies or calendar_bodies(),
                                     item, self)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, _item: CalendarItem) -> None:
        self.refresh()
        self.changed.emit()

    def remove_current(self, confirm: bool = True) -> None:
        item, record = self.current(), self._record
        if item is None or record is None:
            return
        if confirm and QMessageBox.question(
                self, self.tr("Remove Deadline"),
                self.tr("Remove the {0} {1} due {2}?").format(
                    item.body, kind_label(item.kind).lower(), item.due_on.isoformat())
                ) != QMessageBox.StandardButton.Yes:
            return
        self._runner.run(lambda: calendar.delete_entry(record, item.id),
                         guarded(self._saved))


def calendar_bodies() -> list[str]:
    return list(BODIES)
