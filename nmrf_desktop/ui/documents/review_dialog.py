"""The review screen: what was read from a UN document, beside its source text, every field
editable and each row excludable, before Apply writes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.importers.documents.model import DocumentKind
from nmrf_desktop.services.documents.plan import DocumentPlan
from nmrf_desktop.ui.documents.review_model import (
    GROUPS,
    INCLUDE,
    PARAGRAPH,
    POSITION,
    SDGS,
    STATES,
    TEXT,
    THEMES,
    WILL,
    ReviewModel,
    position_labels,
)
from nmrf_desktop.ui.plural import counted

_T = QCoreApplication.translate
_C = "DocumentReview"

def kind_label(kind: DocumentKind) -> str:
    return {DocumentKind.UPR_MATRIX: _T(_C, "UPR matrix (thematic list of recommendations)"),
            DocumentKind.UPR_REPORT: _T(_C, "UPR Working Group report"),
            DocumentKind.UPR_REPORT_ADDENDUM: _T(_C, "Addendum to a UPR Working Group "
                                                     "report (positions)"),
            DocumentKind.CONCLUDING_OBSERVATIONS: _T(_C, "Treaty-body concluding "
                                                         "observations")}[kind]

def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else _T(_C, "not stated")

class _PositionDelegate(QStyledItemDelegate):
    """The Position column is edited with a list of the positions."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        box = QComboBox(parent)
        for position, text in position_labels().items():
            box.addItem(text, position.value if position else "")
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

