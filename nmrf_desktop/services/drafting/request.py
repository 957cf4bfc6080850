"""What a drafted report is asked for and what it gives: the request, its checks, the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.domain.upr import body_code
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.reports.request import ReportError, check_output_file
from nmrf_desktop.store.models import Agency, Recommendation

UPR = "UPR"
# How each kind may be grouped; the first is the default.
GROUPINGS: dict[DraftKind, tuple[str, ...]] = {
    DraftKind.FOLLOW_UP: ("paragraph",),
    DraftKind.UPR_MID_TERM: ("theme", "cluster"),
    DraftKind.PERIODIC: ("theme", "paragraph"),
    DraftKind.CONSULTATION: ("theme", "cluster"),
}


class DraftError(ReportError):
    """A draft cannot be made as asked: nothing was written. `field` names what was wrong:
    "kind", "body", "paragraphs", "group_by", "since", "out", "agency" (or "" when nothing
    in the record matches)."""


@dataclass(frozen=True, slots=True)
class DraftRequest:
    kind: DraftKind | str
    filters: Filters = field(default_factory=Filters)
    body: str = ""  # follow-up/periodic: the treaty body ("CEDAW"); periodic needs it
    paragraphs: tuple[str, ...] = ()  # follow-up: these paragraphs, else the follow-up flags
    group_by: str = "theme"  # upr-mid-term/consultation: theme | cluster; periodic: theme |
    # paragraph; follow-up goes paragraph by paragraph
    since: dt.date | None = None  # only what was done since (periodic: the last report)


@dataclass(frozen=True, slots=True)
class DraftResult:
    path: Path
    recommendations: int
    gaps: int
    fingerprint: str


def _kind(value: DraftKind | str) -> DraftKind:
    try:
        return DraftKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in DraftKind)
        raise DraftError(f"unknown draft kind {value!r} (choose from {choices})",
                         "kind") from None


def _since(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DraftError(f"{value!r} is not a date (YYYY-MM-DD)", "since") from None
    if not isinstance(value, dt.date):
        raise DraftError(f"{value!r} is not a date (YYYY-MM-DD)", "since")
    if value > dt.date.today():
        raise DraftError(f"the date {value.isoformat()} is in the future", "since")
    return value


def _group_by(kind: DraftKind, value: str) -> str:
    allowed = GROUPINGS[kind]
    chosen = (value or "").strip().casefold()
    if kind is DraftKind.FOLLOW_UP and chosen in ("", "theme", "paragraph"):
        return "paragraph"  # the default "theme" means nothing here: paragraph by paragraph
    if chosen not in allowed:
        raise DraftError(f"a {kind.value} draft is grouped by {' or '.join(allowed)}, "
                         f"not {value!r}", "group_by")
    return chosen


def _body(kind: DraftKind, request: DraftRequest, filters: Filters) -> str:
    """The one body the draft is about ('' when none applies), from `body` or the filters."""
    named = [body_code(b) for b in (request.body, *filters.bodies) if b and b.strip()]
    bodies = list(dict.fromkeys(named))
    if len(bodies) > 1:
        raise DraftError(f"a draft is about one body, not {', '.join(bodies)}", "body")
    body = bodies[0] if bodies else ""
    if kind is DraftKind.PERIODIC and not body:
        raise DraftError("a periodic-report section needs the body it is for, such as "
                         "CEDAW or CERD", "body")
    if kind is DraftKind.UPR_MID_TERM and body not in ("", UPR):
        raise DraftError(f"the mid-term report is on UPR recommendations, not {body}", "body")
    if kind is DraftKind.FOLLOW_UP and body == UPR:
        raise DraftError("follow-up reports answer a treaty body's concluding "
                         "observations; the UPR has no follow-up paragraphs", "body")
    if kind in (DraftKind.UPR_MID_TERM, DraftKind.CONSULTATION) and not body:
        body = UPR
    return body


def _paragraphs(kind: DraftKind, values: tuple[str, ...], body: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(p.strip() for v in values for p in v.split(",")
                                  if p.strip()))
    if not cleaned:
        return ()
    if kind is not DraftKind.FOLLOW_UP:
        raise DraftError("paragraphs are chosen only for a follow-up report", "paragraphs")
    if not body:
        raise DraftError("paragraph numbers belong to one body: name the body", "body")
    return cleaned


def checked(request: DraftRequest) -> DraftRequest:
    """The request with defaults filled in, from its own words (the record is not read);
    DraftError naming the field when it cannot be honoured."""
    kind = _kind(request.kind)
    group_by = _group_by(kind, request.group_by)
    since = _since(request.since)
    filters = replace(request.filters)
    body = _body(kind, request, filters)
    paragraphs = _paragraphs(kind, request.paragraphs, body)
    if body:
        filters.bodies = (body,)
    return DraftRequest(kind, filters, body, paragraphs, group_by, since)


def check_in(session: Session, request: DraftRequest) -> None:
    """The agency and the body a checked request names must be in the record."""
    filters = request.filters
    if filters.agency and session.get(Agency, filters.agency) is None:
        raise DraftError(f"unknown agency {filters.agency!r}", "agency")
    if request.body and session.execute(select(Recommendation.id).where(
            Recommendation.body == request.body).limit(1)).first() is None:
        raise DraftError(f"the record holds no recommendations of {request.body}", "body")


def check_out(out: Path) -> None:
    """A .docx file in a folder that exists and is writable; else DraftError("out")."""
    if out.suffix.casefold() != ".docx":
        raise DraftError(f"cannot write {out}: a draft is a Word document; name a .docx "
                         "file", "out")
    try:
        check_output_file(out)
    except ReportError as exc:
        raise DraftError(str(exc), "out") from None
