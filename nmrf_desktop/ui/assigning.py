"""Coordinator tools: bulk assignment, Annex II lead defaults, Te Tiriti flags."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services import assigning
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)


class AssignDialog(QDialog):
    """Which agency, which role, and whether the selection or every filtered result."""

    def __init__(self, agencies: Sequence[AgencyChoice], selected: int, matching: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle(self.tr("Assign to Agency"))
        self.agency = QComboBox(self)
        self.agency.setObjectName("agencyCombo")
        self.agency.setAccessibleName(self.tr("Agency"))
        for choice in agencies:
            self.agency.addItem(choice.display(), choice.code)
        self.lead = QRadioButton(self.tr("&Lead"), self)
        self.contributing = QRadioButton(self.tr("&Contributing"), self)
        self.lead.setChecked(True)
        roles = QButtonGroup(self)
        roles.addButton(self.lead)
        roles.addButton(self.contributing)
        self.selection = QRadioButton(
            counted(self.tr("The %n &selected recommendation(s)", "", selected), selected),
            self)
        self.filtered = QRadioButton(
            counted(self.tr("All %n recommendation(s) matching the current &filters", "",
                            matching), matching), self)
        scope = QButtonGroup(self)
        scope.addButton(self.selection)
        scope.addButton(self.filtered)
        self.selection.setEnabled(selected > 0)
        (self.selection if selected > 0 else self.filtered).setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("A&gency:"), self.agency)
        caption = form.labelForField(self.agency)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.agency)
        form.addRow(self.tr("Role:"), self.lead)
        form.addRow("", self.contributing)
        form.addRow(self.tr("Assign:"), self.selection)
        form.addRow("", self.filtered)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def role(self) -> AssignmentRole:
        return AssignmentRole.LEAD if self.lead.isChecked() else AssignmentRole.CONTRIBUTING


class CoordinatorTools(QObject):
    """The Coordinator menu's commands, run on the worker, reported in the status bar."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self._window = window

    def assign(self) -> None:
        window = self._window
        record = window.record
        if record is None:
            return
        ids = window.selected_ids()
        dialog = AssignDialog(window.agencies, len(ids), window.shown_count(), window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        agency, role = str(dialog.agency.currentData()), dialog.role()
        filters = window.shown_filters()
        chosen = ids if dialog.selection.isChecked() else None
        window.run_write(
            lambda: assigning.assign(record, agency, role, filters=filters, ids=chosen),
            lambda result: counted(self.tr(
                "Assigned %n recommendation(s) to {0} as {1} ({2} new, {3} changed).", "",
                result["matched"]), result["matched"]).format(
                    agency, role.value, result["created"], result["changed"]),
            Changed.ASSIGNMENTS)

    def lead_defaults(self) -> None:
        window = self._window
        record = window.record
        if record is None:
            return
        answer = QMessageBox.question(window, self.tr("Apply Lead Defaults"), self.tr(
            "Give every recommendation to its body's lead agency (Cabinet paper, Annex II)? "
            "Existing assignments are kept; an agency already contributing becomes lead."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        window.run_write(lambda: assigning.assign_lead_defaults(record),
                         lambda result: self.tr("Lead defaults applied: {0} assignments "
                                                "created, {1} changed.").format(
                             result["created"], result["changed"]),
                         Changed.ASSIGNMENTS)

    def flag_te_tiriti(self, relevant: bool = True) -> None:
        window = self._window
        record, ids = window.record, window.selected_ids()
        if record is None:
            return
        if not ids:
            window.show_error(self.tr("Select the recommendations to flag first."))
            return
        window.run_write(
            lambda: assigning.flag(record, ids, te_tiriti=relevant),
            lambda changed: counted(
                self.tr("%n recommendation(s) flagged as relevant to Te Tiriti.", "", changed)
                if relevant else
                self.tr("Te Tiriti flag cleared on %n recommendation(s).", "", changed),
                changed),
            Changed.RECOMMENDATIONS)
