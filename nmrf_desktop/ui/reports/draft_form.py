"""The fields of Draft a Report…: kind, body, paragraphs, grouping, date, filters, file;
each with its error shown beside it, and the DraftRequest they ask for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.drafting import DraftRequest
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.palette import banner_style
from nmrf_desktop.ui.reports.draft_choices import DraftChoices
from nmrf_desktop.ui.reports.draft_kinds import (
    KINDS,
    TREATY_KINDS,
    groupings,
    kind_hint,
    kind_title,
    split_paragraphs,
)

# The fields a refusal (DraftError.field) is shown beside; any other in the general place.
FIELDS = ("kind", "body", "paragraphs", "group_by", "since", "agency", "cycle", "theme", "out")


def _stacked(*widgets: QWidget) -> QVBoxLayout:
    """A field with its explanation under it, in one form cell."""
    stack = QVBoxLayout()
    stack.setSpacing(2)
    for widget in widgets:
        stack.addWidget(widget)
    return stack


class DraftForm(QWidget):
    """The dialog's fields; `request()` is what they ask for."""

    def __init__(self, own_agency: str, filters: Filters, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._own_agency, self._window_filters = own_agency, filters
        self.choices = DraftChoices()
        self.layout_ = form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        general = error_label(self, "general")
        self.errors = FieldErrors(general)
        form.addRow(general)
        self.kind = self._combo("draftKind", self.tr("Kind of report"))
        for kind in KINDS:
            self.kind.addItem(kind_title(kind), kind.value)
        self.hint = QLabel(self)
        self.hint.setObjectName("draftKindHint")
        self.hint.setWordWrap(True)
        self.public_note = QLabel(self.tr(
            "Public content: only published actions, public progress updates and public "
            "evidence; no officer names or private narratives."), self)
        self.public_note.setObjectName("draftPublicNote")
        self.public_note.setWordWrap(True)
        self.public_note.setStyleSheet(  # stands out: this draft leaves government
            f"QLabel {{ {banner_style('info', self.palette())} border-radius:4px; "
            "padding:4px 6px; }")
        self.body = self._combo("draftBody", self.tr("Treaty body"))
        self.paragraphs = QLineEdit(self)
        self.paragraphs.setObjectName("draftParagraphs")
        self.paragraphs.setAccessibleName(self.tr("Paragraphs to report on"))
        self.paragraphs.setPlaceholderText(self.tr("e.g. 12, 14, 23"))
        self.flagged = QLabel(self)
        self.flagged.setObjectName("draftFlagged")
        self.flagged.setWordWrap(True)
        self.group_by = self._combo("draftGroupBy", self.tr("Group the report by"))
        self.since_on = QCheckBox(self.tr("Only what was done si&nce"), self)
        self.since_on.setObjectName("draftSinceOn")
        self.since = QDateEdit(self)
        self.since.setObjectName("draftSince")
        self.since.setAccessibleName(self.tr("Date of the last report"))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setDate(QDate(dt.date.today().year - 4, 1, 1))
        self.agency = self._combo("draftAgency", self.tr("Responsible agency"))
        self.cycle = self._combo("draftCycle", self.tr("Cycle"))
        self.theme = self._combo("draftTheme", self.tr("Theme"))
        self.out = PathField(PathMode.SAVE, self.tr("File to write"),
                             self.tr("Word documents (*.docx)"), self)
        self.out.setObjectName("draftFile")
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_on)
        since_row.addWidget(self.since)
        since_row.addStretch(1)
        self._rows: dict[str, QWidget] = {}
        for name, text, field, widget in (
                ("kind", self.tr("&Kind:"), self.kind,
                 _stacked(self.kind, self.hint, self.public_note)),
                ("body", self.tr("&Body:"), self.body, self.body),
                ("paragraphs", self.tr("&Paragraphs:"), self.paragraphs,
                 _stacked(self.paragraphs, self.flagged)),
                ("group_by", self.tr("&Group by:"), self.group_by, self.group_by),
                ("since", self.tr("Last report:"), self.since_on, since_row),
                ("agency", self.tr("&Agency:"), self.agency, self.agency),
                ("cycle", self.tr("&Cycle:"), self.cycle, self.cycle),
                ("theme", self.tr("&Theme:"), self.theme, self.theme),
                ("out", self.tr("&Save as:"), self.out, self.out)):
            self._add_row(name, text, field, widget)
        self.kind.currentIndexChanged.connect(self.kind_changed)
        self.body.currentIndexChanged.connect(self._body_changed)
        self.since_on.toggled.connect(self._since_toggled)
        for combo in (self.group_by, self.agency, self.cycle, self.theme):
            combo.currentIndexChanged.connect(lambda _i: self.errors.clear())
        self.paragraphs.textEdited.connect(lambda _t: self.errors.clear())
        self.setTabOrder(self.kind, self.body)
        for first, second in ((self.body, self.paragraphs), (self.paragraphs, self.group_by),
                              (self.group_by, self.since_on), (self.since_on, self.since),
                              (self.since, self.agency), (self.agency, self.cycle),
                              (self.cycle, self.theme), (self.theme, self.out.edit),
                              (self.out.edit, self.out.button)):
            self.setTabOrder(first, second)
        self.set_choices(DraftChoices())

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(24)
        return combo

    def _add_row(self, name: str, text: str, field: QWidget, widget: QWidget | QBoxLayout
                 ) -> None:
        label = QLabel(text, self)
        label.setBuddy(self.out.edit if field is self.out else field)
        error = error_label(self, name)
        self.errors.add(name, error, self.since if name == "since" else field)
        cell = with_error(widget, error)
        cell.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._rows[name] = cell
        self.layout_.addRow(label, cell)

    # -- choices ---------------------------------------------------------------------------

    def set_choices(self, choices: DraftChoices) -> None:
        """Fill the pickers from the record; defaults from the window's filters and role."""
        self.choices = choices
        f = self._window_filters
        self.body.clear()
        if choices.bodies:
            for body in choices.bodies:
                self.body.addItem(body, body)
            wanted = next((b for b in f.bodies if b in choices.bodies), "")
            flagged = next((b for b in choices.bodies if choices.flagged.get(b)), "")
            self.body.setCurrentIndex(max(self.body.findData(wanted or flagged), 0))
        else:
            self.body.addItem(self.tr("No treaty body in this record"), "")
        self._fill(self.agency, self.tr("All agencies"),
                   [(a.code, a.display()) for a in choices.agencies],
                   f.agency or self._own_agency)
        self._fill(self.cycle, self.tr("All cycles"),
                   [(c, cycle_label(c, y)) for c, y in choices.cycles],
                   f.cycles[0] if len(f.cycles) == 1 else None)
        self._fill(self.theme, self.tr("All themes"), [(t, t) for t in choices.themes],
                   f.themes[0] if len(f.themes) == 1 else None)
        self.kind_changed()

    @staticmethod
    def _fill(combo: QComboBox, every: str, items: Sequence[tuple[object, str]],
              wanted: object) -> None:
        combo.clear()
        combo.addItem(every, None)
        for data, text in items:
            combo.addItem(text, data)
        found = combo.findData(wanted) if wanted is not None else -1
        combo.setCurrentIndex(max(found, 0))

    # -- following the kind ----------------------------------------------------------------

    def chosen_kind(self) -> DraftKind:
        return DraftKind(self.kind.currentData())

    def kind_changed(self) -> None:
        kind = self.chosen_kind()
        self.hint.setText(kind_hint(kind))
        self.public_note.setVisible(kind is DraftKind.CONSULTATION)
        treaty = kind in TREATY_KINDS
        self.body.setEnabled(treaty and bool(self.choices.bodies))
        self.paragraphs.setEnabled(kind is DraftKind.FOLLOW_UP)
        self.flagged.setVisible(kind is DraftKind.FOLLOW_UP)
        previous = self.group_by.currentData()
        self.group_by.clear()
        for key, words in groupings(kind):
            self.group_by.addItem(words, key)
        self.group_by.setCurrentIndex(max(self.group_by.findData(previous), 0))
        self.group_by.setEnabled(self.group_by.count() > 1)
        self.since_on.setEnabled(kind is DraftKind.PERIODIC)
        self._since_toggled()
        self._body_changed()

    def _body_changed(self) -> None:
        """Show the body's flagged paragraphs and make them the default choice."""
        body = str(self.body.currentData() or "")
        flagged = self.choices.paragraphs(body)
        self.paragraphs.setText(", ".join(flagged))
        if flagged:
            self.flagged.setText(self.tr("Flagged for follow-up by {0}: {1}.").format(
                body, ", ".join(flagged)))
        elif body:
            self.flagged.setText(self.tr("{0} flagged no paragraph for follow-up: name the "
                                         "paragraphs to report on.").format(body))
        else:
            self.flagged.setText(self.tr("No treaty body's recommendations are in this "
                                         "record."))
        self.errors.clear()

    def _since_toggled(self) -> None:
        self.since.setEnabled(self.since_on.isEnabled() and self.since_on.isChecked())
        self.errors.clear()

    # -- what is asked for -----------------------------------------------------------------

    def filters(self) -> Filters:
        cycle, theme = self.cycle.currentData(), self.theme.currentData()
        return Filters(agency=self.agency.currentData() or None,
                       cycles=(int(cycle),) if cycle is not None else (),
                       themes=(str(theme),) if theme else ())

    def request(self) -> DraftRequest:
        """The draft the fields ask for; the flagged paragraphs unchanged ask for the flags."""
        kind = self.chosen_kind()
        treaty = kind in TREATY_KINDS
        body = str(self.body.currentData() or "") if treaty else ""
        paragraphs: tuple[str, ...] = ()
        if kind is DraftKind.FOLLOW_UP:
            typed = split_paragraphs(self.paragraphs.text())
            if typed != self.choices.paragraphs(body):
                paragraphs = typed
        since = self.since.date().toPython() if self.since.isEnabledTo(self) else None
        return DraftRequest(kind, self.filters(), body=body, paragraphs=paragraphs,
                            group_by=str(self.group_by.currentData()),
                            since=since)  # type: ignore[arg-type]

    def show_problem(self, field: str, message: str) -> None:
        self.errors.show(field if field in FIELDS else "", message)
