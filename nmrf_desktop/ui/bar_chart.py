"""A horizontal bar chart drawn with QPainter (PySide6-Essentials has no QtCharts)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

_ROW = 22
_GAP = 6


class BarChart(QWidget):
    """Labelled bars, one per (label, count), scaled to the largest count."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._bars: list[tuple[str, int]] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[tuple[str, int]]) -> None:
        self._bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{name}: {count}" for name, count in bars))
        self.setToolTip("\n".join(f"{name}: {count:,}" for name, count in bars))
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, int]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        rows = max(1, len(self._bars))
        return QSize(360, self.fontMetrics().height() + 12 + rows * (_ROW + _GAP))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        title_font = painter.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(0, metrics.ascent(), self._title)
        painter.setFont(self.font())
        top = metrics.height() + 12
        if not self._bars:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(0, top + metrics.ascent(), self.tr("Nothing to show"))
            return
        label_width = min(self.width() // 3,
                          max(metrics.horizontalAdvance(name) for name, _ in self._bars) + 12)
        count_width = metrics.horizontalAdvance(f"{max(c for _, c in self._bars):,}") + 10
        span = max(1, self.width() - label_width - count_width)
        biggest = max(1, max(c for _, c in self._bars))
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        for i, (name, count) in enumerate(self._bars):
            y = top + i * (_ROW + _GAP)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(0, y, label_width - 8, _ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            width = span * count / biggest
            painter.fillRect(QRectF(label_width, y + 3, max(width, 1.0), _ROW - 6), bar_colour)
            painter.drawText(QRectF(label_width + width + 6, y, count_width, _ROW),
                             Qt.AlignmentFlag.AlignVCenter, f"{count:,}")
        painter.end()
