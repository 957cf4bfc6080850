"""The filter panel: every facet of the record as checkable lists, combined into one Filters."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.enums import ImplementationStatus, Mechanism
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.facets import FilterChoices
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label, position_label
from nmrf_desktop.ui.enum_text import label

log = logging.getLogger(__name__)

NO_STATUS = "none"  # store.search's value for "no progress update yet"
_LIST_ROWS = 6


class FacetList(QListWidget):
    """Checkable values of one facet; checked ones are ORed, facets are ANDed."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Facet")
        # What is checked, kept between changes: every search asks (on each key typed),
        # and reading hundreds of items each time costs the GUI thread a millisecond or two.
        self._checked: tuple[Any, ...] | None = None
        self.itemChanged.connect(self._forget_checked)
        self.model().modelReset.connect(self._forget_checked)
        self.model().rowsRemoved.connect(self._forget_checked)
        self.model().rowsInserted.connect(self._forget_checked)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMaximumHeight(self.fontMetrics().height() * _LIST_ROWS + 16)
        self.itemActivated.connect(self._toggle)

    def set_values(self, values: Sequence[tuple[Any, str]], checked: Sequence[Any]) -> None:
        wanted = {json.dumps(v) for v in checked}
        self.blockSignals(True)
        self.clear()
        for value, text in values:
            item = QListWidgetItem(text, self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if json.dumps(value) in wanted
                               else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        self._checked = None
        self.setMaximumHeight(min(self.count(), _LIST_ROWS) * self.sizeHintForRow(0) + 6
                              if self.count() else 0)

    def checked(self) -> tuple[Any, ...]:
        if self._checked is None:
            self._checked = tuple(
                self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked)
        return self._checked

    def _forget_checked(self, *_args: object) -> None:
        self._checked = None

    def uncheck_all(self) -> None:
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.CheckState.Unchecked)

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)


