"""The overview page: counts by status, body and cycle as bar charts, and the stale list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.facets import AgencyChoice
from nmrf_desktop.services.overview import Overview
from nmrf_desktop.settings import STALE_MONTHS
from nmrf_desktop.ui.bar_chart import BarChart
from nmrf_desktop.ui.browsing.recommendations_model import status_label


class OverviewPage(QWidget):
    """Figures for one agency or all; `requested` asks the window to (re)load them."""

    requested = Signal()  # the agency or the months changed
    # The user opened a stale item: its id.
    recommendationActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPage")
        self.agency = QComboBox(self)
        self.agency.setObjectName("overviewAgency")
        self.agency.setAccessibleName(self.tr("Agency shown in the overview"))
        self.agency.addItem(self.tr("All agencies"), "")
        self.months = QSpinBox(self)
        self.months.setObjectName("staleMonths")
        self.months.setAccessibleName(self.tr("Months without an update"))
        self.months.setRange(1, 120)
        self.months.setValue(STALE_MONTHS.default)
        self.months.setSuffix(self.tr(" months"))
        self.summary = QLabel(self)
        self.summary.setObjectName("overviewSummary")
        self.summary.setAccessibleName(self.tr("Summary of the recommendations"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.by_status = BarChart(self.tr("By status"), self)
        self.by_body = BarChart(self.tr("By body"), self)
        self.by_cycle = BarChart(self.tr("By cycle"), self)
        self.stale_label = QLabel(self)
        self.stale = QTableWidget(0, 4, self)
        self.stale.setObjectName("staleTable")
        self.stale.setAccessibleName(self.tr("Recommendations with no recent update"))
        self.stale.setHorizontalHeaderLabels(
            [self.tr("Reference"), self.tr("Body"), self.tr("Status"), self.tr("Last update")])
        self.stale.verticalHeader().hide()
        self.stale.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.stale.setAlternatingRowColors(True)
        self.stale.setShowGrid(False)
        for column, width in enumerate((160, 90, 180)):
            self.stale.setColumnWidth(column, width)
        self.stale.horizontalHeader().setStretchLastSection(True)
        self.stale.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.stale.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stale.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stale.itemActivated.connect(self._activated)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Agency:"), self))
        top.addWidget(self.agency, 1)
        caption = QLabel(self.tr("&No update in the last"), self)
        caption.setBuddy(self.months)
        top.addWidget(caption)
        top.addWidget(self.months)
        charts = QGridLayout()
        charts.addWidget(self.by_status, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        charts.addWidget(self.by_body, 0, 1, Qt.AlignmentFlag.AlignTop)
        charts.addWidget(self.by_cycle, 1, 1, Qt.AlignmentFlag.AlignTop)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        charts.setHorizontalSpacing(32)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(charts)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.stale, 1)
        self.agency.currentIndexChanged.connect(self.requested)
        self.months.valueChanged.connect(self.requested)

    def set_agencies(self, agencies: Sequence[AgencyChoice], default: str = "") -> None:
        self.agency.blockSignals(True)
        self.agency.clear()
        self.agency.addItem(self.tr("All agencies"), "")
        for choice in agencies:
            self.agency.addItem(choice.display(), choice.code)
        self.agency.setCurrentIndex(max(0, self.agency.findData(default)))
        self.agency.blockSignals(False)

    def choose(self, agency: str, months: int) -> None:
        """Show one agency's figures (all agencies: ""), stale after `months`."""
        self.months.setValue(months)
        self.agency.setCurrentIndex(max(0, self.agency.findData(agency)))

    def chosen_agency(self) -> str | None:
        return str(self.agency.currentData() or "") or None

    def show_overview(self, data: Overview) -> None:
        self.summary.setText(self.tr("{0} recommendations").format(f"{data.total:,}"))
        self.by_status.set_bars([(status_label(s) or self.tr("No update yet"), n)
                                 for s, n in data.by_status])
        self.by_body.set_bars([(b, n) for b, n in data.by_body])
        self.by_cycle.set_bars([(self.tr("Cycle {0}").format(c) if c else self.tr("No cycle"),
                                 n) for c, n in data.by_cycle])
        self.stale_label.setText(self.tr(
            "{0} with no update since {1} (first {2} shown)").format(
            f"{data.stale_count:,}", data.stale_before.isoformat(), len(data.stale)))
        self.stale.setRowCount(len(data.stale))
        for row, item in enumerate(data.stale):
            for column, text in enumerate((
                    item.reference, item.body,
                    status_label(item.status) or self.tr("No update yet"),
                    item.last_update_on.isoformat() if item.last_update_on else "—")):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                self.stale.setItem(row, column, cell)

    def _activated(self, item: QTableWidgetItem) -> None:
        self.recommendationActivated.emit(item.data(Qt.ItemDataRole.UserRole))
