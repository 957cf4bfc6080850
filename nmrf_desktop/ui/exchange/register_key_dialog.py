"""The coordinator's "Register from File…" and "Rotate…" form: whose key, which agency, how long."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.exchange.keys import KeyInfo, KeyRefused, PublicKeyFile
from nmrf_desktop.ui.enum_text import agency_name
from nmrf_desktop.ui.exchange.common import MessageStrip, busy_bar
from nmrf_desktop.ui.exchange.key_dialogs import field_row, fingerprint_label
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error

log = logging.getLogger(__name__)

DEFAULT_DAYS = 730


@dataclass(frozen=True, slots=True)
class Registration:
    public_key: Path
    officer: str
    agency: str
    valid_days: int
    replaces: str | None = None  # the key id of the officer's key this one rotates out


class RegisterKeyDialog(QDialog):
    """An officer's public key, read from its file: its fingerprint to compare by phone,
    then the officer's name, their agency and how long the key is valid.

    With `replacing`, the key rotates that officer's key out: the agency is the old key's
    and the name is filled in. `submitted(Registration)` asks the view to register it; the
    view calls `refused` (the dialog stays open, the problem beside its field) or `done`.
    """

    submitted = Signal(object)  # Registration

    def __init__(self, public: PublicKeyFile, agencies: list[tuple[str, str, str]], *,
                 replacing: KeyInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.public, self.replacing = public, replacing
        self._busy = False
        self.setObjectName("registerKeyDialog")
        self.setProperty("help_topic", "signing-keys")  # F1 opens the guide there
        if replacing is None:
            self.setWindowTitle(self.tr("Register a Signing Key"))
            intro_text = self.tr(
                "Before registering, phone the officer: they read the fingerprint their "
                "laptop showed when they exported this key, and you check every group below.")
        else:
            self.setWindowTitle(self.tr("Rotate a Signing Key"))
            intro_text = self.tr(
                "The new key replaces the key of {0} ({1}), {2}, which is revoked when the "
                "new one is registered. Phone the officer first and check every group of the "
                "new fingerprint below.").format(replacing.officer, replacing.agency,
                                                 replacing.fingerprint)
        intro = QLabel(intro_text, self)
        intro.setWordWrap(True)
        file_label = QLineEdit(str(public.path), self)  # a long path scrolls, never clips
        file_label.setObjectName("publicKeyFile")
        file_label.setReadOnly(True)
        file_label.setCursorPosition(0)
        file_label.setAccessibleName(self.tr("Public key file"))
        self.fingerprint = fingerprint_label(public.key_id, self)

        self.officer = QLineEdit(replacing.officer if replacing else "", self)
        self.officer.setObjectName("officerEdit")
        self.officer.setAccessibleName(self.tr("Officer"))
        self.officer.setPlaceholderText(self.tr("e.g. Aroha Ngata"))
        self.agency = QComboBox(self)
        self.agency.setObjectName("agencyBox")
        self.agency.setAccessibleName(self.tr("Agency"))
        self.agency.addItem(self.tr("Choose the officer's agency"), "")
        for code, name_en, name_mi in agencies:
            self.agency.addItem(self.tr("{0}: {1}").format(code, agency_name(name_en, name_mi)),
                                code)
        if replacing is not None:
            self.agency.setCurrentIndex(max(0, self.agency.findData(replacing.agency)))
            self.agency.setEnabled(False)
            self.agency.setToolTip(self.tr("A replacement key speaks for the same agency"))
        self.valid_days = QSpinBox(self)
        self.valid_days.setObjectName("validDays")
        self.valid_days.setRange(1, 3650)
        self.valid_days.setValue(DEFAULT_DAYS)
        self.valid_days.setAccessibleName(self.tr("Valid for, in days"))
        self.until = QLabel(self)
        self.until.setObjectName("validUntil")
        days_row = QHBoxLayout()
        days_row.addWidget(self.valid_days)
        days_row.addWidget(self.until, 1)

        general = error_label(self, "general")
        self.errors = FieldErrors(general)
        officer_error, agency_error = error_label(self, "officer"), error_label(self, "agency")
        self.errors.add("officer", officer_error, self.officer)
        self.errors.add("agency", agency_error, self.agency)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Key file:"), file_label)
        form.addRow(self.tr("Fingerprint:"), self.fingerprint)
        field_row(form, self.tr("&Officer:"), self.officer, officer_error)
        field_row(form, self.tr("&Agency:"), self.agency, agency_error)
        days_caption = QLabel(self.tr("&Valid for (days):"), self)
        days_caption.setBuddy(self.valid_days)
        form.addRow(days_caption, with_error(days_row, error_label(self, "days")))

        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self.progress.setRange(0, 0)
        self.buttons = QDialogButtonBox(self)
        self.register_button = self.buttons.addButton(
            self.tr("&Register Key") if replacing is None else self.tr("&Rotate Key"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.register_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.register_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        # Never smaller than the layout needs, so wrapped text is never clipped.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        intro.setMinimumWidth(560)
        self.valid_days.valueChanged.connect(self._show_until)
        self._show_until(self.valid_days.value())
        (self.officer if replacing is None else self.valid_days).setFocus()

    def _show_until(self, days: int) -> None:
        until = dt.date.today() + dt.timedelta(days=days)
        self.until.setText(self.tr("until {0}").format(
            QLocale().toString(QDate(until.year, until.month, until.day),
                               QLocale.FormatType.LongFormat)))

    def registration(self) -> Registration | None:
        officer, agency = self.officer.text().strip(), str(self.agency.currentData() or "")
        if not officer or not agency:
            return None
        return Registration(self.public.path, officer, agency, self.valid_days.value(),
                            self.replacing.key_id if self.replacing else None)

    def submit(self) -> None:
        if self._busy:
            return
        if not self.officer.text().strip():
            self.errors.show("officer", self.tr("Enter the name of the officer this key "
                                                "belongs to."))
            return
        if not self.agency.currentData():
            self.errors.show("agency", self.tr("Choose the agency the officer works for."))
            return
        registration = self.registration()
        assert registration is not None
        self.errors.clear()
        self.set_busy(True)
        self.submitted.emit(registration)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        for widget in (self.officer, self.valid_days, self.register_button,
                       self.cancel_button):
            widget.setEnabled(not busy)
        self.agency.setEnabled(not busy and self.replacing is None)

    def refused(self, exc: BaseException) -> None:
        """The registry refused: say why beside the field it is about; nothing changed."""
        self.set_busy(False)
        text = explain(exc)
        if isinstance(exc, KeyRefused) and "officer" in str(exc) and "name" in str(exc):
            self.errors.show("officer", text)
        elif isinstance(exc, KeyRefused) and "agency" in str(exc) and not self.replacing:
            self.errors.show("agency", text)
        else:
            self.errors.clear()
            self.message.show_message("error", text)

    def reject(self) -> None:
        if not self._busy:
            super().reject()
