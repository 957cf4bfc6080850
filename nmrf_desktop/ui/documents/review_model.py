"""The review screen's table: one row per recommendation read, every field editable, each
row included or left out by its checkbox, with what apply would do with it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.importers.documents.model import DocumentRecommendation
from nmrf_desktop.services.documents.plan import DocumentPlan, Outcome, Planned

_T = QCoreApplication.translate
_C = "DocumentReview"

INCLUDE, PARAGRAPH, TEXT, STATES, POSITION, THEMES, GROUPS, SDGS, WILL = range(9)
_LISTS = {STATES: "recommending_states", THEMES: "themes", GROUPS: "affected_groups",
          SDGS: "sdgs"}
_Index = QModelIndex | Any  # QPersistentModelIndex too


def headers() -> list[str]:
    return [_T(_C, "Apply"), _T(_C, "Paragraph"), _T(_C, "Recommendation"),
            _T(_C, "Recommending states"), _T(_C, "Position"), _T(_C, "Themes"),
            _T(_C, "Affected groups"), _T(_C, "SDGs"), _T(_C, "What apply will do")]


def position_labels() -> dict[Position | None, str]:
    return {None: _T(_C, "(not stated)"), Position.SUPPORTED: _T(_C, "Supported"),
            Position.SUPPORTED_IN_PART: _T(_C, "Supported in part"),
            Position.NOTED: _T(_C, "Noted"), Position.NOT_APPLICABLE: _T(_C, "Not applicable")}


def will_text(planned: Planned) -> str:
    refs = ", ".join(planned.references)
    if planned.outcome is Outcome.NEW:
        return _T(_C, "New recommendation")
    if planned.outcome is Outcome.FILLS:
        return _T(_C, "Fills in {0} on {1}").format(", ".join(planned.fills), refs)
    if planned.outcome is Outcome.UNCHANGED:
        return _T(_C, "Already held ({0})").format(refs) if refs else _T(_C, "Left out")
    return _T(_C, "Not in the record: nothing to fill in")


class ReviewModel(QAbstractTableModel):
    """The recommendations of one DocumentPlan, with the reviewer's edits and exclusions."""

    def __init__(self, plan: DocumentPlan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.rows: list[DocumentRecommendation] = list(plan.preview.recommendations)
        self.included: list[bool] = [True] * len(self.rows)
        self._headers = headers()
        self._positions = position_labels()

    # -- what the reviewer decided --------------------------------------------------------

    def excluded(self) -> set[int]:
        return {i for i, keep in enumerate(self.included) if not keep}

    def edits(self) -> dict[int, DocumentRecommendation]:
        original = self.plan.preview.recommendations
        return {i: r for i, r in enumerate(self.rows) if r != original[i]}

    def included_count(self) -> int:
        return sum(self.included)

    def changing_count(self) -> int:
        """Included rows whose apply would change the record (not those already held)."""
        return sum(1 for on, p in zip(self.included, self.plan.planned, strict=True)
                   if on and p.outcome is not Outcome.UNCHANGED)

    def set_planned(self, planned: list[Planned]) -> None:
        self.plan.planned = planned
        self.dataChanged.emit(self.index(0, WILL), self.index(self.rowCount() - 1, WILL))

    # -- the model ------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else WILL + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == INCLUDE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == WILL:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        rec = self.rows[row]
        if column == INCLUDE:
            if role == Qt.ItemDataRole.CheckStateRole:
                return (Qt.CheckState.Checked if self.included[row]
                        else Qt.CheckState.Unchecked)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return (_T(_C, "Included") if self.included[row] else _T(_C, "Left out"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column in (TEXT, WILL):
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.EditRole and column == POSITION:
            return rec.position.value if rec.position else ""
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        if column == PARAGRAPH:
            return rec.paragraph
        if column == TEXT:
            return rec.text
        if column == POSITION:
            return self._positions.get(rec.position, "")
        if column in _LISTS:
            separator = "; " if role == Qt.ItemDataRole.EditRole or column != STATES else ", "
            items = getattr(rec, _LISTS[column])
            if column == THEMES and rec.section.strip() and rec.section not in items:
                items = (rec.section, *items)  # the heading it sits under is a theme too
            return separator.join(items)
        if column == WILL:
            planned = self.plan.planned
            return will_text(planned[row]) if row < len(planned) else ""
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        if column == INCLUDE and role == Qt.ItemDataRole.CheckStateRole:
            self.included[row] = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dataChanged.emit(index, index.siblingAtColumn(WILL))
            return True
        if role != Qt.ItemDataRole.EditRole or column in (INCLUDE, WILL):
            return False
        rec = self.rows[row]
        text = " ".join(str(value or "").split())
        if column == PARAGRAPH:
            rec = replace(rec, paragraph=text)
        elif column == TEXT:
            if not text:
                return False  # a recommendation keeps its words; leave the row out instead
            rec = replace(rec, text=text)
        elif column == POSITION:
            rec = replace(rec, position=Position(value) if value else None)
        elif column in _LISTS:
            items = tuple(dict.fromkeys(p.strip() for p in str(value or "").split(";")
                                        if p.strip()))
            if column == STATES:
                rec = replace(rec, recommending_states=items)
            elif column == THEMES:  # the list as edited, the section heading included
                rec = replace(rec, themes=items, section="")
            elif column == GROUPS:
                rec = replace(rec, affected_groups=items)
            else:
                rec = replace(rec, sdgs=items)
        if rec == self.rows[row]:
            return False
        self.rows[row] = rec
        self.dataChanged.emit(index, index)
        return True