class FilterPanel(QScrollArea):
    """Filters beside the table; `changed` fires on every edit.

    "Mine only" is who you are, not a facet: it follows the officer's agency (on unless
    they turned it off, see `set_own_agency`), and Clear Filters leaves it as it is.
    """

    changed = Signal()
    # The user ticked or unticked "Mine only" (not a program change): the choice to keep.
    mineChosen = Signal(bool)

    # Filters fields held in facet lists, with their titles.
    FACETS = ("bodies", "cycles", "positions", "statuses", "themes", "groups", "sdgs",
              "states")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.setAccessibleName(self.tr("Filters"))
        self.setWidgetResizable(True)
        self._own_agency = ""
        self._restoring = False
        titles = {
            "bodies": self.tr("Body"), "cycles": self.tr("Cycle"),
            "positions": self.tr("Position"), "statuses": self.tr("Status"),
            "themes": self.tr("Theme"), "groups": self.tr("Affected group"),
            "sdgs": self.tr("SDG"), "states": self.tr("Recommending state"),
        }
        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)

        self.mine = QCheckBox(self.tr("&Mine only"), inner)
        self.mine.setObjectName("mineOnly")
        self.mine.setAccessibleName(self.tr("Only my agency's recommendations"))
        self.agency = QComboBox(inner)
        self.agency.setObjectName("agencyFilter")
        self.agency.setAccessibleName(self.tr("Assigned agency"))
        self.role = QComboBox(inner)
        self.role.setObjectName("roleFilter")
        self.role.setAccessibleName(self.tr("Assigned as"))
        for text, value in ((self.tr("Lead or contributing"), ""), (self.tr("Lead"), "lead"),
                            (self.tr("Contributing"), "contributing")):
            self.role.addItem(text, value)
        self.mechanism = QComboBox(inner)
        self.mechanism.setObjectName("mechanismFilter")
        self.mechanism.setAccessibleName(self.tr("Mechanism"))
        self.te_tiriti = QComboBox(inner)
        self.te_tiriti.setObjectName("teTiritiFilter")
        self.te_tiriti.setAccessibleName(self.tr("Te Tiriti relevance"))
        for text, relevance in ((self.tr("Any"), None), (self.tr("Relevant"), True),
                                (self.tr("Not flagged"), False)):
            self.te_tiriti.addItem(text, relevance)
        # Treaty bodies' flags (concluding observations): shown when the record holds any.
        self.follow_up = QCheckBox(self.tr("Follow-&up requested"), inner)
        self.follow_up.setObjectName("followUpFilter")
        self.follow_up.setAccessibleName(self.tr("Only those the Committee asked to follow up"))
        self.important = QCheckBox(self.tr("Of particular &importance"), inner)
        self.important.setObjectName("importantFilter")
        self.important.setAccessibleName(self.tr("Only those of particular importance"))
        form = QFormLayout()
        form.addRow(self.mine)
        form.addRow(self.tr("Agency:"), self.agency)
        form.addRow(self.tr("Assigned as:"), self.role)
        form.addRow(self.tr("Mechanism:"), self.mechanism)
        form.addRow(self.tr("Te Tiriti:"), self.te_tiriti)
        form.addRow(self.follow_up)
        form.addRow(self.important)
        layout.addLayout(form)

        self.lists: dict[str, FacetList] = {}
        self.boxes: dict[str, QGroupBox] = {}
        for name in self.FACETS:
            box = QGroupBox(titles[name], inner)
            facet = FacetList(name, box)
            facet.setAccessibleName(titles[name])
            facet.itemChanged.connect(self._emit)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(4, 4, 4, 4)
            box_layout.addWidget(facet)
            layout.addWidget(box)
            self.lists[name], self.boxes[name] = facet, box
        self.clear_button = QPushButton(self.tr("C&lear Filters"), inner)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Never scrolled sideways (focus on a field at the right edge used to shift the whole
        # panel, cutting the labels' first letters, with no bar to scroll back).
        self.horizontalScrollBar().valueChanged.connect(self._no_sideways)
        for combo in (self.agency, self.role, self.mechanism, self.te_tiriti):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.currentIndexChanged.connect(self._emit)
        for flag in (self.follow_up, self.important):
            flag.toggled.connect(self._emit)
        self.mine.toggled.connect(self._mine_toggled)
        self.mine.clicked.connect(self.mineChosen)
        self.set_choices(FilterChoices())

    def fitting_width(self) -> int:
        """How wide the panel must be for no filter to be cut (with the vertical scroll
        bar): the dock's width at start. A person may still make it narrower."""
        inner = self.widget()
        needed = inner.minimumSizeHint().width() if inner is not None else 0
        return needed + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()

    def _no_sideways(self, value: int) -> None:
        if value:
            self.horizontalScrollBar().setValue(0)

    # -- values -----------------------------------------------------------------------

    def set_choices(self, choices: FilterChoices, state: dict[str, Any] | None = None) -> None:
        """Fill every list from the record, keeping (or restoring) what is checked."""
        keep = state if state is not None else self.state()
        self._restoring = True
        try:
            self.agency.clear()
            self.agency.addItem(self.tr("Any agency"), "")
            for agency in choices.agencies:
                self.agency.addItem(agency.display(), agency.code)
            self.mechanism.clear()
            self.mechanism.addItem(self.tr("Any mechanism"), "")
            for mechanism in choices.mechanisms:
                try:
                    text = label(Mechanism(mechanism))
                except ValueError:
                    text = mechanism
                self.mechanism.addItem(text, mechanism)
            statuses = [(s.value, label(s)) for s in ImplementationStatus]
            statuses.append((NO_STATUS, self.tr("No update yet")))
            values: dict[str, list[tuple[Any, str]]] = {
                "bodies": [(b, b) for b in choices.bodies],
                "cycles": [(c, cycle_label(c, y)) for c, y in choices.cycles],
                "positions": [(p, position_label(p)) for p in choices.positions],
                "statuses": statuses,
                "themes": [(t, t) for t in choices.themes],
                "groups": [(g, g) for g in choices.groups],
                "sdgs": [(s, s) for s in choices.sdgs],
                "states": [(s, s) for s in choices.states],
            }
            for name, facet in self.lists.items():
                facet.set_values(values[name], keep.get(name, ()))
                self.boxes[name].setVisible(facet.count() > 0)
            self._apply_state(keep)
            for flag, present in ((self.follow_up, choices.follow_up),
                                  (self.important, choices.important)):
                flag.setVisible(present or flag.isChecked())
        finally:
            self._restoring = False
        self.changed.emit()

    def set_own_agency(self, code: str, mine: bool = True) -> None:
        """The officer's agency, for "mine only" (empty: no agency of one's own, as for a
        coordinator), and whether to show only theirs: on unless the officer turned it off."""
        self._own_agency = code
        self.mine.setEnabled(bool(code))
        self.mine.setText(self.tr("&Mine only ({0})").format(code) if code
                          else self.tr("&Mine only"))
        wanted = bool(code) and mine
        if self.mine.isChecked() != wanted:
            self.mine.setChecked(wanted)  # toggled: the list follows
        elif wanted:
            self._mine_toggled(True)  # another agency, or the same: show it again

    def filters(self, text: str = "") -> Filters:
        """The panel's filters with the search box's text."""
        agency = self._own_agency if self.mine.isChecked() and self._own_agency \
            else str(self.agency.currentData() or "")
        return Filters(
            text=text, mechanism=str(self.mechanism.currentData() or "") or None,
            bodies=self.lists["bodies"].checked(), cycles=self.lists["cycles"].checked(),
            positions=self.lists["positions"].checked(),
            statuses=self.lists["statuses"].checked(), themes=self.lists["themes"].checked(),
            groups=self.lists["groups"].checked(), sdgs=self.lists["sdgs"].checked(),
            states=self.lists["states"].checked(), agency=agency or None,
            role=str(self.role.currentData() or "") or None,
            te_tiriti=self.te_tiriti.currentData(),
            follow_up=True if self.follow_up.isChecked() else None,
            important=True if self.important.isChecked() else None)

    def active_count(self) -> int:
        """How many filters Clear Filters would clear ("Mine only" is not one of them)."""
        state = self.state()
        return sum(1 for k, v in state.items()
                   if k != "mine" and v not in ("", None, False, [], ()))

    # -- remembering ------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {name: list(facet.checked())
                                 for name, facet in self.lists.items()}
        state.update(mine=self.mine.isChecked(), agency=self.agency.currentData() or "",
                     role=self.role.currentData() or "",
                     mechanism=self.mechanism.currentData() or "",
                     te_tiriti=self.te_tiriti.currentData(),
                     follow_up=self.follow_up.isChecked(), important=self.important.isChecked())
        return state

    def state_json(self) -> str:
        return json.dumps(self.state(), ensure_ascii=False)

    @staticmethod
    def parse_state(text: str) -> dict[str, Any]:
        try:
            found = json.loads(text) if text else {}
        except ValueError:
            log.warning("ignoring unreadable saved filters")
            return {}
        return found if isinstance(found, dict) else {}

    def _apply_state(self, state: dict[str, Any]) -> None:
        """The facets and combos of a saved state ("mine" is not restored from it: it is
        per database, see set_own_agency)."""
        for combo, key in ((self.agency, "agency"), (self.role, "role"),
                           (self.mechanism, "mechanism"), (self.te_tiriti, "te_tiriti")):
            combo.setCurrentIndex(max(0, combo.findData(state.get(key, ""))))
        for flag, key in ((self.follow_up, "follow_up"), (self.important, "important")):
            flag.setChecked(state.get(key) is True)

    def clear(self) -> None:
        """Clear every facet; "Mine only" stays as it is (it is who you are, not a facet)."""
        self._restoring = True
        try:
            for facet in self.lists.values():
                facet.uncheck_all()
            self._apply_state({})
        finally:
            self._restoring = False
        self.changed.emit()

    def show_only(self, agency: str, body: str, status: str) -> None:
        """Filter to one agency's recommendations and, when given, one body and one status."""
        self.clear()
        self.mine.setChecked(False)
        self.agency.setCurrentIndex(max(0, self.agency.findData(agency)))
        for name, wanted in (("bodies", body), ("statuses", status)):
            facet = self.lists[name]
            for i in range(facet.count()):
                item = facet.item(i)
                if wanted and item.data(Qt.ItemDataRole.UserRole) == wanted:
                    item.setCheckState(Qt.CheckState.Checked)

    def _mine_toggled(self, checked: bool) -> None:
        self.agency.setEnabled(not checked)
        self._emit()

    def _emit(self, *_args: object) -> None:
        if not self._restoring:
            self.changed.emit()
