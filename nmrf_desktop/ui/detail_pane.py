"""The detail pane: one recommendation in full, read-only, every word selectable and copyable."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..services.browsing import RecommendationDetail
from .recommendations_model import cycle_label, position_label, status_label


class DetailPane(QTextBrowser):
    """Shows the selected recommendation: full text first, then its context."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName(self.tr("Recommendation details"))
        self.setAccessibleDescription(
            self.tr("The full text and context of the selected recommendation"))
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.document().setDocumentMargin(12)
        self._current: str | None = None
        self.show_placeholder()

    @property
    def current_id(self) -> str | None:
        return self._current

    def show_placeholder(self, message: str | None = None) -> None:
        self._current = None
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        text = message or self.tr("Select a recommendation to read it in full.")
        self.setHtml(f'<p style="color:{muted}">{escape(text)}</p>')

    def show_detail(self, detail: RecommendationDetail) -> None:
        self._current = detail.recommendation.id
        self.setHtml(self._html(detail))

    def _html(self, detail: RecommendationDetail) -> str:
        rec = detail.recommendation
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        where = [rec.body]
        if rec.session:
            where.append(self.tr("session {0}").format(rec.session))
        if rec.cycle or rec.year:
            where.append(self.tr("cycle {0}").format(cycle_label(rec.cycle, rec.year)))
        if rec.position:
            where.append(position_label(rec.position))
        symbol = rec.document_symbol
        if rec.paragraph:
            symbol = self.tr("{0}, para. {1}").format(symbol, rec.paragraph) if symbol \
                else self.tr("para. {0}").format(rec.paragraph)
        fields: list[tuple[str, str]] = [
            (self.tr("Document"), symbol),
            (self.tr("Recommending states"), ", ".join(rec.recommending_states)),
            (self.tr("Themes"), ", ".join(rec.themes)),
            (self.tr("Affected groups"), ", ".join(rec.affected_groups)),
            (self.tr("SDGs"), ", ".join(rec.sdgs)),
            (self.tr("Assigned agencies"), ", ".join(rec.assigned_agencies)),
            (self.tr("Status"), status_label(rec.status) or self.tr("No progress update yet")),
            (self.tr("Last update"),
             detail.last_update_on.isoformat() if detail.last_update_on else "—"),
        ]
        if rec.te_tiriti:
            fields.append((self.tr("Te Tiriti o Waitangi"), self.tr("Relevant")))
        if rec.withdrawn:
            fields.append((self.tr("Withdrawn"), self.tr("Yes")))
        rows = "".join(
            f'<tr><td style="color:{muted}; padding:2px 16px 2px 0; white-space:nowrap">'
            f"{escape(name)}</td><td style=\"padding:2px 0\">{escape(value) or '—'}</td></tr>"
            for name, value in fields)
        return (
            f'<h3 style="margin:0">{escape(rec.reference)}</h3>'
            f'<p style="color:{muted}; margin-top:2px">{escape(" · ".join(where))}</p>'
            f'<p style="font-size:large; margin:10px 0 12px 0">{escape(rec.text)}</p>'
            f"<table cellspacing=0>{rows}</table>"
        )
