"""Which recommendations a draft covers: the filters, then the follow-up paragraphs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.documents.matching import paragraph_key
from nmrf_desktop.services.drafting.request import DraftError, DraftRequest
from nmrf_desktop.services.reports.data import chunks
from nmrf_desktop.store import search
from nmrf_desktop.store.models import Recommendation


def covers(asked: str, paragraph: str) -> bool:
    """'20' covers 20, 20(a), 20.1; '20(a)' only itself."""
    want, have = paragraph_key(asked), paragraph_key(paragraph)
    return bool(have) and (have == want or have.startswith((f"{want}(", f"{want}.")))


def _paragraphs(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """(paragraph, follow-up flag) of each id."""
    r = Recommendation
    out: dict[str, tuple[str, bool]] = {}
    for chunk in chunks(list(ids), 500):
        for rid, paragraph, flagged in session.execute(
                select(r.id, r.paragraph, r.follow_up).where(r.id.in_(chunk))):
            out[rid] = (paragraph or "", bool(flagged))
    return out


def scope_ids(session: Session, request: DraftRequest) -> list[str]:
    """The ids in scope of a validated request (any order); DraftError when a follow-up
    paragraph is unknown or nothing matches."""
    filters = request.filters
    ids = search.search_ids(session, filters)
    if request.kind is DraftKind.FOLLOW_UP:
        facts = _paragraphs(session, ids)
        if request.paragraphs:
            unknown = [p for p in request.paragraphs
                       if not any(covers(p, para) for para, _f in facts.values())]
            if unknown:
                words = ", ".join(unknown)
                raise DraftError(f"{request.body} has no paragraph {words} among the "
                                 "recommendations in scope", "paragraphs")
            ids = [i for i in ids if any(covers(p, facts[i][0]) for p in request.paragraphs)]
        else:
            ids = [i for i in ids if facts[i][1]]
            if not ids:
                where = f" of {request.body}" if request.body else ""
                raise DraftError(f"no paragraphs{where} in scope are flagged for follow-up; "
                                 "name the paragraphs to report on", "paragraphs")
    if not ids:
        raise DraftError("no recommendations in the record match the filters", "")
    return ids
