"""The detail pane: one recommendation in full, read-only, every word selectable and copyable."""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from nmrf_desktop.domain.enums import ActionKind, ActionStatus, AssignmentRole
from nmrf_desktop.services.browsing import EvidenceItem, RecommendationDetail
from nmrf_desktop.services.carry_forward import Lineage
from nmrf_desktop.services.indicator_views import RecommendationIndicator
from nmrf_desktop.services.overlap import Related
from nmrf_desktop.ui.browsing.recommendations_model import (
    cycle_label,
    position_label,
    status_label,
)
from nmrf_desktop.ui.enum_text import agency_name, label
from nmrf_desktop.ui.indicators.detail_html import (
    INDICATOR_SCHEME,
    recommendation_indicators_html,
)
from nmrf_desktop.ui.overlap.carry_lineage import REFERENCE_SCHEME, lineage_html
from nmrf_desktop.ui.overlap.related_list import (
    FIND_OVERLAPS_URL,
    RECOMMENDATION_SCHEME,
    related_html,
)
from nmrf_desktop.ui.plural import counted

log = logging.getLogger(__name__)
ACTION_SCHEME = "nmrf-action"


def enum_label(enum: type, value: str) -> str:
    try:
        return label(enum(value))
    except ValueError:
        return value


def sha_short(sha: str) -> str:
    return f"{sha[:12]}…" if len(sha) > 12 else sha


