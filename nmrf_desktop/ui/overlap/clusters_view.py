"""The clusters view: every overlap cluster, its members, and the coordinator's decisions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import overlap
from nmrf_desktop.services.overlap import ClusterSummary, Member, OverlapState
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label, status_label
from nmrf_desktop.ui.exchange.common import MessageStrip, guarded
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
ID_ROLE = Qt.ItemDataRole.UserRole


def status_mix_text(summary: ClusterSummary) -> str:
    """"3 Implemented, 2 no update": the members' statuses, most frequent first."""
    none = QCoreApplication.translate("ClustersModel", "no update")
    return ", ".join(f"{n} {status_label(s) if s != 'none' else none}"
                     for s, n in summary.status_mix)


class _ListModel(QAbstractTableModel):
    """A small in-memory list shown under fixed HEADERS (translated in the subclass's context)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def _set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _row(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return QCoreApplication.translate(type(self).__name__, self.HEADERS[section])
        return None


class ClustersModel(_ListModel):
    """The clusters found, largest first (a small in-memory list)."""

    HEADERS = cast(tuple[str, ...], (  # QT_TRANSLATE_NOOP gives back its text
        QT_TRANSLATE_NOOP("ClustersModel", "Size"),
        QT_TRANSLATE_NOOP("ClustersModel", "State under review"),
        QT_TRANSLATE_NOOP("ClustersModel", "Bodies"),
        QT_TRANSLATE_NOOP("ClustersModel", "Cycles"),
        QT_TRANSLATE_NOOP("ClustersModel", "Status mix"),
        QT_TRANSLATE_NOOP("ClustersModel", "Key reasons"),
    ))

    def set_clusters(self, rows: Sequence[ClusterSummary]) -> None:
        self._set_rows(rows)

    def cluster_at(self, row: int) -> ClusterSummary | None:
        cluster: ClusterSummary | None = self._row(row)
        return cluster

    def row_holding(self, rec_id: str) -> int:
        return next((i for i, c in enumerate(self._rows) if rec_id in c.member_ids), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.cluster_at(index.row()) if index.isValid() else None
        if c is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(c.size), c.country, ", ".join(c.bodies),
                    ", ".join(str(n) for n in c.cycles), status_mix_text(c),
                    "; ".join(c.reasons))[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return "\n".join(c.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return c.id
        return None


class MembersModel(_ListModel):
    """The members of one cluster, with each one's strongest match inside it."""

    HEADERS = cast(tuple[str, ...], (  # QT_TRANSLATE_NOOP gives back its text
        QT_TRANSLATE_NOOP("MembersModel", "Reference"),
        QT_TRANSLATE_NOOP("MembersModel", "Body"),
        QT_TRANSLATE_NOOP("MembersModel", "Cycle"),
        QT_TRANSLATE_NOOP("MembersModel", "Status"),
        QT_TRANSLATE_NOOP("MembersModel", "Text"),
        QT_TRANSLATE_NOOP("MembersModel", "Matched because"),
    ))

    def set_members(self, rows: Sequence[Member]) -> None:
        self._set_rows(rows)

    def member_at(self, row: int) -> Member | None:
        member: Member | None = self._row(row)
        return member

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        m = self.member_at(index.row()) if index.isValid() else None
        if m is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (m.reference, m.body, cycle_label(m.cycle, m.year),
                    status_label(m.status) or self.tr("No update"), m.excerpt, m.why)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 5):
            return m.text if col == 4 else m.why
        if role == ID_ROLE:
            return m.id
        return None


