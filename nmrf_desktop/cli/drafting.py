"""`nmrf draft KIND --out FILE.docx`: a Word draft of the State's report from the record."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from nmrf_desktop.cli.common import (
    Subparsers,
    UserError,
    add_filters,
    filters_from,
    iso_date,
    open_from_args,
)
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.drafting import DraftRequest, draft
from nmrf_desktop.services.reports.request import ReportError

# The options to use, by the field a draft refused: the service's words name no options.
_FLAG_HINTS = {
    "body": "--body BODY",
    "paragraphs": "--paragraphs 12,14 with --body BODY",
    "group_by": "--group-by",
    "since": "--since YYYY-MM-DD",
    "agency": "--assigned-to AGENCY; `nmrf agencies` lists the codes",
}


def _paragraphs(text: str) -> tuple[str, ...]:
    """'12,14, 20(a)' -> ('12', '14', '20(a)'): paragraph numbers, each starting with a digit."""
    found = tuple(p.strip() for p in text.split(",") if p.strip())
    if not found or not all(p[0].isdigit() for p in found):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of paragraph numbers "
                                         "(12,14,20(a))")
    return found


def register(sub: Subparsers) -> None:
    """Add `nmrf draft` to the `nmrf` parser."""
    p = sub.add_parser(
        "draft", help="a Word draft of a report from the record: follow-up, UPR mid-term, "
        "periodic, or a consultation draft holding only what may be published",
        description="Draft a report as an editable Word document from the record: every "
        "recommendation in scope with the actions, dated progress and evidence recorded "
        "on it; a recommendation with no progress is a highlighted gap, never invented "
        "text.")
    p.add_argument("kind", choices=[k.value for k in DraftKind], metavar="KIND",
                   help="follow-up (the paragraphs a treaty body singled out, or "
                   "--paragraphs), upr-mid-term (by theme or overlap cluster), periodic "
                   "(one body, by theme or paragraph; needs --body), consultation (the "
                   "mid-term content limited to what may be published)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.docx")
    p.add_argument("--paragraphs", type=_paragraphs, metavar="12,14",
                   help="follow-up: these paragraphs of --body (default: those flagged for "
                   "follow-up)")
    p.add_argument("--group-by", choices=["theme", "cluster", "paragraph"], default=None,
                   help="upr-mid-term and consultation: theme (default) or cluster (overlap "
                   "clusters a coordinator confirmed); periodic: theme (default) or paragraph")
    p.add_argument("--since", type=iso_date, metavar="DATE",
                   help="only what was done since this date (periodic: the last report)")
    add_filters(p)  # its --body names the one body a follow-up or periodic draft is for


def refusal(exc: ReportError) -> str:
    hint = _FLAG_HINTS.get(exc.field)
    return f"{exc} ({hint})" if hint else str(exc)


def cmd_draft(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    record = open_from_args(args)
    request = DraftRequest(args.kind, filters, body=filters.bodies[0] if len(
        filters.bodies) == 1 else "", paragraphs=args.paragraphs or (),
        group_by=args.group_by or "theme", since=args.since)
    try:
        result = draft(record, request, args.out)
    except ReportError as exc:  # a DraftError, or the file could not be written
        raise UserError(refusal(exc)) from None
    gaps = f"{result.gaps} gap{'s' if result.gaps != 1 else ''}"
    sys.stdout.write(f"wrote a {args.kind} draft of {result.recommendations} "
                     f"recommendations ({gaps}) to {result.path} "
                     f"(record {result.fingerprint[:16]})\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"draft": cmd_draft}
