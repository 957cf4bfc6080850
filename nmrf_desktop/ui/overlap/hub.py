"""Wires overlap detection into the main window: related list, clusters tab, "Find Overlaps"."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from nmrf_desktop.domain.changes import ACTION_ENTRY, Changed
from nmrf_desktop.services import overlap
from nmrf_desktop.services.overlap import ClusterSummary, Related, UpdateReport
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.entry.action_dialog import ActionDialog, ActionSaved
from nmrf_desktop.ui.entry.undo import CreateActionCommand, context_of
from nmrf_desktop.ui.exchange.common import JobProgress
from nmrf_desktop.ui.overlap.carry_hub import CarryHub
from nmrf_desktop.ui.overlap.clusters_view import ClustersView
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Overlap"


class OverlapHub(Hub):
    """Related recommendations in the detail pane, the clusters tab, and detection runs."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self._progress: QProgressDialog | None = None
        self._job: JobProgress | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        self.action_dialog: ActionDialog | None = None

        self.view = ClustersView(window.runner, None, window)
        self._tab = window.tabs.addTab(self.view, _T(_C, "Overlaps"))
        menu = window.window_actions.coordinator_menu
        menu.addSeparator()
        self.show_action = self.add_command(
            _T(_C, "Overlapping &Recommendations"), self.show_clusters, "Ctrl+5",
            _T(_C, "Clusters of recommendations that ask the same thing"), menu)
        self.find_action = self.add_command(
            _T(_C, "&Find Overlaps"), self.find_overlaps, None,
            _T(_C, "Look for overlapping recommendations now"), menu)
        # Everyone sees related items; coordinators see the clusters tab and decide. The
        # actions stay visible: the coordinator menu they are in is hidden from officers.
        self.for_role(True, actions=(self.show_action, self.find_action), tabs=(self._tab,),
                      hide_actions=False)

        detail = window.detail
        detail.detailShown.connect(self._load_related)
        detail.relatedActivated.connect(window.open_recommendation)
        detail.findOverlapsRequested.connect(self.find_overlaps)
        self.view.recommendationActivated.connect(window.open_recommendation)
        self.view.linkActionRequested.connect(self.link_action)
        self.view.findRequested.connect(self.find_overlaps)
        # Carry Work Forward (issue 17): its own hub, opened from the tab and the menu.
        self.carry = CarryHub(window, self.view)
        self.view.carryRequested.connect(self.carry.open_dialog)
        self.view.changed.connect(window.reload_detail)
        window.databaseOpened.connect(lambda _path: self.opened())
        window.tabs.currentChanged.connect(self._tab_changed)
        window.changed.connect(self._changed)
        # The coordinator menu is hidden until the role is known, so that showing it for a
        # coordinator is a change we hear about.
        menu.menuAction().setVisible(window.profile.is_coordinator)
        self.follow_coordinator_menu()
        self.set_coordinator(False)

    # -- state ------------------------------------------------------------------------

    def opened(self, record: Record | None = None) -> None:
        """A database was opened: clusters of that one (read when the tab is shown)."""
        self._follow_profile()
        self.view.set_record(record or self._window.record)

    def set_coordinator(self, coordinator: bool) -> None:
        """Coordinators see the clusters tab and decide; everyone sees related items."""
        self.view.set_coordinator(coordinator)
        super().set_coordinator(coordinator)

    def _follow_profile(self) -> bool:
        changed = super()._follow_profile()
        if changed:  # the related list shows the coordinator's buttons, or not
            self._window.reload_detail()
        return changed

    def _changed(self, changes: Changed) -> None:
        """Clusters show their members' actions, and the decisions taken on them."""
        if changes.affects(Changed.OVERLAP | Changed.ACTIONS):
            self.view.refresh()

    def _tab_changed(self, index: int) -> None:
        if index == self._tab:
            self.view.refresh()

    def show_clusters(self) -> None:
        if self._coordinator:
            self._window.tabs.setCurrentIndex(self._tab)

    # -- related recommendations in the detail pane -------------------------------------

    def _load_related(self, rec_id: str) -> None:
        record = self._window.record
        if record is None:
            return
        self._follow_profile()
        self._window.runner.run(lambda: overlap.related_to(record, rec_id), self._related,
                                key="related")

    def _related(self, related: Related) -> None:
        self._window.detail.show_related(related, self._coordinator)

    # -- detection ----------------------------------------------------------------------

    @property
    def finding(self) -> bool:
        return self._job is not None

    def find_overlaps(self) -> None:
        """Run detection (incremental) on the worker, with a cancellable progress dialog."""
        window, record = self._window, self._window.record
        if record is None or not self._coordinator or self._job is not None:
            return
        job = JobProgress()
        self._job = job
        dialog = QProgressDialog(_T(_C, "Looking for overlapping recommendations…"),
                                 _T(_C, "Cancel"), 0, 0, window)
        dialog.setObjectName("overlapProgress")
        dialog.setWindowTitle(_T(_C, "Find Overlaps"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel)
        self._progress = dialog
        self._poll.start()
        window.statusBar().showMessage(_T(_C, "Looking for overlapping recommendations…"))
        window.runner.run(lambda: overlap.update(record, progress=job), self._found,
                          self._find_failed)

    def _show_progress(self) -> None:
        if self._job is None or self._progress is None:
            return
        done, total = self._job.snapshot()
        self._progress.setLabelText(self._job.label or self._progress.labelText())
        self._progress.setMaximum(max(total, 0))
        self._progress.setValue(min(done, total))

    def _end_progress(self) -> None:
        self._poll.stop()
        self._job = None
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _found(self, report: UpdateReport) -> None:
        self._end_progress()
        self._window.statusBar().showMessage(
            counted(_T(_C, "Overlaps found: %n recommendation(s) read, {0} new or changed.",
                       "", report.indexed), report.indexed).format(
                report.added + report.changed), 8000)
        self._window.did_change(Changed.OVERLAP)

    def _find_failed(self, exc: BaseException) -> None:
        self._end_progress()
        if isinstance(exc, Cancelled):
            self._window.statusBar().showMessage(
                _T(_C, "Finding overlaps was cancelled; nothing changed."), 8000)
            return
        log.error("finding overlaps failed", exc_info=exc)
        self._window.statusBar().clearMessage()
        self._window.show_error(_T(_C, "Overlaps could not be found.\n\n{0}").format(exc))

    # -- one action for a whole cluster -------------------------------------------------

    def link_action(self, cluster: ClusterSummary) -> ActionDialog | None:
        """The action dialog with every member of the cluster already linked."""
        window, record = self._window, self._window.record
        if record is None:
            return None
        agency = window.profile.agency
        dialog = ActionDialog(window.runner, record, window.agencies, agency,
                              link_ids=cluster.member_ids,
                              can_choose_agency=window.profile.is_coordinator,
                              max_bytes=window.evidence_limit, parent=window)
        dialog.setWindowTitle(_T(_C, "New Action for {0} Overlapping Recommendations")
                              .format(cluster.size))
        dialog.saved.connect(lambda result: self._action_saved(result, dialog.pending_files()))
        dialog.finished.connect(lambda _r: setattr(self, "action_dialog", None))
        self.action_dialog = dialog
        dialog.open()
        return dialog

    def _action_saved(self, result: ActionSaved, files: list[Path]) -> None:
        window = self._window
        context = context_of(window, ACTION_ENTRY)
        if context is not None:  # undo removes it while unsent (files: for a redo)
            window.undo_stack.push(CreateActionCommand(result.after, files, context))
        window.did_change(ACTION_ENTRY)
