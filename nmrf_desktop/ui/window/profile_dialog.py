"""First run (and later changes): your role, your agency and your name, for this database."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop import policy
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.workspace import ROLE_COORDINATOR, ROLE_OFFICER, Profile
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error


class ProfileDialog(QDialog):
    """Choose officer of an agency, or coordinator, and give your name."""

    def __init__(self, agencies: Sequence[AgencyChoice], current: Profile | None = None,
                 parent: QWidget | None = None, *, first_run: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.setProperty("help_topic", "first-run")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Welcome to NMRF Desktop") if first_run
                            else self.tr("Your Role and Name"))
        current = current or Profile()
        intro = QLabel(self.tr(
            "Who will use this database? Your name is recorded with every change you make; "
            "officers see and update their own agency's recommendations, the coordinator "
            "assigns them."), self)
        intro.setWordWrap(True)

        self.officer = QRadioButton(self.tr("&Officer of an agency"), self)
        self.coordinator = QRadioButton(self.tr("Coo&rdinator (secretariat)"), self)
        self.coordinator.setAccessibleName(self.tr("Coordinator role"))
        self.officer.setAccessibleName(self.tr("Agency officer role"))
        roles = QButtonGroup(self)
        roles.addButton(self.officer)
        roles.addButton(self.coordinator)
        (self.coordinator if current.role == ROLE_COORDINATOR else self.officer).setChecked(True)

        self.agency = QComboBox(self)
        self.agency.setObjectName("agencyCombo")
        self.agency.setAccessibleName(self.tr("Agency"))
        for choice in agencies:
            self.agency.addItem(choice.display(), choice.code)
        # The organisation's policy may fix the agency: shown, never editable here.
        self.locked_agency = policy.locked_agency()
        self.locked_note: QLabel | None = None
        if self.locked_agency and self.agency.findData(self.locked_agency) < 0:
            self.agency.addItem(self.locked_agency, self.locked_agency)  # not in this list
        wanted = self.locked_agency or current.agency
        if wanted:
            self.agency.setCurrentIndex(max(0, self.agency.findData(wanted)))
        if self.locked_agency:
            locked_tip = self.tr("Set by your organisation: this laptop works for this "
                                 "agency")
            self.agency.setToolTip(locked_tip)
            self.agency.setAccessibleDescription(locked_tip)
            self.locked_note = QLabel(self.tr("Set by your organisation"), self)
            self.locked_note.setObjectName("lockedNote")
            self.locked_note.setToolTip(locked_tip)
        self.name = QLineEdit(current.officer_name, self)
        self.name.setMaxLength(200)  # the bundle format's limit for an officer's name
        self.name.setObjectName("nameEdit")
        self.name.setAccessibleName(self.tr("Your name"))
        self.name.setPlaceholderText(self.tr("e.g. Aroha Ngata"))

        self.demo_button = QPushButton(self.tr("Open &Demo Database Instead"), self)
        self.demo_button.setToolTip(self.tr(
            "Explore real New Zealand UPR recommendations without setting anything up"))
        self.demo_requested = False
        self.demo_button.clicked.connect(self._demo)
        self.demo_button.setVisible(first_run)

        self._general = error_label(self, "general")
        self.errors = FieldErrors(self._general)
        name_error = error_label(self, "officer_name")
        agency_error = error_label(self, "agency")
        self.errors.add("officer_name", name_error, self.name)
        self.errors.add("agency", agency_error, self.agency)

        form = QFormLayout()
        form.addRow(self.officer)
        agency_field: QWidget | QHBoxLayout = self.agency
        if self.locked_note is not None:
            agency_field = QHBoxLayout()
            agency_field.addWidget(self.agency, 1)
            agency_field.addWidget(self.locked_note)
        form.addRow(self.tr("A&gency:"), with_error(agency_field, agency_error))
        form.addRow(self.coordinator)
        form.addRow(self.tr("Your &name:"), with_error(self.name, name_error))
        for field in (self.agency, self.name):
            cell = field.parentWidget()
            caption = form.labelForField(cell) if cell is not None else None
            if isinstance(caption, QLabel):
                caption.setBuddy(field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self._general)
        layout.addWidget(buttons)
        self.officer.toggled.connect(self._role_changed)
        self._role_changed(self.officer.isChecked())
        self.setMinimumWidth(520)

    def _role_changed(self, officer: bool) -> None:
        self.agency.setEnabled(officer and not self.locked_agency)

    def profile(self) -> Profile:
        officer = self.officer.isChecked()
        return Profile(role=ROLE_OFFICER if officer else ROLE_COORDINATOR,
                       agency=str(self.agency.currentData() or "") if officer else "",
                       officer_name=self.name.text().strip())

    def _accept(self) -> None:
        chosen = self.profile()
        if not chosen.officer_name:
            self.errors.show("officer_name", self.tr("Enter your name."))
            return
        if chosen.role == ROLE_OFFICER and not chosen.agency:
            self.errors.show("agency", self.tr("Choose your agency."))
            return
        if (chosen.role == ROLE_OFFICER and self.locked_agency
                and chosen.agency != self.locked_agency):
            self.errors.show("agency", self.tr("Your organisation has set this laptop's "
                                               "agency to {0}.").format(self.locked_agency))
            return
        self.errors.clear()
        self.accept()

    def _demo(self) -> None:
        self.demo_requested = True
        self.reject()
