"""A draft from the record: read once (one read-only transaction), then laid out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from sqlalchemy.orm import Session

from nmrf_desktop.reports.draft_model import Block, Draft, DraftKind, DraftMeta
from nmrf_desktop.reports.pdf_styles import long_date
from nmrf_desktop.services.drafting import layouts
from nmrf_desktop.services.drafting.blocks import Context, has_progress, recent_actions
from nmrf_desktop.services.drafting.gather import Gathered, Item, gather
from nmrf_desktop.services.drafting.request import DraftRequest, check_in, checked
from nmrf_desktop.services.drafting.scope import scope_ids
from nmrf_desktop.services.drafting.words import subject_of, title_of
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.request import fingerprint, scope_lines
from nmrf_desktop.services.state_scope import left_out_line, scoped

AUTHOR = "National Mechanism for Reporting and Follow-up"
PUBLIC_RULE = ("Only what may be published: public actions, public progress updates and "
               "public evidence; each status is the latest public update's")


def validate(record: Record, request: DraftRequest) -> DraftRequest:
    """The request with defaults filled in; DraftError naming the field when it cannot be
    honoured (an unknown agency, body or paragraph, nothing in scope, …)."""
    request = checked(request)
    with record.reading() as session:
        request, _others = _one_state(session, request)
        check_in(session, request)
        scope_ids(session, request)
    return request


def _one_state(session: Session, request: DraftRequest
               ) -> tuple[DraftRequest, list[tuple[str, int]]]:
    """The request narrowed to one state when the record holds several and none was named."""
    filters, others = scoped(session, request.filters)
    return dataclasses.replace(request, filters=filters), others


def build_draft(record: Record, request: DraftRequest) -> Draft:
    """The draft a request asks for (checked as `validate` does), read in one read-only
    transaction."""
    request = checked(request)
    kind = DraftKind(request.kind)
    public = kind is DraftKind.CONSULTATION
    with record.reading() as session:
        request, others = _one_state(session, request)
        check_in(session, request)
        ids = scope_ids(session, request)
        found = gather(session, ids, public)
        print_ = fingerprint(session)
    items = list(found.items.values())
    ctx = Context(found.agencies, request.since)
    blocks, grouping = _layout(kind, request, items, found, ctx)
    country = request.filters.country or _most_common(i.row.country for i in items)
    cycles = request.filters.cycles or tuple(
        {i.row.cycle for i in items if i.row.cycle and i.row.body == "UPR"})
    scope = scope_lines(request.filters, {c: a.en for c, a in found.agencies.items()})
    if request.paragraphs:
        scope += (f"Paragraphs: {', '.join(request.paragraphs)}",)
    if request.since:
        scope += (f"Progress since {long_date(request.since)}",)
    if others:
        scope += (left_out_line(others),)
    meta = DraftMeta(kind, title_of(kind, request.body, cycles, country),
                     subject_of(kind, request.body, country), dt.date.today(), print_, scope,
                     author=AUTHOR, public=public)
    return Draft(meta, _summary(items, ctx, grouping, public), tuple(blocks))


def _layout(kind: DraftKind, request: DraftRequest, items: list[Item], found: Gathered,
            ctx: Context) -> tuple[list[Block], str]:
    if kind is DraftKind.FOLLOW_UP or (kind is DraftKind.PERIODIC
                                       and request.group_by == "paragraph"):
        return layouts.paragraph_by_paragraph(items, ctx), (
            "paragraph by paragraph, as the concluding observations number them")
    if kind is DraftKind.PERIODIC:
        groups = layouts.theme_groups(items)
        return layouts.periodic_by_theme(items, ctx), _grouped(len(groups), "theme")
    if request.group_by == "cluster":
        groups = layouts.cluster_groups(items, found.clusters)
        confirmed = sum(1 for label, _m in groups if label != layouts.NO_CLUSTER)
        return layouts.mid_term(groups, ctx), (
            f"Grouped by overlap clusters a coordinator confirmed: {confirmed}; the "
            "recommendations in none follow")
    groups = layouts.theme_groups(items)
    return layouts.mid_term(groups, ctx), _grouped(len(groups), "theme")


def _grouped(n: int, what: str) -> str:
    return (f"Grouped by {what}: {n} {what}{'s' if n != 1 else ''} (a recommendation "
            f"appears under each of its {what}s)")


def _most_common(values: object) -> str:
    counts = Counter(values)  # type: ignore[call-overload]
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def _summary(items: list[Item], ctx: Context, grouping: str, public: bool) -> tuple[str, ...]:
    gaps = sum(1 for i in items if not has_progress(i, ctx.since))
    since = f" since {long_date(ctx.since)}" if ctx.since else ""
    actions = len({a.id for i in items for a in recent_actions(i, ctx.since)})
    evidence = len({e for i in items for e in i.evidence})
    lines = [
        f"Recommendations in scope: {len(items)}",
        f"With progress recorded{since}: {len(items) - gaps}",
        f"Gaps — no progress recorded{since}: {gaps} (highlighted in the text; nothing has "
        "been written in their place)",
        f"Implementing actions cited: {actions}; evidence cited: {evidence}",
        grouping[:1].upper() + grouping[1:],
    ]
    if public:
        lines.append(PUBLIC_RULE)
    return tuple(lines)
