"""What an import did, file by file: the layout found, the counts, what was skipped, and every
refused file and wrong row by file, row and column (copyable)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.services.import_batch import CANCELLED, IMPORTED, FileOutcome
from nmrf_desktop.services.workbook.importing import WorkbookReport
from nmrf_desktop.ui.exchange.common import MessageStrip
from nmrf_desktop.ui.importing.kinds import kind_text
from nmrf_desktop.ui.plural import counted

FILE_COLUMNS = 8
_WRAPPED_ROWS = 500  # more problems than this: one line each (the full text as a tip)


def _number(value: int) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ImportResultDialog(QDialog):
    """The report of one Import Recommendations run."""

    def __init__(self, outcomes: Sequence[FileOutcome], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcomes = list(outcomes)
        self.setObjectName("importResultDialog")
        self.setWindowTitle(self.tr("Import Results"))
        self.setProperty("help_topic", "import-un-data")
        self.summary = QLabel(self.summary_text(), self)
        self.summary.setObjectName("importSummary")
        self.summary.setAccessibleName(self.tr("What was imported"))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refusals = MessageStrip(self)
        self.refusals.setObjectName("importRefusals")
        refused = self.refusal_text()
        if refused:
            self.refusals.show_message("error", refused)
        self.files = self._files_table()
        self.notes = QLabel(self.notes_text(), self)
        self.notes.setObjectName("importNotes")
        self.notes.setAccessibleName(self.tr("Rows skipped and merged"))
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setVisible(bool(self.notes.text()))
        self.problems = self._problems_table()
        problems_caption = QLabel(self.tr("&Problems, by file, row and column:"), self)
        problems_caption.setBuddy(self.problems)
        self.copy_button = QPushButton(self.tr("&Copy Problems"), self)
        self.copy_button.setObjectName("copyProblems")
        self.copy_button.clicked.connect(self.copy_problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        has_problems = self.problems.rowCount() > 0
        for widget in (problems_caption, self.problems, self.copy_button):
            widget.setVisible(has_problems)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.refusals)
        layout.addWidget(self.files)
        layout.addWidget(self.notes)
        layout.addWidget(problems_caption)
        layout.addWidget(self.problems, 1)
        if not has_problems:
            layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(960, 560 if has_problems else 340)

    # -- what is said ----------------------------------------------------------------------

    def summary_text(self) -> str:
        done = [o for o in self.outcomes if o.status == IMPORTED and o.report is not None]
        refused = [o for o in self.outcomes if o.status not in (IMPORTED, CANCELLED)]
        cancelled = [o for o in self.outcomes if o.status == CANCELLED]
        parts = []
        if done:
            created = sum(o.report.created for o in done if o.report)
            updated = sum(o.report.updated for o in done if o.report)
            unchanged = sum(o.report.unchanged for o in done if o.report)
            parts.append(" ".join([
                counted(self.tr("%n file(s) imported:", "", len(done)), len(done)),
                counted(self.tr("%n new recommendation(s),", "", created), created),
                counted(self.tr("%n updated,", "", updated), updated),
                counted(self.tr("%n unchanged.", "", unchanged), unchanged)]))
        if refused:
            parts.append(counted(self.tr(
                "%n file(s) refused: nothing of them was imported.", "", len(refused)),
                len(refused)))
        if cancelled:
            parts.append(counted(self.tr(
                "Cancelled: %n file(s) not imported; nothing of them was changed.", "",
                len(cancelled)), len(cancelled)))
        return " ".join(parts) or self.tr("Nothing was imported.")

    def refusal_text(self) -> str:
        """One paragraph per refused file: its one reason, or how many rows are wrong."""
        lines = []
        for o in self.outcomes:
            if o.status in (IMPORTED, CANCELLED):
                continue
            name = o.file.path.name
            if len(o.problems) == 1:  # one reason: said whole (a pledges export, a header)
                problem = o.problems[0]
                where = str(RowProblem("", problem.row, problem.column, "")).strip(" :,")
                if where:
                    lines.append(self.tr("{0} was not imported: {1}: {2}").format(
                        name, where, problem.message))
                elif problem.message.startswith(("is ", "has ", "cannot ")):
                    lines.append(self.tr("{0} was not imported: it {1}").format(
                        name, problem.message))  # the importers' "x.xls: is a …"
                else:
                    lines.append(self.tr("{0} was not imported: {1}").format(
                        name, problem.message))
            else:
                n = len(o.problems)
                lines.append(counted(self.tr(
                    "{0} was not imported: %n problem(s), listed below. Put them right and "
                    "import it again, or import its good rows alone.", "", n), n).format(name))
        return "\n".join(lines)

    def notes_text(self) -> str:
        lines = []
        for o in self.outcomes:
            report = o.report
            if report is None:
                continue
            name = o.file.path.name
            for kind_of_row, n in report.skipped.items():
                lines.append(counted(self.tr(
                    "{0}: %n row(s) skipped, not recommendations ({1}).", "", n), n)
                    .format(name, kind_of_row))
            if report.repeats:
                n = len(report.repeats)
                lines.append(counted(self.tr(
                    "{0}: %n repeated row(s) merged into the first.", "", n), n).format(name))
            added = report.progress_added if isinstance(report, WorkbookReport) else 0
            if added:
                lines.append(counted(self.tr(
                    "{0}: %n progress update(s) added.", "", added), added).format(name))
        return "\n".join(lines)

    def _result_text(self, outcome: FileOutcome) -> str:
        if outcome.status == IMPORTED:
            if outcome.report is not None and outcome.report.rejected:
                return self.tr("Imported, without its wrong rows")
            return self.tr("Imported")
        if outcome.status == CANCELLED:
            return self.tr("Not imported: cancelled")
        return self.tr("Refused: nothing changed")

    # -- tables ------------------------------------------------------------------------------

    def _files_table(self) -> QTableWidget:
        table = QTableWidget(len(self.outcomes), FILE_COLUMNS, self)
        table.setObjectName("importResultFiles")
        table.setAccessibleName(self.tr("Files imported"))
        table.setHorizontalHeaderLabels([
            self.tr("File"), self.tr("Found"), self.tr("Result"), self.tr("New"),
            self.tr("Updated"), self.tr("Unchanged"), self.tr("Skipped"), self.tr("Wrong rows")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        for row, o in enumerate(self.outcomes):
            name = o.file.path.name
            report = o.report
            found = (report.layouts.get(name) if report is not None else None) or kind_text(
                o.file.kind)
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(found))
            table.setItem(row, 2, QTableWidgetItem(self._result_text(o)))
            if report is not None:
                for col, value in enumerate((report.created, report.updated, report.unchanged,
                                             sum(report.skipped.values()),
                                             len(report.rejected)), start=3):
                    table.setItem(row, col, _number(value))
            elif len(o.problems) > 1:  # one problem is said whole above the table
                table.setItem(row, 7, _number(sum(1 for p in o.problems if p.row)))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_a: table.resizeRowsToContents())
        table.setWordWrap(True)
        return table

    def problem_rows(self) -> list[RowProblem]:
        """Every problem: the refused files' and the wrong rows left out of an import."""
        out: list[RowProblem] = []
        for o in self.outcomes:
            out += o.problems
            if o.report is not None:
                out += o.report.rejected
        return out

    def _problems_table(self) -> QTableWidget:
        rows = self.problem_rows()
        table = QTableWidget(len(rows), 4, self)
        table.setObjectName("importProblems")
        table.setAccessibleName(self.tr("Problems, by file, row and column"))
        table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Row"), self.tr("Column"),
                                         self.tr("Problem")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(len(rows) <= _WRAPPED_ROWS)
        table.verticalHeader().hide()
        for row, problem in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(_file_name(problem.file)))
            table.setItem(row, 1, _number(problem.row) if problem.row else QTableWidgetItem(""))
            table.setItem(row, 2, QTableWidgetItem(problem.column))
            message = QTableWidgetItem(problem.message)
            message.setToolTip(problem.message)
            table.setItem(row, 3, message)
        header = table.horizontalHeader()
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if len(rows) <= _WRAPPED_ROWS:  # rows as tall as their wrapped text, at each width
            header.sectionResized.connect(lambda *_a: table.resizeRowsToContents())
        return table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        for table in (self.files, self.problems):
            if table.wordWrap():
                table.resizeRowsToContents()
        self._fit_files()

    def _fit_files(self) -> None:
        """The files table as tall as its rows (up to eight); the dialog no taller than needed
        when no problems are listed below it."""
        table = self.files
        shown = sum(table.rowHeight(r) for r in range(min(table.rowCount(), 8)))
        table.setMaximumHeight(table.horizontalHeader().height() + shown
                               + 2 * table.frameWidth() + 2)
        if not self.problems.rowCount():
            self.resize(self.width(), self.minimumSizeHint().height())

    def problems_text(self) -> str:
        """The problems as tab-separated text, a header line first (pastes into a sheet)."""
        lines = ["\t".join((self.tr("File"), self.tr("Row"), self.tr("Column"),
                            self.tr("Problem")))]
        for p in self.problem_rows():
            lines.append("\t".join((_file_name(p.file), str(p.row) if p.row else "", p.column,
                                    " ".join(p.message.split()))))
        return "\n".join(lines) + "\n"

    def copy_problems(self) -> None:
        QApplication.clipboard().setText(self.problems_text())
        self.copy_button.setText(self.tr("&Copied"))


def _file_name(file: str) -> str:
    """A problem's file as the table shows it: its name (a workbook's sheet kept)."""
    head, sep, rest = file.partition(", sheet ")
    return head.replace("\\", "/").rsplit("/", 1)[-1] + sep + rest
