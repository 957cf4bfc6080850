"""The detail pane's "Related recommendations" section: the cluster-mates of one, with reasons."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.services.overlap import Related, RelatedItem
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label, status_label

RECOMMENDATION_SCHEME = "nmrf-rec"
FIND_OVERLAPS_URL = "nmrf-overlap:find"
ANCHOR = "related"  # the section's anchor, for scrollToAnchor
_T = QCoreApplication.translate
_C = "RelatedList"


def basis_label(item: RelatedItem) -> str:
    """Why this one is listed, in a word or two, before the detector's own explanation."""
    return {
        "instrument": _T(_C, "Same instrument"),
        "text": _T(_C, "Similar wording"),
        "confirmed": _T(_C, "Confirmed"),
        "cluster": _T(_C, "Same cluster"),
    }.get(item.basis, item.basis)


def related_html(related: Related | None, can_detect: bool, muted: str) -> str:
    """The section's HTML: a heading and one entry per related recommendation (or a note)."""
    if related is None:
        return ""
    heading = _T(_C, "Related recommendations")
    if related.items:
        heading = _T(_C, "Related recommendations ({0})").format(len(related.items))
    out = [f'<h4 style="margin:16px 0 4px 0"><a name="{ANCHOR}"></a>{escape(heading)}</h4>']
    if not related.detected or not related.indexed:
        note = (_T(_C, "Overlapping recommendations have not been looked for in this "
                       "database yet.") if not related.detected else
                _T(_C, "This recommendation came in after overlaps were last looked for."))
        if can_detect:
            find = _T(_C, "Find overlaps")
            tail = f'<a href="{FIND_OVERLAPS_URL}">{escape(find)}</a>'
        else:
            tail = escape(_T(_C, "A coordinator can find them."))
        out.append(f'<p style="color:{muted}">{escape(note)} {tail}</p>')
        return "".join(out)
    if not related.items:
        none = _T(_C, "No other recommendation asks for the same thing.")
        out.append(f'<p style="color:{muted}">{escape(none)}</p>')
        return "".join(out)
    for item in related.items:
        facts = [item.body, _T(_C, "cycle {0}").format(cycle_label(item.cycle, item.year)),
                 status_label(item.status) or _T(_C, "no progress update")]
        out.append(
            f'<p style="margin:6px 0 0 0"><a href="{RECOMMENDATION_SCHEME}:{escape(item.id)}">'
            f"{escape(item.reference)}</a> "
            f'<span style="color:{muted}">{escape(" · ".join(facts))}</span><br>'
            f"{escape(item.excerpt)}<br>"
            f'<span style="color:{muted}"><i>{escape(basis_label(item))}:</i> '
            f"{escape(item.reason)}</span></p>")
    return "".join(out)
