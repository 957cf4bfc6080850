"""The progress update dialog: status, narrative and as-of date for one recommendation."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.entry import InvalidEntry, ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.services.entry import add_progress
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.discard import DiscardGuardedDialog
from nmrf_desktop.ui.enum_text import label
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class UpdateDialog(DiscardGuardedDialog):
    """Append a dated progress update for an agency; the history is never rewritten."""

    saved = Signal(object)  # ProgressRecord

    def __init__(self, runner: TaskRunner, record: Record, recommendation_id: str,
                 reference: str, agencies: Sequence[AgencyChoice], agency: str, *,
                 current_status: str | None = None, can_choose_agency: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("updateDialog")
        self.setProperty("help_topic", "progress-update")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Progress Update — {0}").format(reference))
        self._runner, self._record, self._rec_id = runner, record, recommendation_id
        self._saving = False
        self.agency = QComboBox(self)
        self.agency.setObjectName("agencyCombo")
        self.agency.setAccessibleName(self.tr("Agency"))
        for choice in agencies:
            self.agency.addItem(choice.display(), choice.code)
        self.agency.setCurrentIndex(max(0, self.agency.findData(agency)))
        self.agency.setEnabled(can_choose_agency)
        self.status = QComboBox(self)
        self.status.setObjectName("statusCombo")
        self.status.setAccessibleName(self.tr("Status"))
        for status in ImplementationStatus:
            self.status.addItem(label(status), status.value)
        if current_status:
            self.status.setCurrentIndex(max(0, self.status.findData(current_status)))
        self.narrative = QPlainTextEdit(self)
        self.narrative.setObjectName("narrativeEdit")
        self.narrative.setAccessibleName(self.tr("Narrative"))
        self.narrative.setPlaceholderText(self.tr("What has the agency done, and what is next?"))
        self.narrative.setTabChangesFocus(True)
        self.as_of = QDateEdit(QDate.currentDate(), self)
        self.as_of.setObjectName("asOfDate")
        self.as_of.setAccessibleName(self.tr("As of"))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        # No maximum: Qt would turn a typed future date into another date; save refuses it.
        self.public = QCheckBox(self.tr("&Public (included in the transparency dataset)"), self)
        self.public.setObjectName("publicCheck")
        general = error_label(self, "general")
        self.errors = FieldErrors(general)
        form = QFormLayout()
        for field, text, widget in (("agency", self.tr("A&gency:"), self.agency),
                                    ("status", self.tr("&Status:"), self.status),
                                    ("narrative", self.tr("&Narrative:"), self.narrative),
                                    ("as_of", self.tr("&As of:"), self.as_of),
                                    ("is_public", "", self.public)):
            err = error_label(self, field)
            self.errors.add(field, err, widget)
            cell = with_error(widget, err)
            form.addRow(text, cell)
            caption = form.labelForField(cell)
            if isinstance(caption, QLabel):
                caption.setBuddy(widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))  # Ctrl+S
        save.setToolTip(self.tr("Save ({0})").format(
            save.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self.mark_clean()

    def typed_values(self) -> object:
        return self.draft()

    def draft(self) -> ProgressDraft:
        return ProgressDraft(
            recommendation_id=self._rec_id, agency=str(self.agency.currentData() or ""),
            status=ImplementationStatus(self.status.currentData()),
            narrative=self.narrative.toPlainText(),
            as_of=cast(dt.date, self.as_of.date().toPython()),
            is_public=self.public.isChecked())

    def save(self) -> None:
        if self._saving:
            return
        draft = self.draft()
        try:
            draft.validate()
            if not draft.agency:
                raise InvalidEntry("agency", self.tr("Choose the agency reporting progress."))
        except InvalidEntry as exc:
            self.errors.show(exc.field, self._future() if exc.field == "as_of" else str(exc))
            return
        self.errors.clear()
        record, new_id = self._record, str(uuid.uuid4())
        self._saving = True
        self.buttons.setEnabled(False)
        self._runner.run(lambda: add_progress(record, draft, update_id=new_id),
                         self._saved, self._failed)

    def _future(self) -> str:
        today = QLocale().toString(QDate.currentDate(), "d MMMM yyyy")
        return self.tr("The as-of date cannot be after today ({0}).").format(today)

    def _saved(self, update: object) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.saved.emit(update)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, InvalidEntry):
            self.errors.show(exc.field, str(exc))
        else:
            log.error("saving a progress update failed", exc_info=exc)
            self.errors.show("general", self.tr("The update could not be saved: {0}").format(exc))

    @property
    def saving(self) -> bool:
        return self._saving
