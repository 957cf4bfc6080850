"""The coordinator's dashboard: status by agency and body, stale items, inbox, conflicts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.dashboard import Dashboard, StatusRow
from nmrf_desktop.settings import STALE_MONTHS
from nmrf_desktop.ui.bar_chart import BarChart
from nmrf_desktop.ui.browsing.filter_panel import NO_STATUS
from nmrf_desktop.ui.browsing.recommendations_model import status_label
from nmrf_desktop.ui.plural import counted

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
NAME, TOTAL, STALE = 0, 1, 2  # then one column per status


class StatusTableModel(QAbstractTableModel):
    """Rows of counts (an agency or a body each): total, stale, then one per status.

    `by_agency`: each row's statuses are that agency's own updates (services.dashboard),
    its "none" column is "no update" from that agency, and a status count opens the
    agency's overview, where the same counts are broken down.
    """

    def __init__(self, first_header: str, parent: QObject | None = None, *,
                 by_agency: bool = False) -> None:
        super().__init__(parent)
        self._first = first_header
        self.by_agency = by_agency
        self._rows: list[StatusRow] = []
        self._statuses: list[str | None] = []
        self._stale_header = ""

    def set_data(self, rows: tuple[StatusRow, ...], statuses: tuple[str | None, ...],
                 stale_header: str) -> None:
        self.beginResetModel()
        self._rows, self._statuses = list(rows), list(statuses)
        self._stale_header = stale_header
        self.endResetModel()

    def row_at(self, row: int) -> StatusRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def status_of(self, column: int) -> tuple[bool, str | None]:
        """(is a status column, that status) for a column."""
        i = column - STALE - 1
        return (True, self._statuses[i]) if 0 <= i < len(self._statuses) else (False, None)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else STALE + 1 + len(self._statuses)

    def _name(self, row: StatusRow) -> str:
        if not row.key:
            return self.tr("Not assigned")
        return row.key if row.name in ("", row.key) else f"{row.key} — {row.name}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < self.columnCount():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return self._name(row)
            value = row.total if column == TOTAL else row.stale if column == STALE \
                else row.count(self.status_of(column)[1])
            return f"{value:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if column == NAME \
                else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return self._name(row)
        if role == Qt.ItemDataRole.ToolTipRole and self.by_agency and row.key \
                and self.status_of(column)[0]:
            return self.tr("From this agency's own progress updates. Double-click or press "
                           "Enter to open the agency's overview")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Double-click or press Enter to open these recommendations")
        if role == Qt.ItemDataRole.UserRole:
            return row.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < self.columnCount():
            return None
        if section == NAME:
            return self._first
        if section == TOTAL:
            return self.tr("Total")
        if section == STALE:
            return self._stale_header
        none = self.tr("No update") if self.by_agency else self.tr("No update yet")
        return status_label(self.status_of(section)[1]) or none

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren


def _count_button(name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet("QPushButton { text-align: left; padding: 6px 10px; "
                         "border: 1px solid palette(mid); border-radius: 4px; }")
    return button


def _table(model: StatusTableModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
    # "No update in 6 months" on two lines, so the agencies' names keep their room.
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    header.setSectionResizeMode(STALE, QHeaderView.ResizeMode.Fixed)
    header.resizeSection(STALE, view.fontMetrics().horizontalAdvance("No update in 12") + 24)
    header.setMinimumHeight(2 * header.fontMetrics().lineSpacing() + 10)
    return view


class DashboardPage(QWidget):
    """Figures across every agency; each count opens what it counts."""

    requested = Signal()  # the months changed, or Refresh: load again
    # (agency code or "", body or "", status ("none": no update yet; "": any), stale only):
    # open those recommendations
    listRequested = Signal(str, str, str, bool)
    # An agency's status count: open its overview, which breaks down the same counts (the
    # list's status filter is the recommendation's status, not the agency's own).
    agencyOverviewRequested = Signal(str)
    inboxRequested = Signal()
    conflictsRequested = Signal()
    calendarRequested = Signal(int)  # months ahead

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self.data: Dashboard | None = None
        self.months = QSpinBox(self)
        self.months.setObjectName("dashboardMonths")
        self.months.setAccessibleName(self.tr("Months without an update"))
        self.months.setRange(1, 120)
        self.months.setValue(STALE_MONTHS.default)
        self.months.setSuffix(self.tr(" months"))
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.summary = QLabel(self)
        self.summary.setObjectName("dashboardSummary")
        self.summary.setAccessibleName(self.tr("Dashboard summary"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stale_button = _count_button("staleButton", self)
        self.held_button = _count_button("heldButton", self)
        self.rejected_button = _count_button("rejectedButton", self)
        self.conflicts_button = _count_button("conflictsButton", self)
        self.due_buttons = {m: _count_button(f"due{m}Button", self) for m in (3, 6, 12)}
        self.agency_model = StatusTableModel(self.tr("Agency"), self, by_agency=True)
        self.body_model = StatusTableModel(self.tr("Body"), self)
        self.agency_table = _table(self.agency_model, "agencyStatusTable", self)
        self.agency_table.setAccessibleName(self.tr("Status by agency"))
        self.body_table = _table(self.body_model, "bodyStatusTable", self)
        self.body_table.setAccessibleName(self.tr("Status by body"))
        self.agency_chart = BarChart(self.tr("Assigned, by agency"), self)
        self.stale_chart = BarChart(self.tr("No recent update, by agency"), self)
        self.body_chart = BarChart(self.tr("Recommendations, by body"), self)

        top = QHBoxLayout()
        caption = QLabel(self.tr("&No update in the last"), self)
        caption.setBuddy(self.months)
        top.addWidget(caption)
        top.addWidget(self.months)
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        counts = QGridLayout()
        for i, button in enumerate((self.stale_button, self.held_button, self.rejected_button,
                                    self.conflicts_button)):
            counts.addWidget(button, 0, i)
        for i, button in enumerate(self.due_buttons.values()):
            counts.addWidget(button, 1, i)
        counts.setColumnStretch(4, 1)
        grid = QGridLayout()
        agency_heading = QLabel(self.tr("<b>Status by agency</b> (from each agency's own "
                                        "progress updates)"), self)
        grid.addWidget(agency_heading, 0, 0)
        grid.addWidget(self.agency_table, 1, 0)
        grid.addWidget(QLabel(self.tr("<b>Status by body</b>"), self), 2, 0)
        grid.addWidget(self.body_table, 3, 0)
        charts = QVBoxLayout()
        for chart in (self.agency_chart, self.stale_chart, self.body_chart):
            charts.addWidget(chart)
        charts.addStretch(1)
        grid.addLayout(charts, 0, 1, 4, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(0, 3)  # the tables' names and counts before the bars
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 1)
        grid.setHorizontalSpacing(24)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(counts)
        layout.addLayout(grid, 1)

        self.months.valueChanged.connect(self.requested)
        self.refresh_button.clicked.connect(self.requested)
        self.stale_button.clicked.connect(lambda: self.listRequested.emit("", "", "", True))
        self.held_button.clicked.connect(self.inboxRequested)
        self.rejected_button.clicked.connect(self.inboxRequested)
        self.conflicts_button.clicked.connect(self.conflictsRequested)
        for m, button in self.due_buttons.items():
            button.clicked.connect(lambda _c=False, m=m: self.calendarRequested.emit(m))
        self.agency_table.activated.connect(lambda i: self._activated(i, by_agency=True))
        self.body_table.activated.connect(lambda i: self._activated(i, by_agency=False))

    def show_dashboard(self, data: Dashboard) -> None:
        self.data = data
        total, months = data.total, data.months
        self.summary.setText(counted(self.tr(
            "%Ln recommendation(s); {0} with no update since {1}", "", total), total).format(
            f"{data.stale:,}", data.stale_before.isoformat()))
        stale = counted(self.tr("No update in %n month(s)", "", months), months)
        self.agency_model.set_data(data.by_agency, data.statuses, stale)
        self.body_model.set_data(data.by_body, data.statuses, stale)
        self.stale_button.setText(self.tr("{0}: {1}").format(stale, f"{data.stale:,}"))
        held, rejected, settled = data.held, data.rejected, data.rejected_settled
        self.held_button.setText(self.tr("Held bundles: %n", "", held))
        rejected_text = self.tr("Rejected bundles: %n", "", rejected)
        if settled:
            rejected_text += " " + self.tr("(%n more rejected, then merged)", "", settled)
        self.rejected_button.setText(rejected_text)
        hard = data.hard_conflicts
        self.conflicts_button.setText(self.tr("Open conflicts: %n", "", data.open_conflicts)
                                      + " " + self.tr("(%n hard)", "", hard))
        for m, button in self.due_buttons.items():
            button.setText(counted(self.tr("Due in %n month(s): {0}", "", m), m).format(
                data.due.get(m, 0)))
        for button, tip in (
                (self.held_button, self.tr("Open the Bundle Inbox")),
                (self.rejected_button, self.tr(
                    "Open the Bundle Inbox. Counted: rejected bundle files that no later "
                    "merge settled, each file once (a file imported again after its key "
                    "was registered, or a copy sent again, settles its rejection).")),
                (self.conflicts_button, self.tr("Open the Conflicts tab")),
                (self.stale_button, self.tr("List them in the Overview"))):
            button.setToolTip(tip)
        for m, button in self.due_buttons.items():
            button.setToolTip(counted(self.tr("Show the calendar for the next %n month(s)", "",
                                              m), m))
        named = [r for r in data.by_agency if r.key]
        self.agency_chart.set_bars([(r.key, r.total) for r in named])
        self.stale_chart.set_bars([(r.key, r.stale) for r in named])
        self.body_chart.set_bars([(r.key, r.total) for r in data.by_body])

    def _activated(self, index: QModelIndex, *, by_agency: bool) -> None:
        model = self.agency_model if by_agency else self.body_model
        row = model.row_at(index.row())
        if row is None:
            return
        is_status, status = model.status_of(index.column())
        key = row.key
        agency, body = (key, "") if by_agency else ("", key)
        if by_agency and not key:
            return  # "not assigned" has no agency filter to open
        if by_agency and is_status:
            self.agencyOverviewRequested.emit(agency)
            return
        wanted = (status or NO_STATUS) if is_status else ""
        self.listRequested.emit(agency, body, wanted, index.column() == STALE)
