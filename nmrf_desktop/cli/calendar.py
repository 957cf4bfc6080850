"""The coordinator commands of `nmrf`: the reporting calendar and the dashboard."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from nmrf_desktop.cli.common import (
    CYCLES,
    MONTHS,
    Subparsers,
    UserError,
    iso_date,
    open_from_args,
    print_json,
    whole,
)
from nmrf_desktop.services import calendar
from nmrf_desktop.services.dashboard import dashboard

KINDS = ("periodic-report", "list-of-issues", "follow-up", "upr-mid-term")


def register(sub: Subparsers) -> None:
    """Add `nmrf calendar` and `nmrf dashboard` to the parser."""
    cal = sub.add_parser("calendar", help="the reporting calendar: UN deadlines per body")
    cs = cal.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = cs.add_parser("add", help="enter a deadline once: body, kind, due date, coverage")
    add.add_argument("--body", required=True, metavar="CODE", help="UPR, CRC, CEDAW, …")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--due", required=True, type=iso_date, metavar="DATE",
                     help="due date, YYYY-MM-DD")
    add.add_argument("--title", default="")
    add.add_argument("--covers", nargs="+", default=[], metavar="REF",
                     help="references of the recommendations it covers")
    add.add_argument("--covers-all", action="store_true",
                     help="it covers every recommendation of the body (and --cycle)")
    add.add_argument("--cycle", type=CYCLES, help="with --covers-all: only this cycle")
    lst = cs.add_parser("list", help="entries by due date, with what each covers")
    lst.add_argument("--within", type=whole(0, MONTHS), metavar="MONTHS",
                     help="only those due from today to MONTHS ahead (3, 6, 12 …)")
    lst.add_argument("--body", metavar="CODE")
    lst.add_argument("--json", action="store_true")
    rm = cs.add_parser("remove", help="delete an entry")
    rm.add_argument("entry_id", metavar="ID")

    d = sub.add_parser("dashboard", help="across agencies: status, stale items, bundles, "
                       "conflicts, deadlines")
    d.add_argument("--months", type=whole(1, MONTHS), help="no update in this many months is stale "
                   "(default: the overview's setting)")
    d.add_argument("--json", action="store_true")


def cmd_calendar(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    try:
        if args.action == "add":
            if args.cycle is not None and not args.covers_all:
                raise UserError("--cycle goes with --covers-all")
            item = calendar.add_entry(record, calendar.CalendarDraft(
                body=args.body, kind=args.kind, due_on=args.due, title=args.title,
                references=tuple(args.covers), covers_all=args.covers_all, cycle=args.cycle))
            sys.stdout.write(f"added {item.id[:8]}: {item.body} {item.kind_label.lower()} due "
                             f"{item.due_on.isoformat()}, covering {item.covered} "
                             "recommendations\n")
            return 0
        if args.action == "remove":
            item = calendar.delete_entry(record, args.entry_id)
            sys.stdout.write(f"removed {item.id[:8]}: {item.body} {item.kind} due "
                             f"{item.due_on.isoformat()}\n")
            return 0
    except calendar.InvalidCalendarEntry as exc:
        raise UserError(str(exc)) from None
    if args.within is not None and args.within < 0:
        raise UserError("--within takes a number of months, 0 or more")
    items = calendar.list_entries(record, within_months=args.within, body=args.body)
    if args.json:
        print_json([i.as_json() for i in items])
        return 0
    for i in items:
        sys.stdout.write(f"{i.due_on.isoformat()}\t{i.body}\t{i.kind}\t{i.id[:8]}\t"
                         f"{i.title}\n\tcovers {i.covered}: {i.scope or 'nothing yet'}\n")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    if args.months is not None and args.months < 1:
        raise UserError("--months takes a number of months, 1 or more")
    data = dashboard(open_from_args(args), months=args.months)
    if args.json:
        print_json(data.as_json())
        return 0
    w = sys.stdout.write
    w(f"{data.total} recommendations; {data.stale} with no update since "
      f"{data.stale_before.isoformat()}\n")
    w(f"bundles held {data.held}, rejected {data.rejected}; open conflicts "
      f"{data.open_conflicts} ({data.hard_conflicts} hard)\n")
    w("due within " + ", ".join(f"{m} months: {n}" for m, n in data.due.items()) + "\n")
    header = "\t".join(s or "none" for s in data.statuses)
    for title, rows in (("agency", data.by_agency), ("body", data.by_body)):
        w(f"\n{title}\ttotal\tstale\t{header}\n")
        for row in rows:
            counts = "\t".join(str(row.count(s)) for s in data.statuses)
            w(f"{row.key or '(unassigned)'}\t{row.total}\t{row.stale}\t{counts}\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "calendar": cmd_calendar, "dashboard": cmd_dashboard,
}
