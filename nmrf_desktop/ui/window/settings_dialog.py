"""The Settings dialog: the user's own settings, and the organisation's, shown locked."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop import policy, settings
from nmrf_desktop.bundles.keys import fingerprint
from nmrf_desktop.settings import (
    AGENCY,
    BACKUP_DAILY,
    BACKUPS_KEPT,
    CENTRAL_KEY,
    DATA_FOLDER,
    EVIDENCE_MAX_BYTES,
    Option,
    Resolved,
)

log = logging.getLogger(__name__)

MB = 1024 * 1024
# The settings the user may change here (unless the policy locks them).
EDITABLE: tuple[Option[Any], ...] = (EVIDENCE_MAX_BYTES, BACKUPS_KEPT, BACKUP_DAILY)


def user_source(store_factory: Any) -> settings.UserSource:
    """Read user settings from QSettings (the factory makes one per read: thread-safe)."""
    return lambda key: store_factory().value(key)


class SettingsDialog(QDialog):
    """Every setting with its value; a value set by the organisation's policy is disabled and
    says so, and is never written to the user's settings."""

    def __init__(self, store: QSettings, *, database_values: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setProperty("help_topic", "settings")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Settings"))
        self._store = store
        found = database_values or {}
        self.resolved: dict[str, Resolved[Any]] = {
            o.key: policy.resolve(o, store.value(o.key)) for o in EDITABLE}
        self.resolved[CENTRAL_KEY.key] = policy.resolve(CENTRAL_KEY,
                                                          found.get(CENTRAL_KEY.key, ""))
        self.resolved[AGENCY.key] = policy.resolve(AGENCY, found.get(AGENCY.key, ""))
        self.resolved[DATA_FOLDER.key] = policy.resolve(DATA_FOLDER)
        self.lock_notes: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}

        layout = QVBoxLayout(self)
        current = policy.current()
        if current.damaged or current.errors:
            banner = QLabel(self.tr("Your organisation's settings file {0} has problems; see the "
                                    "log. {1}").format(
                current.path, self.tr("Packs are refused until IT repairs it.")
                if current.damaged or CENTRAL_KEY.policy in current.bad_keys else ""), self)
            banner.setObjectName("policyProblem")
            banner.setWordWrap(True)
            layout.addWidget(banner)
        form = QFormLayout()
        layout.addLayout(form)

        cap = QSpinBox(self)
        cap.setRange(1, 100_000)
        cap.setSuffix(self.tr(" MB"))
        cap.setValue(max(1, self._value(EVIDENCE_MAX_BYTES) // MB))
        self._row(form, EVIDENCE_MAX_BYTES, self.tr("Largest evidence &file:"), cap,
                  self.tr("Files larger than this cannot be attached as evidence"))
        kept = QSpinBox(self)
        kept.setRange(1, 1000)
        kept.setValue(self._value(BACKUPS_KEPT))
        self._row(form, BACKUPS_KEPT, self.tr("&Backups kept:"), kept,
                  self.tr("How many automatic backups of each database are kept"))
        daily = QCheckBox(self.tr("Back up every &day (backups are always made on close)"), self)
        daily.setChecked(self._value(BACKUP_DAILY))
        self._row(form, BACKUP_DAILY, self.tr("Daily backup:"), daily,
                  self.tr("Make a backup once a day while a database is open"))

        key = self._value(CENTRAL_KEY)
        key_text = fingerprint(key) if key else self.tr("Not pinned yet: the first pack "
                                                        "imported pins its key")
        self._row(form, CENTRAL_KEY, self.tr("Central signing key:"), self._info(key_text),
                  self.tr("Packs signed by any other key are refused"))
        agency = self._value(AGENCY) or self.tr("Not set (see Your Role and Name)")
        self._row(form, AGENCY, self.tr("Agency:"), self._info(agency),
                  self.tr("The agency this laptop works for"))
        folder = self._value(DATA_FOLDER) or self.tr("Any folder")
        self._row(form, DATA_FOLDER, self.tr("Data folder:"), self._info(folder),
                  self.tr("Where databases may be opened or created"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _value(self, option: Option[Any]) -> Any:
        return self.resolved[option.key].value

    def _info(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label

    def _row(self, form: QFormLayout, option: Option[Any], text: str, field: QWidget,
             description: str) -> None:
        field.setObjectName(option.key.replace("/", "_"))
        field.setAccessibleDescription(description)
        field.setToolTip(description)
        self.fields[option.key] = field
        row = QHBoxLayout()
        row.addWidget(field, 1)
        if self.resolved[option.key].locked:
            field.setEnabled(False)
            note = QLabel(self.tr("Set by your organisation"), self)
            note.setObjectName("lockedNote")
            note.setAccessibleName(self.tr("{0} is set by your organisation").format(
                text.replace("&", "").rstrip(":")))
            row.addWidget(note)
            self.lock_notes[option.key] = note
        label = QLabel(text, self)
        label.setBuddy(field)
        form.addRow(label, row)
        if isinstance(field, QSpinBox | QCheckBox):
            field.setAccessibleName(text.replace("&", "").rstrip(":"))

    def is_locked(self, option: Option[Any]) -> bool:
        return self.resolved[option.key].locked

    def values(self) -> dict[str, Any]:
        """The user's choices for the settings the policy does not lock."""
        out: dict[str, Any] = {}
        for option in EDITABLE:
            if self.is_locked(option):
                continue
            field = self.fields[option.key]
            if isinstance(field, QCheckBox):
                out[option.key] = field.isChecked()
            elif option is EVIDENCE_MAX_BYTES:
                out[option.key] = field.value() * MB  # type: ignore[attr-defined]
            else:
                out[option.key] = field.value()  # type: ignore[attr-defined]
        return out

    def accept(self) -> None:
        for key, value in self.values().items():
            self._store.setValue(key, value)
        self._store.sync()
        super().accept()
