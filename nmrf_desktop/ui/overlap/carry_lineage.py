"""The detail pane's lineage lines: "Repeats NZL-UPR18-042 (cycle 3)" / "Repeated by …"."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.services.carry_forward import CARRIED, Lineage
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label
from nmrf_desktop.ui.plural import counted

REFERENCE_SCHEME = "nmrf-ref"  # a link naming a recommendation by its reference
_T = QCoreApplication.translate
_C = "CarryLineage"


def reference_url(reference: str) -> str:
    return f"{REFERENCE_SCHEME}:{quote(reference, safe='')}"


def lineage_line(item: Lineage) -> tuple[str, str]:
    """The sentence around the other recommendation's reference ("{0}" marks it), and the
    facts after it (what was carried, by whom, when)."""
    repeats = item.direction == "repeats"
    cycle = cycle_label(item.earlier_cycle, None) if item.earlier_cycle else ""
    if item.verdict == CARRIED:
        sentence = (_T(_C, "Repeats {0} (cycle {1})") if repeats and cycle else
                    _T(_C, "Repeats {0}") if repeats else
                    _T(_C, "Repeated by {0} (cycle {1})") if cycle else
                    _T(_C, "Repeated by {0}"))
    else:
        sentence = (_T(_C, "Not carried forward from {0} (declined)") if repeats else
                    _T(_C, "Not carried forward to {0} (declined)"))
    facts = []
    if item.verdict == CARRIED:
        n, m = len(item.agencies), len(item.actions)
        facts.append(counted(_T(_C, "%n assignment(s) added", "", n), n))
        facts.append(counted(_T(_C, "%n action(s) linked", "", m), m))
    facts.append(_T(_C, "decided by {0} on {1}").format(
        item.decided_by, item.decided_at.date().isoformat()))
    return sentence.replace("{1}", cycle), " · ".join(facts)


def lineage_html(items: Sequence[Lineage] | None, muted: str) -> str:
    """One line per decision, the other recommendation's reference a link to it."""
    if not items:
        return ""
    out = []
    for item in items:
        sentence, facts = lineage_line(item)
        before, _, after = sentence.partition("{0}")
        link = (f'<a href="{escape(reference_url(item.earlier_reference))}">'
                f"{escape(item.earlier_reference)}</a>")
        out.append(f'<p style="margin:6px 0 0 0">{escape(before)}{link}{escape(after)}'
                   f'<span style="color:{muted}"> · {escape(facts)}</span></p>')
    return f'<div style="margin-top:8px">{"".join(out)}</div>'