class DetailPane(QTextBrowser):
    """Shows the selected recommendation: full text first, then its context and work."""

    # The user followed an action's link: its id (to edit it).
    actionActivated = Signal(str)
    # A recommendation is shown (its id): time to look up its related recommendations.
    detailShown = Signal(str)
    # The user followed a related recommendation's link: its id (to open it).
    relatedActivated = Signal(str)
    # The user asked, from the related section, to look for overlaps now.
    findOverlapsRequested = Signal()
    # The user followed a lineage link ("Repeats NZL-UPR18-042"): that reference.
    referenceActivated = Signal(str)
    # The user followed a linked indicator's link: its code (to show it).
    indicatorActivated = Signal(str)

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
        self.detail: RecommendationDetail | None = None
        self.related: Related | None = None
        self.lineage: list[Lineage] = []  # carry-forward decisions: repeats / repeated by
        self.indicators: list[RecommendationIndicator] = []  # indicators measuring it
        self._can_detect = False
        self.anchorClicked.connect(self._follow)
        self.show_placeholder()

    @property
    def current_id(self) -> str | None:
        return self._current

    def show_placeholder(self, message: str | None = None) -> None:
        self._current = None
        self.detail = None
        self.related = None
        self.lineage = []
        self.indicators = []
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        text = message or self.tr("Select a recommendation to read it in full.")
        self.setHtml(f'<p style="color:{muted}">{escape(text)}</p>')

    def show_detail(self, detail: RecommendationDetail) -> None:
        bar = self.verticalScrollBar()
        same = self._current == detail.recommendation.id
        keep = bar.value() if same else 0
        self._current = detail.recommendation.id
        self.detail = detail
        if not same:
            self.related = None  # until the related recommendations are looked up
            self.lineage = []  # until its carry-forward lineage is read
            self.indicators = []  # until its indicators are read
        self._render()
        bar.setValue(keep)
        self.detailShown.emit(detail.recommendation.id)

    def show_related(self, related: Related, can_detect: bool) -> None:
        """Add the related recommendations of the one shown (ignored if another is shown)."""
        if self.detail is None or related.recommendation_id != self._current:
            return
        self.related, self._can_detect = related, can_detect
        bar = self.verticalScrollBar()
        keep = bar.value()
        self._render()
        bar.setValue(keep)

    def show_lineage(self, rec_id: str, lineage: list[Lineage]) -> None:
        """Add the carry-forward lineage of the one shown (ignored if another is shown)."""
        if self.detail is None or rec_id != self._current:
            return
        self.lineage = list(lineage)
        bar = self.verticalScrollBar()
        keep = bar.value()
        self._render()
        bar.setValue(keep)

    def show_indicators(self, rec_id: str, found: list[RecommendationIndicator]) -> None:
        """Add the indicators linked to the one shown (ignored if another is shown)."""
        if self.detail is None or rec_id != self._current:
            return
        self.indicators = list(found)
        bar = self.verticalScrollBar()
        keep = bar.value()
        self._render()
        bar.setValue(keep)

    def _render(self) -> None:
        assert self.detail is not None
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.setHtml(self._html(self.detail)
                     + lineage_html(self.lineage, muted)
                     + related_html(self.related, self._can_detect, muted)
                     + recommendation_indicators_html(self.indicators, muted)
                     + self._work_html(self.detail))

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == ACTION_SCHEME:
            self.actionActivated.emit(url.path())
            return
        if url.scheme() == RECOMMENDATION_SCHEME:
            self.relatedActivated.emit(url.path())
            return
        if url.scheme() == REFERENCE_SCHEME:
            self.referenceActivated.emit(url.path())
            return
        if url.scheme() == INDICATOR_SCHEME:
            self.indicatorActivated.emit(url.path())
            return
        if url.toString() == FIND_OVERLAPS_URL:
            self.findOverlapsRequested.emit()
            return
        if not QDesktopServices.openUrl(url):
            log.warning("no application opened %s", url.toString())

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
            (self.tr("Assigned agencies"), self._assigned(detail)),
            (self.tr("Status"), status_label(rec.status) or self.tr("No progress update yet")),
            (self.tr("Last update"),
             detail.last_update_on.isoformat() if detail.last_update_on else "—"),
        ]
        if rec.follow_up:
            fields.append((self.tr("Follow-up"), self._follow_up(detail)))
        if rec.important:
            fields.append((self.tr("Importance"), self.tr("Of particular importance")))
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

    def _follow_up(self, detail: RecommendationDetail) -> str:
        """The Committee's request, with the reporting calendar's deadline when it has one."""
        if not detail.follow_up_due:
            return self.tr("Follow-up requested by the Committee")
        dates = ", ".join(day.isoformat() for day in detail.follow_up_due)
        return self.tr("Follow-up requested by the Committee, due {0}").format(dates)

    def _assigned(self, detail: RecommendationDetail) -> str:
        if not detail.assignments:
            return ", ".join(detail.recommendation.assigned_agencies)
        return "; ".join(
            self.tr("{0} ({1}, {2})").format(a.code, agency_name(a.name_en, a.name_mi),
                                               enum_label(AssignmentRole, a.role).lower())
            for a in detail.assignments)

    def _heading(self, text: str) -> str:
        return f'<h4 style="margin:16px 0 4px 0">{escape(text)}</h4>'

    def _evidence_html(self, items: tuple[EvidenceItem, ...], muted: str) -> str:
        parts = []
        for item in items:
            ev = item.evidence
            target = ev.url or (QUrl.fromLocalFile(item.path).toString() if item.path else "")
            name = f'<a href="{escape(target)}">{escape(ev.display_name)}</a>' if target \
                else escape(ev.display_name)
            facts = [ev.created_at.date().isoformat()]
            if ev.size is not None:
                facts.append(self.tr("{0} bytes").format(f"{ev.size:,}"))
            if ev.sha256:
                facts.append(f"SHA-256 {ev.sha256}")
            parts.append(f'<li>{name} <span style="color:{muted}">'
                         f"{escape(' · '.join(facts))}</span></li>")
        return f'<ul style="margin:2px 0">{"".join(parts)}</ul>' if parts else ""

    def _work_html(self, detail: RecommendationDetail) -> str:
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        out = [self._heading(self.tr("Progress history"))]
        if detail.progress:
            rows = "".join(
                f'<tr><td style="padding:2px 12px 2px 0; white-space:nowrap">'
                f"{p.as_of.isoformat()}</td>"
                f'<td style="padding:2px 12px 2px 0; white-space:nowrap">{escape(p.agency)}</td>'
                f'<td style="padding:2px 12px 2px 0; white-space:nowrap">'
                f"{escape(status_label(p.status))}</td>"
                f"<td>{escape(p.narrative)}</td></tr>"
                for p in detail.progress)
            out.append(f"<table cellspacing=0>{rows}</table>")
        else:
            none = self.tr("No progress updates yet.")
            out.append(f'<p style="color:{muted}">{escape(none)}'
                       "</p>")
        out.append(self._heading(self.tr("Actions")))
        if detail.actions:
            for linked in detail.actions:
                a = linked.action
                dates = [f"{name} {day.isoformat()}" for name, day in (
                    (self.tr("start"), a.start_date), (self.tr("target"), a.target_date),
                    (self.tr("completed"), a.completed_date)) if day]
                facts = [a.agency, enum_label(ActionKind, a.kind),
                         enum_label(ActionStatus, a.status), *dates]
                if a.is_public:
                    facts.append(self.tr("public"))
                if len(a.recommendation_ids) > 1:
                    facts.append(counted(self.tr("answers %n recommendation(s)", "",
                                                 len(a.recommendation_ids)),
                                         len(a.recommendation_ids)))
                title = escape(a.title)
                style = "text-decoration:line-through;" \
                    if a.status == ActionStatus.CANCELLED.value else ""
                out.append(
                    f'<p style="margin:6px 0 0 0"><a style="{style}" '
                    f'href="{ACTION_SCHEME}:{escape(a.id)}">{title}</a><br>'
                    f'<span style="color:{muted}">{escape(" · ".join(facts))}</span>'
                    + (f"<br>{escape(a.description)}" if a.description else "") + "</p>"
                    + self._evidence_html(linked.evidence, muted))
        else:
            none = self.tr("No actions yet.")
            out.append(f'<p style="color:{muted}">{escape(none)}</p>')
        if detail.evidence:
            out.append(self._heading(self.tr("Evidence")))
            out.append(self._evidence_html(detail.evidence, muted))
        return "".join(out)