class ClustersView(QWidget):
    """Clusters above, the chosen cluster's members below; decisions for coordinators."""

    # A member was opened (double-click or "Open"): its recommendation id.
    recommendationActivated = Signal(str)
    # "Link an action to this cluster": the ClusterSummary.
    linkActionRequested = Signal(object)
    # "Find overlaps" was pressed.
    findRequested = Signal()
    # "Carry Work Forward…" was pressed.
    carryRequested = Signal()
    # A decision changed the clusters (the detail pane may show stale related items).
    changed = Signal()

    def __init__(self, runner: TaskRunner, record: Record | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clustersView")
        self._runner, self._record = runner, record
        self._coordinator = False
        self._busy = False
        self._keep: str | None = None  # a member id whose cluster to reselect after a reload
        self.state: OverlapState | None = None
        self.clusters = ClustersModel(self)
        self.members = MembersModel(self)

        self.summary = QLabel(self)
        self.summary.setObjectName("clustersSummary")
        self.message = MessageStrip(self)
        self.find_button = QPushButton(self.tr("&Find Overlaps"), self)
        self.find_button.setToolTip(self.tr("Look for overlapping recommendations now "
                                            "(only new and changed ones are re-read)"))
        self.find_button.clicked.connect(self.findRequested.emit)

        self.cluster_table = self._table("clustersTable", self.tr("Overlap clusters"))
        self.cluster_table.setModel(self.clusters)
        self.member_table = self._table("membersTable", self.tr("Members of the cluster"))
        self.member_table.setModel(self.members)
        self.member_table.doubleClicked.connect(self._open_index)
        for table, stretch in ((self.cluster_table, 5), (self.member_table, 4)):
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        why = self.member_table.horizontalHeader()
        why.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        why.resizeSection(5, self.fontMetrics().horizontalAdvance("x") * 45)
        self.cluster_table.selectionModel().selectionChanged.connect(self._clusters_selected)
        self.member_table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.confirm_button = self._button(self.tr("&Confirm Pair"), self.confirm_pair,
                                           self.tr("These two ask the same thing: always keep "
                                                   "them together"))
        self.reject_button = self._button(self.tr("&Reject Pair"), self.reject_pair,
                                          self.tr("These two do not ask the same thing: never "
                                                  "put them together again"))
        self.split_button = self._button(self.tr("&Split Off Selected"), self.split_selected,
                                         self.tr("Take the selected members out into a cluster "
                                                 "of their own"))
        self.merge_button = self._button(self.tr("&Merge Clusters"), self.merge_selected,
                                         self.tr("Select two clusters above to make one of "
                                                 "them"))
        self.link_button = self._button(self.tr("&Link an Action to the Cluster…"),
                                        self.link_action,
                                        self.tr("A new action answering every member of the "
                                                "cluster"))
        self.carry_button = self._button(self.tr("Carry &Work Forward…"),
                                         self.carryRequested.emit,
                                         self.tr("Give repeated recommendations the agencies "
                                                 "and actions of the earlier ones they "
                                                 "repeat"))
        self.carry_button.setObjectName("carryForwardButton")
        self._carry_tip = self.carry_button.toolTip()
        self.carry_refusal = ""  # why Carry Work Forward is not offered (a laptop copy)
        self.open_button = self._button(self.tr("&Open"), self._open_current,
                                        self.tr("Show the selected member in the list"))

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.merge_button)
        top.addWidget(self.carry_button)
        top.addWidget(self.find_button)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.confirm_button, self.reject_button,
                       self.split_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.link_button)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.member_table, 1)
        lower_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.cluster_table)
        self.splitter.addWidget(lower)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _table(self, name: str, accessible: str) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        return table

    def _button(self, text: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- state ------------------------------------------------------------------------

    def set_record(self, record: Record | None) -> None:
        self._record = record
        self.clusters.set_clusters([])
        self.members.set_members([])
        self.message.clear_message()
        if record is not None and self.isVisible():
            self.refresh()

    def set_coordinator(self, coordinator: bool) -> None:
        self._coordinator = coordinator
        self._update_buttons()

    def set_carry_refusal(self, reason: str) -> None:
        """Carry Work Forward is refused here, and why ("": offered)."""
        self.carry_refusal = reason
        self.carry_button.setToolTip(reason or self._carry_tip)
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh(self) -> None:
        """Read the clusters again (on the worker); keep the chosen cluster if it still exists."""
        record = self._record
        if record is None:
            return
        current = self.current_cluster()
        if current is not None and self._keep is None:
            self._keep = current.members[0].id if current.members else None
        self._runner.run(lambda: (overlap.state(record), overlap.cluster_summaries(record)),
                         guarded(self._loaded), guarded(self._failed), key="clusters")

    def _loaded(self, result: tuple[OverlapState, list[ClusterSummary]]) -> None:
        self.state, found = result
        self.clusters.set_clusters(found)
        if not self.state.detected:
            self.summary.setText(self.tr("Overlaps have not been looked for yet."))
        else:
            members = sum(c.size for c in found)
            self.summary.setText(self.tr("{0} clusters holding {1} of {2} recommendations")
                                 .format(len(found), members, self.state.indexed))
        keep, self._keep = self._keep, None
        row = self.clusters.row_holding(keep) if keep else -1
        self.select_cluster(row if row >= 0 else 0)
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        log.error("overlap clusters could not be read or changed", exc_info=exc)
        self.message.show_message("error", str(exc))

    # -- selection --------------------------------------------------------------------

    def select_cluster(self, row: int) -> None:
        if self.clusters.cluster_at(row) is None:
            self.members.set_members([])
            return
        self.cluster_table.selectionModel().setCurrentIndex(
            self.clusters.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def select_members(self, rows: Sequence[int]) -> None:
        model = self.member_table.selectionModel()
        model.clearSelection()
        for row in rows:
            model.select(self.members.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)

    def current_cluster(self) -> ClusterSummary | None:
        index = self.cluster_table.currentIndex()
        return self.clusters.cluster_at(index.row()) if index.isValid() else None

    def selected_clusters(self) -> list[ClusterSummary]:
        rows = sorted(i.row() for i in self.cluster_table.selectionModel().selectedRows())
        return [c for c in (self.clusters.cluster_at(r) for r in rows) if c is not None]

    def selected_members(self) -> list[Member]:
        rows = sorted(i.row() for i in self.member_table.selectionModel().selectedRows())
        return [m for m in (self.members.member_at(r) for r in rows) if m is not None]

    def _clusters_selected(self, *_args: object) -> None:
        current = self.current_cluster()
        self.members.set_members(current.members if current else [])
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        current, picked = self.current_cluster(), self.selected_members()
        can = self._coordinator and not self._busy
        self.find_button.setVisible(self._coordinator)
        self.find_button.setEnabled(can)
        self.confirm_button.setEnabled(can and len(picked) == 2)
        self.reject_button.setEnabled(can and len(picked) == 2)
        self.split_button.setEnabled(can and current is not None
                                     and 0 < len(picked) < current.size)
        self.merge_button.setEnabled(can and len(self.selected_clusters()) == 2)
        self.link_button.setEnabled(current is not None and not self._busy)
        self.open_button.setEnabled(len(picked) == 1)
        self.carry_button.setEnabled(can and not self.carry_refusal)
        for button in (self.confirm_button, self.reject_button, self.split_button,
                       self.merge_button, self.carry_button):
            button.setVisible(self._coordinator)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    # -- commands ---------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        m = self.members.member_at(index.row())
        if m is not None:
            self.recommendationActivated.emit(m.id)

    def _open_current(self) -> None:
        picked = self.selected_members()
        if len(picked) == 1:
            self.recommendationActivated.emit(picked[0].id)

    def link_action(self) -> None:
        current = self.current_cluster()
        if current is not None:
            self.linkActionRequested.emit(current)

    def confirm_pair(self) -> None:
        a, b = self.selected_members()
        self._decide(lambda record: overlap.confirm(record, a.reference, b.reference),
                     self.tr("Confirmed: {0} and {1} ask the same thing.").format(
                         a.reference, b.reference), a.id)

    def reject_pair(self) -> None:
        a, b = self.selected_members()
        self._decide(lambda record: overlap.reject(record, a.reference, b.reference),
                     self.tr("Rejected: {0} and {1} will not be put together again.").format(
                         a.reference, b.reference), a.id)

    def split_selected(self) -> None:
        current, picked = self.current_cluster(), self.selected_members()
        if current is None or not picked:
            return
        refs = [m.reference for m in picked]
        self._decide(lambda record: overlap.split(record, current.id, refs),
                     counted(self.tr("Split %n recommendation(s) off into their own "
                                     "cluster.", "", len(refs)), len(refs)), picked[0].id)

    def merge_selected(self) -> None:
        chosen = self.selected_clusters()
        if len(chosen) != 2:
            return
        first, second = chosen
        size = first.size + second.size
        self._decide(lambda record: overlap.merge(record, first.id, second.id),
                     counted(self.tr("Merged two clusters (%n recommendation(s)).", "", size),
                             size), first.members[0].id)

    def _decide(self, job: Callable[[Record], object], done_text: str, keep: str) -> None:
        record = self._record
        if record is None or self._busy:
            return
        self._set_busy(True)
        self.message.clear_message()

        def done(_result: object) -> None:
            self._set_busy(False)
            self.message.show_message("success", done_text)
            self._keep = keep
            self.refresh()
            self.changed.emit()
        self._runner.run(lambda: job(record), guarded(self._after_decision, done),
                         guarded(self._failed))

    def _after_decision(self, done: Callable[[object], None], result: object) -> None:
        done(result)