class ReviewDialog(QDialog):
    """Review a document's recommendations; `applyRequested` when the reviewer applies."""

    applyRequested = Signal()
    # The reviewer changed a row: what apply would do should be worked out again.
    edited = Signal()

    def __init__(self, plan: DocumentPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentReview")
        self.setProperty("help_topic", "import-un-document")  # F1 opens the guide there
        preview = plan.preview
        self.setWindowTitle(self.tr("Import UN Document — Review"))
        self.model = ReviewModel(plan, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self._facts(plan))
        if preview.warnings:
            warnings = QLabel("\n".join(preview.warnings))
            warnings.setObjectName("documentWarnings")
            warnings.setWordWrap(True)
            warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(warnings)
        layout.addWidget(self._body(), 1)
        layout.addLayout(self._buttons())
        self.model.dataChanged.connect(self._row_changed)
        self._update_summary()
        self.resize(1280, 720)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, TEXT))
        self.table.setFocus()

    # -- the parts -------------------------------------------------------------------------

    def _facts(self, plan: DocumentPlan) -> QWidget:
        p, d = plan.preview, plan.preview.document
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        left, right = QFormLayout(), QFormLayout()
        follow = ", ".join(p.follow_up_paragraphs) or self.tr("none")
        rows_left = [(self.tr("Document:"), kind_label(d.kind)),
                     (self.tr("Symbol:"), d.symbol or self.tr("not stated")),
                     (self.tr("Body:"), d.body or self.tr("not stated")),
                     (self.tr("State:"), d.country or self.tr("not stated"))]
        rows_right = [(self.tr("Date:"), _date(d.date))]
        if d.kind is not DocumentKind.CONCLUDING_OBSERVATIONS:
            rows_right.append((self.tr("UPR session:"), str(d.upr_session) if d.upr_session
                               else self.tr("not stated")))
        rows_right += [
                      (self.tr("Follow-up:"), self.tr("paragraphs {0}, due {1}").format(
                          follow, _date(p.follow_up_due))
                       if p.follow_up_paragraphs or p.follow_up_due else self.tr("none")),
                      (self.tr("Next report due:"), _date(p.next_report_due))]
        if p.important_paragraphs:
            rows_right.append((self.tr("Particular importance:"),
                               ", ".join(p.important_paragraphs)))
        for form, rows in ((left, rows_left), (right, rows_right)):
            for label, value in rows:
                shown = QLabel(value)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(label, shown)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return box

    def _body(self) -> QSplitter:
        self.table = QTableView()
        self.table.setObjectName("documentTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setItemDelegateForColumn(POSITION, _PositionDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Recommendations read from the document"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((INCLUDE, 56), (PARAGRAPH, 76), (TEXT, 280), (STATES, 160),
                              (POSITION, 120), (WILL, 240), (THEMES, 160), (GROUPS, 130),
                              (SDGS, 60)):
            self.table.setColumnWidth(column, width)
        header.moveSection(WILL, POSITION + 1)  # what apply does, before the taxonomies
        if self.model.plan.preview.document.kind is DocumentKind.CONCLUDING_OBSERVATIONS:
            for column in (STATES, POSITION):  # a committee's own: no states, no position
                self.table.setColumnHidden(column, True)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_source)
        source_box = QWidget()
        side = QVBoxLayout(source_box)
        side.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("&Source text in the document:"))
        self.source = QPlainTextEdit()
        self.source.setObjectName("documentSource")
        self.source.setReadOnly(True)
        self.source.setTabChangesFocus(True)
        self.source.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        label.setBuddy(self.source)
        self.will = QLabel()
        self.will.setObjectName("documentWill")
        self.will.setWordWrap(True)
        self.will.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(label)
        side.addWidget(self.source, 1)
        side.addWidget(self.will)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(source_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([960, 300])
        return splitter

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.toggle_button = QPushButton(self.tr("&Include or Leave Out"))
        self.toggle_button.setToolTip(self.tr("Include the selected rows, or leave them out "
                                              "(Ctrl+Space)"))
        self.toggle_button.clicked.connect(self.toggle_selected)
        toggle = QShortcut(QKeySequence("Ctrl+Space"), self)
        toggle.activated.connect(self.toggle_selected)
        self.summary = QLabel()
        self.summary.setObjectName("documentSummary")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(self.tr("&Apply"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("documentApply")
        self.apply_button.setDefault(True)
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.toggle_button)
        row.addWidget(self.summary, 1)
        row.addWidget(self.buttons)
        return row

    # -- behaviour -------------------------------------------------------------------------

    def _show_source(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.source.clear()
            return
        rec = self.model.rows[current.row()]
        self.source.setPlainText(rec.source_text or rec.text)
        self.will.setText(self.tr("Apply: {0}").format(
            self.model.index(current.row(), WILL).data()))

    def toggle_selected(self) -> None:
        """Leave the selected rows out (or include them again, when all are left out)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        if not rows:
            return
        include = not any(self.model.included[r] for r in rows)
        state = Qt.CheckState.Checked if include else Qt.CheckState.Unchecked
        for r in rows:
            self.model.setData(self.model.index(r, INCLUDE), state.value,
                               Qt.ItemDataRole.CheckStateRole)

    def _row_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        self._update_summary()
        current = self.table.currentIndex()
        if current.isValid() and top_left.row() <= current.row() <= bottom_right.row():
            self._show_source(current, current)
        if top_left.column() == WILL and bottom_right.column() == WILL:
            return  # what apply would do, worked out again: nothing more to do
        self.edited.emit()

    def _update_summary(self) -> None:
        n, total = self.model.included_count(), self.model.rowCount()
        if n and not self.model.changing_count():
            self.summary.setText(counted(self.tr(
                "The record already holds all %n recommendation(s) included: applying "
                "changes nothing.", "", n), n))
        else:
            self.summary.setText(counted(self.tr(
                "%n of {0} recommendation(s) will be applied.", "", n), n).format(total))
        self.apply_button.setEnabled(n > 0)

    def _apply(self) -> None:
        self.apply_button.setEnabled(False)
        self.applyRequested.emit()

    def select_row(self, row: int) -> None:
        """Make `row` current and selected (for the keyboard and tests)."""
        index = self.model.index(row, PARAGRAPH)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
