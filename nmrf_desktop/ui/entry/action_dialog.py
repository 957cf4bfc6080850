"""The action dialog: create or edit an action, link recommendations, attach evidence."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop import policy
from nmrf_desktop.domain.entry import ActionDraft, ActionRecord, InvalidEntry
from nmrf_desktop.domain.enums import ActionKind, ActionStatus
from nmrf_desktop.services import workspace
from nmrf_desktop.services.browsing import EvidenceItem
from nmrf_desktop.services.entry import (
    StaleEdit,
    attach_file,
    attach_url,
    cancel_action,
    create_action,
    update_action,
)
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import EVIDENCE_MAX_BYTES
from nmrf_desktop.ui.date_field import OptionalDateEdit
from nmrf_desktop.ui.discard import DiscardGuardedDialog
from nmrf_desktop.ui.entry.picker import RecommendationPicker
from nmrf_desktop.ui.enum_text import label
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ActionSaved:
    """What a save did, for the undo stack: the action before (None: new) and after."""

    before: ActionRecord | None
    after: ActionRecord
    evidence_added: int


class ActionDialog(DiscardGuardedDialog):
    """Title, description, kind, status, dates, public flag, linked recommendations, evidence."""

    saved = Signal(object)  # ActionSaved
    cancelled = Signal(object)  # ActionSaved (after.status == cancelled)

    def __init__(self, runner: TaskRunner, record: Record, agencies: Sequence[AgencyChoice],
                 agency: str, *, action: ActionRecord | None = None,
                 evidence: Sequence[EvidenceItem] = (), link_ids: Sequence[str] = (),
                 can_choose_agency: bool = False, max_bytes: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionDialog")
        self.setProperty("help_topic", "record-action")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Edit Action") if action else self.tr("New Action"))
        self.setAcceptDrops(True)
        self._runner, self._record, self._action = runner, record, action
        self._max_bytes = max_bytes if max_bytes is not None else policy.value(EVIDENCE_MAX_BYTES)
        self._saving = False

        self.title = QLineEdit(self)
        self.title.setObjectName("titleEdit")
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setMaxLength(300)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("descriptionEdit")
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.agency = QComboBox(self)
        self.agency.setObjectName("agencyCombo")
        self.agency.setAccessibleName(self.tr("Agency"))
        for choice in agencies:
            self.agency.addItem(choice.display(), choice.code)
        self.agency.setCurrentIndex(max(0, self.agency.findData(action.agency if action
                                                                 else agency)))
        self.agency.setEnabled(can_choose_agency and action is None)
        self.kind = QComboBox(self)
        self.kind.setObjectName("kindCombo")
        self.kind.setAccessibleName(self.tr("Kind"))
        for kind in ActionKind:
            self.kind.addItem(label(kind), kind.value)
        self.status = QComboBox(self)
        self.status.setObjectName("statusCombo")
        self.status.setAccessibleName(self.tr("Status"))
        for status in ActionStatus:
            if status is not ActionStatus.CANCELLED:  # cancelling is its own command
                self.status.addItem(label(status), status.value)
        self.start = OptionalDateEdit(self.tr("Start date"), self)
        self.target = OptionalDateEdit(self.tr("Target date"), self)
        self.completed = OptionalDateEdit(self.tr("Completed date"), self)
        self.public = QCheckBox(self.tr("&Public (included in the transparency dataset)"), self)
        self.public.setObjectName("publicCheck")
        self.picker = RecommendationPicker(runner, record, self)
        self.evidence = QListWidget(self)
        self.evidence.setObjectName("evidenceList")
        self.evidence.setAccessibleName(self.tr("Evidence"))
        self.evidence.setMaximumHeight(self.fontMetrics().height() * 5 + 12)
        self.evidence.setToolTip(self.tr("Drop files here to attach them"))
        add_file = QPushButton(self.tr("Attach &File…"), self)
        add_file.setObjectName("attachFile")
        add_link = QPushButton(self.tr("Attach &Link…"), self)
        add_link.setObjectName("attachLink")
        remove = QPushButton(self.tr("&Remove"), self)
        remove.setToolTip(self.tr("Remove evidence not saved yet"))
        add_file.clicked.connect(self.choose_files)
        add_link.clicked.connect(self.ask_link)
        remove.clicked.connect(self._remove_pending)
        evidence_buttons = QHBoxLayout()
        for button in (add_file, add_link, remove):
            evidence_buttons.addWidget(button)
        evidence_buttons.addStretch(1)

        general = error_label(self, "general")
        self.errors = FieldErrors(general)
        evidence_cell = QVBoxLayout()
        evidence_cell.setContentsMargins(0, 0, 0, 0)
        evidence_cell.addWidget(self.evidence)
        evidence_cell.addLayout(evidence_buttons)
        form = QFormLayout()
        for field, text, widget in (
                ("title", self.tr("&Title:"), self.title),
                ("description", self.tr("&Description:"), self.description),
                ("agency", self.tr("A&gency:"), self.agency),
                ("kind", self.tr("&Kind:"), self.kind),
                ("status", self.tr("&Status:"), self.status),
                ("start_date", self.tr("Start date:"), self.start),
                ("target_date", self.tr("Target date:"), self.target),
                ("completed_date", self.tr("Completed date:"), self.completed),
                ("is_public", "", self.public),
                ("recommendations", self.tr("&Recommendations:"), self.picker),
                ("file", self.tr("&Evidence:"), evidence_cell)):
            err = error_label(self, field)
            focus = self.evidence if field == "file" else widget
            self.errors.add(field, err, focus)  # type: ignore[arg-type]
            cell = with_error(widget, err)
            form.addRow(text, cell)
            caption = form.labelForField(cell)
            buddy = {"recommendations": self.picker.search, "file": self.evidence}.get(
                field, focus)
            if isinstance(caption, QLabel):
                caption.setBuddy(buddy)  # type: ignore[arg-type]
        self.errors.alias("url", "file")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Close, self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))  # Ctrl+S
        save.setToolTip(self.tr("Save ({0})").format(
            save.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        self.cancel_action_button = QPushButton(self.tr("Cancel This &Action…"), self)
        self.cancel_action_button.setObjectName("cancelAction")
        self.cancel_action_button.setToolTip(self.tr(
            "Mark the action cancelled. Shared actions are never deleted."))
        if action is not None and action.status != ActionStatus.CANCELLED.value:
            # Only then: the button box shows every button added to it, hidden or not.
            self.buttons.addButton(self.cancel_action_button,
                                   QDialogButtonBox.ButtonRole.ResetRole)
        else:
            self.cancel_action_button.hide()
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.cancel_action_button.clicked.connect(self.cancel_action)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.resize(760, 780)

        for item in evidence:
            ev = item.evidence
            shown = QListWidgetItem(self.tr("{0} (saved)").format(ev.display_name), self.evidence)
            shown.setFlags(Qt.ItemFlag.ItemIsEnabled)
            shown.setToolTip(f"SHA-256 {ev.sha256}" if ev.sha256 else ev.url)
        if action is not None:
            self._fill(action)
        elif link_ids:
            self.picker.load_ids(link_ids)
        self.mark_clean()

    def _fill(self, action: ActionRecord) -> None:
        self.title.setText(action.title)
        self.description.setPlainText(action.description)
        self.kind.setCurrentIndex(max(0, self.kind.findData(action.kind)))
        self.status.setCurrentIndex(max(0, self.status.findData(action.status)))
        self.start.set_value(action.start_date)
        self.target.set_value(action.target_date)
        self.completed.set_value(action.completed_date)
        self.public.setChecked(action.is_public)
        self.picker.load_ids(action.recommendation_ids)

    def typed_values(self) -> object:
        return (self.draft(), self.description.toPlainText(), self.pending_files(),
                self.pending_links())

    # -- evidence -------------------------------------------------------------------------

    def pending_files(self) -> list[Path]:
        return [Path(self.evidence.item(i).data(Qt.ItemDataRole.UserRole)[1])
                for i in range(self.evidence.count())
                if (self.evidence.item(i).data(Qt.ItemDataRole.UserRole) or ("",))[0] == "file"]

    def pending_links(self) -> list[str]:
        return [self.evidence.item(i).data(Qt.ItemDataRole.UserRole)[1]
                for i in range(self.evidence.count())
                if (self.evidence.item(i).data(Qt.ItemDataRole.UserRole) or ("",))[0] == "url"]

    def add_files(self, paths: Sequence[Path]) -> bool:
        """Queue files to attach on save; a file that cannot be attached is refused now."""
        for path in paths:
            try:
                size = workspace.check_evidence_file(path, self._max_bytes)
            except InvalidEntry as exc:
                self.errors.show("file", str(exc))
                return False
            if path in self.pending_files():
                continue
            item = QListWidgetItem(self.tr("{0} ({1} bytes, attached on save)").format(
                path.name, f"{size:,}"), self.evidence)
            item.setData(Qt.ItemDataRole.UserRole, ("file", str(path)))
            item.setToolTip(str(path))
        self.errors.clear()
        return True

    def add_link(self, url: str) -> bool:
        url = url.strip()
        if not url.lower().startswith(("https://", "http://")):
            self.errors.show("url", self.tr("A link must start with https:// or http://."))
            return False
        item = QListWidgetItem(self.tr("{0} (attached on save)").format(url), self.evidence)
        item.setData(Qt.ItemDataRole.UserRole, ("url", url))
        self.errors.clear()
        return True

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach Evidence"))
        if chosen:
            self.add_files([Path(p) for p in chosen])

    def ask_link(self) -> None:
        url, ok = QInputDialog.getText(self, self.tr("Attach Link"),
                                       self.tr("Address (https://…):"))
        if ok and url.strip():
            self.add_link(url)

    def _remove_pending(self) -> None:
        item = self.evidence.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.evidence.takeItem(self.evidence.row(item))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_files([Path(u.toLocalFile()) for u in event.mimeData().urls()])
        event.acceptProposedAction()

    # -- saving ---------------------------------------------------------------------------

    def draft(self) -> ActionDraft:
        return ActionDraft(
            title=self.title.text(), agency=str(self.agency.currentData() or ""),
            description=self.description.toPlainText().strip(),
            kind=ActionKind(self.kind.currentData()),
            status=ActionStatus(self.status.currentData()),
            start_date=self.start.value(), target_date=self.target.value(),
            completed_date=self.completed.value(), is_public=self.public.isChecked(),
            recommendation_ids=self.picker.ids())

    def save(self) -> None:
        """Check everything here, then save on the worker; errors come back to their field."""
        if self._saving:
            return
        draft = self.draft()
        files, links = self.pending_files(), self.pending_links()
        try:
            draft.validate()
            for path in files:
                workspace.check_evidence_file(path, self._max_bytes)
        except InvalidEntry as exc:
            self.errors.show(exc.field, str(exc))
            return
        self.errors.clear()
        record, before, limit = self._record, self._action, self._max_bytes
        new_id = str(uuid.uuid4())

        def job() -> ActionSaved:
            for path in files:  # again, now: the file may have changed since it was added
                workspace.check_evidence_file(path, limit)
            if before is None:
                after = create_action(record, draft, action_id=new_id)
            else:
                after = update_action(record, before.id, draft, before.version)
            for path in files:
                attach_file(record, path, agency=after.agency, action_id=after.id,
                            is_public=draft.is_public, max_bytes=limit)
            for url in links:
                attach_url(record, url, agency=after.agency, action_id=after.id,
                           is_public=draft.is_public)
            return ActionSaved(before, after, len(files) + len(links))

        self._set_saving(True)
        self._runner.run(job, self._saved, self._failed)

    def cancel_action(self) -> None:
        action = self._action
        if action is None or self._saving:
            return
        record = self._record
        self._set_saving(True)
        self._runner.run(
            lambda: ActionSaved(action, cancel_action(record, action.id, action.version), 0),
            self._cancelled, self._failed)

    def _saved(self, result: ActionSaved) -> None:
        self._set_saving(False)
        self.saved.emit(result)
        self.accept()

    def _cancelled(self, result: ActionSaved) -> None:
        self._set_saving(False)
        self.cancelled.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, InvalidEntry):
            self.errors.show(exc.field, str(exc))
        elif isinstance(exc, StaleEdit):
            self.errors.show("general", str(exc))
        else:
            log.error("saving an action failed", exc_info=exc)
            self.errors.show("general", self.tr("The action could not be saved: {0}").format(
                exc))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)

    @property
    def saving(self) -> bool:
        return self._saving
