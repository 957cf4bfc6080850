"""Add Indicator…: the coordinator describes an indicator; every problem is shown by its field."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.indicators import Direction, IndicatorDraft, IndicatorKind, check_draft
from nmrf_desktop.services import sdg
from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.ui.discard import DiscardGuardedDialog
from nmrf_desktop.ui.enum_text import agency_name
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.indicators.text import direction_label, kind_label

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
MATCH_ROLE = Qt.ItemDataRole.UserRole  # "16.3.2 Unsentenced detainees …": what typing matches


class SdgModel(QAbstractListModel):
    """The global SDG indicators: shown with their official titles, inserted as codes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = [(e.code, e.title) for e in sdg.framework().values()
                      if e.kind == "indicator"]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        code, title = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{code} — {title}"
        if role == Qt.ItemDataRole.EditRole:
            return code
        if role == MATCH_ROLE:
            return f"{code} {title}"
        return None


def split_references(text: str) -> tuple[str, ...]:
    """References typed one a line, or separated by commas, semicolons or spaces."""
    return tuple(r for r in re.split(r"[\s,;]+", text) if r)


class AddIndicatorDialog(DiscardGuardedDialog):
    """The indicator's fields; Save checks the draft here, then asks the record (saveRequested);
    `show_problems` puts the record's refusals by their fields."""

    saveRequested = Signal(object)  # an IndicatorDraft, checked on its own

    def __init__(self, agencies: list[AgencyChoice], parent: QWidget | None = None,
                 recommendations: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("addIndicatorDialog")
        self.setWindowTitle(self.tr("Add Indicator"))
        self.code = QLineEdit(self)
        self.title_en = QLineEdit(self)
        self.title_mi = QLineEdit(self)
        self.kind = QComboBox(self)
        for kind in IndicatorKind:
            self.kind.addItem(kind_label(kind.value), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(IndicatorKind.OUTCOME.value))
        self.unit = QLineEdit(self)
        self.unit.setPlaceholderText(self.tr("%, people, rate per 100,000…"))
        self.multiplier = QSpinBox(self)
        self.multiplier.setRange(0, 15)
        self.multiplier.setPrefix("× 10^")
        self.direction = QComboBox(self)
        self.direction.addItem(direction_label(None), None)
        for direction in Direction:
            self.direction.addItem(direction_label(direction.value), direction.value)
        self.sdg = QLineEdit(self)
        self.sdg.setPlaceholderText(self.tr("e.g. 16.3.2, or words of its title"))
        self.sdg_title = QLabel(self)
        self.sdg_title.setObjectName("sdgTitle")
        self.sdg_title.setWordWrap(True)
        self.completer = QCompleter(SdgModel(self), self)
        self.completer.setCompletionRole(MATCH_ROLE)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.sdg.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._sdg_chosen)
        self.steward = QComboBox(self)
        self.steward.addItem(self.tr("None"), None)
        for agency in agencies:
            self.steward.addItem(f"{agency.code} — {agency_name(agency.name_en, agency.name_mi)}",
                                 agency.code)
        self.source = QLineEdit(self)
        self.method = QPlainTextEdit(self)
        self.method.setTabChangesFocus(True)
        self.method.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.baseline_value, self.baseline_period = QLineEdit(self), QLineEdit(self)
        self.target_value, self.target_period = QLineEdit(self), QLineEdit(self)
        for edit in (self.baseline_period, self.target_period):
            edit.setPlaceholderText(self.tr("period: 2019, 2019/20, 2019-Q1"))
        for edit in (self.baseline_value, self.target_value):
            edit.setPlaceholderText(self.tr("value"))
        self.maori = QCheckBox(self.tr("This is Māor&i data"), self)
        self.governance = QLineEdit(self)
        self.governance.setPlaceholderText(self.tr("The iwi/Māori organisation or agency that "
                                                   "holds governance over it"))
        self.governance_note = QLineEdit(self)
        self.release = QCheckBox(self.tr("Its release for &publication is recorded"), self)
        self.recommendations = QPlainTextEdit(self)
        self.recommendations.setTabChangesFocus(True)
        self.recommendations.setPlaceholderText(self.tr("References, e.g. NZL-UPR32-001, one a "
                                                        "line or separated by commas"))
        self.recommendations.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.recommendations.setPlainText("\n".join(recommendations))
        self.general = error_label(self, "indicatorGeneral")
        self.errors = FieldErrors(self.general)
        self._labels: dict[str, QLabel] = {}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._build()
        self.sdg.textChanged.connect(self._show_sdg_title)
        self.sdg.editingFinished.connect(self._sdg_as_code)
        self.maori.toggled.connect(self._maori_toggled)
        self._maori_toggled(False)
        self.mark_clean()

    def _cell(self, name: str, widget: QWidget | QLayout, *focus: QWidget) -> QWidget:
        label = error_label(self, name)
        self._labels[name] = label
        self.errors.add(name, label, focus[0] if focus else
                        widget if isinstance(widget, QWidget) else None)
        return with_error(widget, label)

    def _pair(self, value: QLineEdit, period: QLineEdit, name: str) -> QWidget:
        row = QHBoxLayout()
        row.addWidget(value, 1)
        row.addWidget(period, 1)
        cell = self._cell(f"{name}_value", row, value)
        period_label = error_label(self, f"{name}_period")
        self._labels[f"{name}_period"] = period_label
        self.errors.add(f"{name}_period", period_label, period)
        box = cell.layout()
        assert box is not None
        box.insertWidget(2, period_label)  # type: ignore[attr-defined]
        return cell

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        sdg_box = QVBoxLayout()
        sdg_box.setSpacing(2)
        sdg_box.addWidget(self.sdg)
        sdg_box.addWidget(self.sdg_title)
        units = QHBoxLayout()
        units.addWidget(self.unit, 3)
        units.addWidget(self.multiplier, 1)
        rows: list[tuple[str, QWidget]] = [
            (self.tr("C&ode:"), self._cell("code", self.code)),
            (self.tr("&Title:"), self._cell("title", self.title_en)),
            (self.tr("Title in te r&eo Māori:"), self._cell("title_mi", self.title_mi)),
            (self.tr("&Kind:"), self._cell("kind", self.kind)),
            (self.tr("&Unit:"), self._cell("unit", units, self.unit)),
            (self.tr("&Direction:"), self._cell("direction", self.direction)),
            (self.tr("SD&G indicator:"), self._cell("sdg", sdg_box, self.sdg)),
            (self.tr("Ste&ward agency:"), self._cell("steward", self.steward)),
            (self.tr("Sou&rce:"), self._cell("source", self.source)),
            (self.tr("&Method:"), self._cell("method", self.method)),
            (self.tr("&Baseline:"), self._pair(self.baseline_value, self.baseline_period,
                                               "baseline")),
            (self.tr("T&arget:"), self._pair(self.target_value, self.target_period, "target")),
            ("", self.maori),
            (self.tr("Go&vernance:"), self._cell("governance", self.governance)),
            (self.tr("Governance &note:"), self._cell("governance_note",
                                                      self.governance_note)),
            ("", self.release),
            (self.tr("&Links to recommendations:"), self._cell("recommendations",
                                                               self.recommendations)),
        ]
        buddies = (self.code, self.title_en, self.title_mi, self.kind, self.unit,
                   self.direction, self.sdg, self.steward, self.source, self.method,
                   self.baseline_value, self.target_value, None, self.governance,
                   self.governance_note, None, self.recommendations)
        for (text, field), buddy in zip(rows, buddies, strict=True):
            if not text or buddy is None:
                form.addRow(field)
                continue
            label = QLabel(text, self)
            label.setBuddy(buddy)
            form.addRow(label, field)
        self.errors.alias("unit_multiplier", "unit")
        self.errors.alias("clusters", "recommendations")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.code.setFocus()

    def typed_values(self) -> object:
        texts = (self.code, self.title_en, self.title_mi, self.unit, self.sdg, self.source,
                 self.baseline_value, self.baseline_period, self.target_value,
                 self.target_period, self.governance, self.governance_note)
        return (tuple(edit.text() for edit in texts), self.method.toPlainText(),
                self.recommendations.toPlainText(), self.kind.currentIndex(),
                self.direction.currentIndex(), self.steward.currentIndex(),
                self.multiplier.value(), self.maori.isChecked(), self.release.isChecked())

    # -- behaviour ---------------------------------------------------------------------------

    def offer_recommendations(self, references: list[str]) -> None:
        """Fill the links with these references (the browser's selection) unless some are
        typed already."""
        if not self.recommendations.toPlainText().strip():
            clean = not self.has_changes()
            self.recommendations.setPlainText("\n".join(references))
            if clean:  # offered, not typed: still what the dialog opened with
                self.mark_clean()

    def _sdg_chosen(self, index: QModelIndex) -> None:
        code = index.data(Qt.ItemDataRole.EditRole)
        if code:
            self.sdg.setText(str(code))
            # On some platforms (X11) the line edit then takes the suggestion's whole text
            # ("16.3.2 Unsentenced detainees ..."): put the code back once that is done.
            QTimer.singleShot(0, self, self._sdg_as_code)

    def _sdg_as_code(self) -> None:
        """The field shows the code alone when it holds a code and its title."""
        code = sdg.code_in(self.sdg.text())
        if code != self.sdg.text():
            self.sdg.setText(code)

    def _show_sdg_title(self, text: str) -> None:
        title = sdg.title_of(sdg.code_in(text))
        self.sdg_title.setText(title)
        self.sdg_title.setVisible(bool(title))

    def _maori_toggled(self, on: bool) -> None:
        for widget in (self.governance, self.governance_note, self.release):
            widget.setEnabled(on)

    def draft(self) -> IndicatorDraft:
        """What the fields say (numbers and periods as typed; blanks as none)."""
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None
        maori = self.maori.isChecked()
        return IndicatorDraft(
            code=self.code.text(), title=self.title_en.text(), kind=self.kind.currentData(),
            title_mi=self.title_mi.text(), unit=self.unit.text(),
            unit_multiplier=self.multiplier.value(), direction=self.direction.currentData(),
            source=self.source.text(), method=self.method.toPlainText(),
            steward=self.steward.currentData(), sdg=sdg.code_in(self.sdg.text()) or None,
            baseline_value=text(self.baseline_value),
            baseline_period=text(self.baseline_period),
            target_value=text(self.target_value), target_period=text(self.target_period),
            maori_data=maori, governance=self.governance.text() if maori else "",
            governance_note=self.governance_note.text() if maori else "",
            release_public=maori and self.release.isChecked(),
            recommendations=split_references(self.recommendations.toPlainText()))

    def submit(self) -> None:
        """Check the draft on its own; if it holds, ask the record to save it."""
        draft = self.draft()
        _tidy, problems = check_draft(draft)
        if problems:
            self.show_problems(problems)
            return
        self.errors.clear()
        self.buttons.setEnabled(False)
        self.saveRequested.emit(draft)

    def show_problems(self, problems: list[tuple[str, str]] | tuple[tuple[str, str], ...]
                      ) -> None:
        """Each problem beside its field (the first field focused); the dialog stays open."""
        self.buttons.setEnabled(True)
        if not problems:
            return
        first_field, first = problems[0]
        self.errors.show(first_field, first)
        for field, message in problems[1:]:
            label = self._labels.get(field, self.general)
            if field in ("unit_multiplier",):
                label = self._labels["unit"]
            shown = label.text()
            label.setText(f"{shown} {message}".strip() if shown else message)
            label.show()

    def show_refusal(self, message: str) -> None:
        """A refusal that is no field's (a laptop copy): shown under the form."""
        self.buttons.setEnabled(True)
        self.errors.show("", message)
