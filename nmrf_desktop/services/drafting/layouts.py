"""How each kind of draft is laid out: groups in a deterministic order (by reference), a
table and a narrative per group (mid-term, consultation), or paragraph by paragraph
(follow-up, periodic)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from nmrf_desktop.domain.text import natural
from nmrf_desktop.reports.draft_model import Block, Heading, Paragraph, Run, Table
from nmrf_desktop.services.documents.matching import paragraph_key
from nmrf_desktop.services.drafting.blocks import Context, information, quoted, table_row
from nmrf_desktop.services.drafting.gather import ClusterFact, Item
from nmrf_desktop.services.drafting.words import rec_source

NO_THEME = "No theme recorded"
NO_CLUSTER = "Recommendations in no confirmed overlap cluster"
HEADER = ("Recommendation", "Position", "Implementing actions", "Status",
          "Responsible agencies")
WIDTHS = (40.0, 10.0, 22.0, 12.0, 16.0)


def by_reference(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (natural(i.row.reference), i.row.id))


def by_paragraph_order(items: Iterable[Item]) -> list[Item]:
    """Document by document, paragraph by paragraph (as the body numbered them)."""
    return sorted(items, key=lambda i: (natural(i.row.document_symbol), natural(
        paragraph_key(i.row.paragraph)), natural(i.row.reference), i.row.id))


def theme_groups(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    """Every theme a recommendation carries is a group it is in (none: NO_THEME, last)."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for theme in item.row.themes or (NO_THEME,):
            groups[theme].append(item)
    order = sorted(groups, key=lambda t: (t == NO_THEME, t.casefold(), t))
    return [(t, groups[t]) for t in order]


def cluster_groups(items: Iterable[Item], clusters: dict[str, ClusterFact]
                   ) -> list[tuple[str, list[Item]]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    alone: list[Item] = []
    for item in items:
        for cid in item.clusters:
            groups[cid].append(item)
        if not item.clusters:
            alone.append(item)
    order = sorted(groups, key=lambda c: (natural(by_reference(groups[c])[0].row.reference),
                                          c))
    out = []
    for cid in order:
        reasons = clusters[cid].reasons
        why = f": {reasons[0]}" if reasons else ""
        out.append((f"Overlap cluster {cid}{why}", groups[cid]))
    if alone:
        out.append((NO_CLUSTER, alone))
    return out


def mid_term(groups: list[tuple[str, list[Item]]], ctx: Context) -> list[Block]:
    """Per group: a heading, a table of its recommendations, and its narrative drawn from
    each recommendation's latest updates (a gap where there are none)."""
    out: list[Block] = []
    for n, (label, members) in enumerate(groups, start=1):
        members = by_reference(members)
        out.append(Heading(label, 1))
        out.append(Table(HEADER, tuple(table_row(i, ctx) for i in members),
                         caption=f"Table {n}. {label}", widths=WIDTHS))
        # A bold lead-in, not a heading: the contents list the groups, not 40 "Progress"
        out.append(Paragraph((Run("Progress", bold=True),)))
        for item in members:
            out += information(item, ctx, name_it=True)
    return out


def _paragraph_base(paragraph: str) -> str:
    key = paragraph_key(paragraph)
    return key.split("(", 1)[0] if key else ""


def paragraph_by_paragraph(items: Iterable[Item], ctx: Context) -> list[Block]:
    """Document by document, each paragraph in turn: its text, then the State's information."""
    out: list[Block] = []
    document = base = None
    for item in by_paragraph_order(items):
        row = item.row
        doc = row.document_symbol or f"{row.body} recommendations without a document symbol"
        if doc != document:
            document, base = doc, None
            out.append(Heading(f"Concluding observations {doc}" if row.document_symbol
                               else doc, 1))
        here = _paragraph_base(row.paragraph) or row.reference
        if here != base:
            base = here
            out.append(Heading(f"Paragraph {here}" if row.paragraph else here, 2))
        if row.paragraph and paragraph_key(row.paragraph) != here:
            out.append(Heading(f"Paragraph {paragraph_key(row.paragraph)}", 3))
        out.append(quoted(item))
        out += information(item, ctx)
    return out


def periodic_by_theme(items: Iterable[Item], ctx: Context) -> list[Block]:
    """Theme by theme; within each, each concluding-observations paragraph in turn. A
    paragraph under several themes is answered under the first; the others point there."""
    out: list[Block] = []
    answered: dict[str, str] = {}  # id -> the theme it is answered under
    for theme, members in theme_groups(items):
        out.append(Heading(theme, 1))
        for item in by_paragraph_order(members):
            row = item.row
            where = f" ({row.document_symbol})" if row.document_symbol else ""
            out.append(Heading(f"Paragraph {paragraph_key(row.paragraph)}{where}"
                               if row.paragraph else row.reference, 2))
            out.append(quoted(item))
            if row.id in answered:
                out.append(Paragraph((Run(f"See “{answered[row.id]}” above."),),
                                     sources=(rec_source(item),)))
                continue
            answered[row.id] = theme
            out += information(item, ctx)
    return out
