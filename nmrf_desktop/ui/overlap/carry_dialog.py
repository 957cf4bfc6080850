"""Carry Work Forward: the review screen where a coordinator decides, per cluster, which
agencies and actions of an earlier recommendation a repeated one takes over."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import carry_forward, overlap
from nmrf_desktop.services.carry_forward import CARRIED, DECLINED, Suggestion
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label
from nmrf_desktop.ui.exchange.common import JobProgress, MessageStrip, ProgressPoller, guarded
from nmrf_desktop.ui.overlap.carry_jobs import Outcome, carry_all, decline_all
from nmrf_desktop.ui.overlap.carry_model import CYCLE, NAME, PROGRESS, TEXT, WHY, CarryModel
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
# Up to this many earlier recommendations every row is shown opened; beyond, the agencies
# and actions under each open on demand (expanding every row of a whole-world record takes
# seconds on the GUI thread).
EXPAND_ALL_UP_TO = 1500

class CarryDialog(QDialog):
    """Suggestions per cluster, ticked by the coordinator; Carry Selected, Decline, Close.

    Every decision goes out as `decided(verdict, lineages)` for the window's undo stack;
    `refresh()` reads the suggestions again (the window calls it when the record changes).
    """

    # (CARRIED | DECLINED, list[Lineage]) after a carry or a decline took effect.
    decided = Signal(str, object)
    # The suggestions were read again (their number).
    loaded = Signal(int)

    def __init__(self, runner: TaskRunner, record: Record, parent: QWidget | None = None,
                 extra_actions: Sequence[QAction] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("carryForward")
        self._runner, self._record = runner, record
        self._busy = False
        self._loading = False
        self.model = CarryModel(self)
        self.setWindowTitle(self.tr("Carry Work Forward"))
        self.intro = QLabel(self.tr(
            "Each recommendation below repeats an earlier one that already has work on it. "
            "Tick the agencies to assign and the actions to link, then Carry Selected. "
            "Nothing is carried until you do; Edit → Undo takes a decision back."))
        self.intro.setWordWrap(True)
        self.message = MessageStrip(self)
        self.message.setObjectName("carryMessage")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._body())
        self.stack.addWidget(self._empty_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._buttons())
        for action in extra_actions:  # Undo and Redo answer here too (Ctrl+Z in the dialog)
            self.addAction(action)
        # Ticks and selection changes arrive many at a time (a cluster ticked is dozens of
        # rows): the counts and buttons are worked out once they have all arrived.
        self._pending_update = QTimer(self)
        self._pending_update.setSingleShot(True)
        self._pending_update.setInterval(0)
        self._pending_update.timeout.connect(self._update)
        self.model.dataChanged.connect(lambda *_a: self._pending_update.start())
        self.model.modelReset.connect(self._update)
        self.resize(1180, 680)
        self._update()

    # -- the parts -------------------------------------------------------------------------

    def _empty_page(self) -> QWidget:
        """What shows when nothing is offered: that, and why (detection not run, or how
        suggestions arise)."""
        page = QWidget(self)
        box = QVBoxLayout(page)
        self.empty = QLabel(self.tr("No repeated recommendation has earlier work to carry "
                                    "forward."), page)
        self.empty.setObjectName("carryEmpty")
        self.empty_hint = QLabel(page)
        self.empty_hint.setObjectName("carryEmptyHint")
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.empty_hint.setStyleSheet(f"color:{muted}")
        for label in (self.empty, self.empty_hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.empty.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.empty.setFont(font)
        box.addStretch(1)
        box.addWidget(self.empty)
        box.addWidget(self.empty_hint)
        box.addStretch(1)
        return page

    def _body(self) -> QSplitter:
        self.tree = QTreeView(self)
        self.tree.setObjectName("carryTree")
        self.tree.setModel(self.model)
        self.tree.setAccessibleName(self.tr("Repeated recommendations and the work to carry"))
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((NAME, 290), (TEXT, 420), (WHY, 250)):
            self.tree.setColumnWidth(column, width)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        # Cycle and Updates sized to their headers once: ResizeToContents would measure every
        # row of the tree on each tick, seconds on a record of thousands of suggestions.
        metrics = header.fontMetrics()
        for column in (CYCLE, PROGRESS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            self.tree.setColumnWidth(column, metrics.horizontalAdvance(title) + 24)
        self.tree.selectionModel().currentRowChanged.connect(self._show_current)
        self.tree.selectionModel().selectionChanged.connect(
            lambda *_a: self._pending_update.start())
        self.tree.selectionModel().currentChanged.connect(
            lambda *_a: self._pending_update.start())
        side = QWidget(self)
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("&Both texts:"), side)
        self.details = QTextBrowser(side)
        self.details.setObjectName("carryDetails")
        self.details.setAccessibleName(self.tr("The new and the earlier recommendation"))
        self.details.setOpenLinks(False)
        self.details.setTabChangesFocus(True)
        label.setBuddy(self.details)
        box.addWidget(label)
        box.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(side)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([440, 160])
        return splitter

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.select_cluster_button = QPushButton(self.tr("Select &All in This Cluster"), self)
        self.select_cluster_button.setObjectName("carrySelectCluster")
        self.select_cluster_button.setToolTip(self.tr(
            "Tick every agency and action offered in the cluster of the selected row"))
        self.select_cluster_button.clicked.connect(self.select_cluster)
        self.clear_button = QPushButton(self.tr("Clea&r Ticks"), self)
        self.clear_button.setToolTip(self.tr("Untick everything"))
        self.clear_button.clicked.connect(self.model.clear_checks)
        self.summary = QLabel(self)
        self.summary.setObjectName("carrySummary")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("carryProgress")
        self.progress.setAccessibleName(self.tr("Decisions taken"))
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self._poller = ProgressPoller(self.progress)
        self._job: JobProgress | None = None
        self.stop_button = QPushButton(self.tr("&Stop"), self)
        self.stop_button.setToolTip(self.tr("Stop after the decision being taken; those taken "
                                            "stay (Edit → Undo takes them back)"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        self.buttons = QDialogButtonBox(self)
        self.carry_button = self.buttons.addButton(self.tr("&Carry Selected"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.carry_button.setObjectName("carryApply")
        self.carry_button.setToolTip(self.tr("Assign the ticked agencies and link the ticked "
                                             "actions to the new recommendations"))
        self.carry_button.clicked.connect(self.carry_selected)
        self.decline_button = self.buttons.addButton(self.tr("&Decline"),
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        self.decline_button.setObjectName("carryDecline")
        self.decline_button.setToolTip(self.tr(
            "The selected rows are not a repeat worth carrying: do not offer them again"))
        self.decline_button.clicked.connect(self.decline_selected)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)
        # No default button: Enter in the tree must not carry or decline by accident.
        for button in (self.select_cluster_button, self.clear_button, self.stop_button,
                       self.carry_button, self.decline_button, close):
            button.setAutoDefault(False)
            button.setDefault(False)
        row.addWidget(self.select_cluster_button)
        row.addWidget(self.clear_button)
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress)
        row.addWidget(self.stop_button)
        row.addWidget(self.buttons)
        return row

    # -- reading ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy or self._loading

    @property
    def update_pending(self) -> bool:
        """Ticks or the selection changed and the counts and buttons follow next."""
        return self._pending_update.isActive()

    def refresh(self) -> None:
        """Read the suggestions again on the worker; ticks still offered stay ticked."""
        record = self._record
        self._loading = True
        self._update()
        self._runner.run(lambda: (carry_forward.suggestions(record),
                                  overlap.state(record).detected),
                         guarded(self._loaded), guarded(self._failed), key="carry-suggestions")

    def _loaded(self, result: tuple[list[Suggestion], bool]) -> None:
        found, detected = result
        self._loading = False
        self.empty_hint.setText(self.tr(
            "Suggestions come from the overlap clusters: a recommendation clustered with one "
            "of an earlier cycle that has agencies, actions or progress, and not yet carried "
            "or declined.") if detected else self.tr(
            "Overlaps have not been looked for in this database yet: use Find Overlaps on "
            "the Overlaps tab first."))
        current = self.tree.currentIndex()
        keep_key = current.data(Qt.ItemDataRole.UserRole + 1) if current.isValid() else None
        self.model.set_suggestions(found, self.model.checked_keys())
        if self.model.candidate_count() <= EXPAND_ALL_UP_TO:
            self.tree.expandAll()
        else:  # thousands: the earlier ones shown, their agencies and actions on → or +
            self.tree.expandToDepth(0)
        self._restore_current(keep_key)
        self._update()
        self.loaded.emit(len(found))

    def _restore_current(self, key: tuple[str, ...] | None) -> None:
        target = QModelIndex()
        if key:
            target = self._find(key) or self._find(key[:1]) or QModelIndex()
        if not target.isValid() and self.model.rowCount():
            target = self.model.index(0, NAME)
        if target.isValid():
            self.select(target)
        else:
            self.details.clear()

    def _find(self, key: tuple[str, ...]) -> QModelIndex | None:
        for row in range(self.model.rowCount()):
            top = self.model.index(row, NAME)
            for index in [top] + [self.model.index(r, NAME, top)
                                  for r in range(self.model.rowCount(top))]:
                if index.data(Qt.ItemDataRole.UserRole + 1) == key:
                    return index
        return None

    def _failed(self, exc: BaseException) -> None:
        if self._busy:
            self._end_run()
        self._loading = False
        self._busy = False
        log.error("carry-forward suggestions could not be read or applied", exc_info=exc)
        self.message.show_message("error", str(exc) or type(exc).__name__)
        self._update()

    # -- the state shown -------------------------------------------------------------------

    def _update(self) -> None:
        model = self.model
        n, clusters, earlier = model.rowCount(), model.cluster_count(), model.candidate_count()
        title = self.tr("Carry Work Forward")
        if n:
            title = counted(self.tr("Carry Work Forward — %n repeated recommendation(s)", "",
                                    n), n) + counted(self.tr(" in %n cluster(s)", "", clusters),
                                                     clusters)
        self.setWindowTitle(title)
        self.stack.setCurrentIndex(0 if n or self._loading else 1)
        self.intro.setVisible(bool(n))
        chosen = model.decisions()
        agencies = sum(len(d.agencies) for d in chosen)
        actions = sum(len(d.actions) for d in chosen)
        if self._loading and not n:
            self.summary.setText(self.tr("Looking for repeated recommendations…"))
        elif n:
            self.summary.setText(
                counted(self.tr("%n earlier recommendation(s) chosen (of {0})", "",
                                len(chosen)), len(chosen)).format(earlier) + " · "
                + counted(self.tr("%n assignment(s) to add", "", agencies), agencies)
                + " · "
                + counted(self.tr("%n action(s) to link", "", actions), actions))
        else:
            self.summary.clear()
        can = not self._busy and not self._loading
        picked = bool(self.tree.selectionModel().selectedRows()) or \
            self.tree.currentIndex().isValid()
        self.carry_button.setEnabled(can and bool(chosen))
        self.decline_button.setEnabled(can and n > 0 and picked)
        self.select_cluster_button.setEnabled(can and n > 0 and picked)
        self.clear_button.setEnabled(can and bool(chosen))
        self.tree.setEnabled(not self._busy)

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node(current)
        if node is None:
            self.details.clear()
            return
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        s = node.suggestion
        parts = [self._text_block(self.tr("New: {0}").format(s.reference), s.cycle, s.text,
                                  muted)]
        candidates = [node.candidate] if node.candidate is not None else list(s.candidates)
        for c in candidates:
            parts.append(self._text_block(self.tr("Earlier: {0}").format(c.earlier_reference),
                                          c.earlier_cycle, c.earlier_text, muted))
            facts = [self.tr("Matched because: {0}").format(c.reason)] if c.reason else []
            facts.append(counted(self.tr("%n progress update(s) recorded there", "",
                                         c.progress), c.progress))
            parts.append(f'<p style="color:{muted}; margin:0 0 8px 0">'
                         f'{escape(" · ".join(facts))}</p>')
        self.details.setHtml("".join(parts))

    def _text_block(self, heading: str, cycle: int | None, text: str, muted: str) -> str:
        where = self.tr("cycle {0}").format(cycle_label(cycle, None)) if cycle else ""
        return (f'<p style="margin:4px 0 0 0"><b>{escape(heading)}</b> '
                f'<span style="color:{muted}">{escape(where)}</span><br>{escape(text)}</p>')

    # -- commands --------------------------------------------------------------------------

    def select(self, index: QModelIndex) -> None:
        """Make the row at `index` current and the only one selected (keyboard, tests)."""
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def select_cluster(self) -> None:
        """Tick everything offered in the cluster of the current row."""
        index = self.tree.currentIndex()
        if index.isValid():
            n = self.model.set_cluster_checked(index)
            self.message.show_message("info", counted(self.tr(
                "Ticked everything offered to %n recommendation(s) in this cluster. "
                "Carry Selected applies it.", "", n), n))

    def carry_selected(self) -> None:
        chosen = self.model.decisions()
        if not chosen or self.busy:
            return
        record = self._record
        self._run(lambda job: carry_all(record, chosen, job), CARRIED, len(chosen))

    def decline_selected(self) -> None:
        rows = self.tree.selectionModel().selectedRows(NAME) or [self.tree.currentIndex()]
        pairs = self.model.pairs_at(rows)
        if not pairs or self.busy:
            return
        record = self._record
        self._run(lambda job: decline_all(record, pairs, job), DECLINED, len(pairs))

    def stop(self) -> None:
        """Stop a long carry or decline after the decision being taken."""
        if self._job is not None:
            self._job.cancel()
            self.stop_button.setEnabled(False)

    def _run(self, work: Callable[[JobProgress], Outcome], verdict: str, total: int) -> None:
        self._busy = True
        job = JobProgress()
        self._job = job
        self.message.show_message("info", self.tr("Carrying work forward…")
                                  if verdict == CARRIED else self.tr("Declining…"))
        self._poller.watch(job, total)
        self.stop_button.setEnabled(True)
        self.stop_button.setVisible(total > 1)
        self._update()
        self._runner.run(lambda: work(job), guarded(self._done, verdict),
                         guarded(self._failed))

    def _end_run(self) -> None:
        self._job = None
        self._poller.stop()
        self.stop_button.hide()

    def _done(self, verdict: str, outcome: Outcome) -> None:
        self._end_run()
        self._busy = False
        n = len(outcome.done)
        if verdict == CARRIED:
            text = counted(self.tr("Carried work forward to %n recommendation(s).", "", n), n)
        else:
            text = counted(self.tr("Declined %n suggestion(s): they are not offered again.",
                                   "", n), n)
        if outcome.refusal:
            self.message.show_message("error", text + " " + self.tr(
                "Stopped at a refusal: {0}").format(outcome.refusal))
        elif outcome.stopped:
            self.message.show_message("warning", text + " " + self.tr(
                "Stopped before the rest. Edit → Undo (Ctrl+Z) takes back those taken."))
        else:
            self.message.show_message("success", text + " " + self.tr(
                "Edit → Undo (Ctrl+Z) takes it back."))
        self._update()
        if outcome.done:
            self.decided.emit(verdict, outcome.done)
        self.refresh()

    def show_error(self, text: str) -> None:
        self.message.show_message("error", text)

    def focus_first(self) -> None:
        """The tree takes the keyboard, on its first row."""
        if self.model.rowCount() and not self.tree.currentIndex().isValid():
            self.tree.setCurrentIndex(self.model.index(0, NAME))
        self.tree.setFocus()
