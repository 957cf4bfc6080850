"""What every `nmrf` command family shares: the user-error type, filter options, dates, JSON
output, and opening the record named by --db."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from nmrf_desktop.domain.enums import AssignmentRole, ImplementationStatus, Mechanism, Position
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.policy import default_database
from nmrf_desktop.services.record import Record, RecordUnavailable, open_record

# What `register` receives: argparse keeps the class of add_subparsers' result private
# (and generic only in the type stubs).
if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction


class UserError(Exception):
    """A mistake the user can fix: reported as one line on stderr, exit code 1."""


def add_filters(p: argparse.ArgumentParser) -> None:
    """The filter options of every command that works on a set of recommendations."""
    g = p.add_argument_group("filters (repeat an option to allow several values)")
    g.add_argument("--mechanism", choices=[m.value for m in Mechanism])
    g.add_argument("--body", action="append", default=[], help="UPR, CRC, CEDAW, …")
    g.add_argument("--cycle", action="append", type=int, default=[])
    g.add_argument("--session", action="append", type=int, default=[], help="UPR session")
    g.add_argument("--country", help="state under review, e.g. 'New Zealand'")
    g.add_argument("--state", action="append", default=[], help="recommending state")
    g.add_argument("--position", action="append", default=[],
                   choices=[p.value for p in Position])
    g.add_argument("--theme", action="append", default=[])
    g.add_argument("--group", action="append", default=[], help="affected group")
    g.add_argument("--sdg", action="append", default=[])
    g.add_argument("--assigned-to", metavar="AGENCY", help="assigned to this agency")
    g.add_argument("--assigned-role", choices=[r.value for r in AssignmentRole])
    g.add_argument("--status", action="append", default=[],
                   choices=[s.value for s in ImplementationStatus] + ["none"])
    tiriti = g.add_mutually_exclusive_group()
    tiriti.add_argument("--te-tiriti", dest="te_tiriti", action="store_true", default=None)
    tiriti.add_argument("--not-te-tiriti", dest="te_tiriti", action="store_false")


def filters_from(args: argparse.Namespace, text: str = "") -> Filters:
    """The Filters that add_filters' options (and a search text) describe."""
    return Filters(
        text=text, mechanism=args.mechanism, bodies=tuple(args.body), cycles=tuple(args.cycle),
        sessions=tuple(args.session), country=args.country, states=tuple(args.state),
        positions=tuple(args.position), themes=tuple(args.theme), groups=tuple(args.group),
        sdgs=tuple(args.sdg), agency=args.assigned_to, role=args.assigned_role,
        te_tiriti=args.te_tiriti, statuses=tuple(args.status),
    )


def iso_date(text: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates, with a clear message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def database_target(args: argparse.Namespace) -> str:
    """The record every command works on: --db, else $NMRF_DB, else the default database."""
    return str(args.db or os.environ.get("NMRF_DB") or default_database())


def open_from_args(args: argparse.Namespace) -> Record:
    """Open the record named by database_target; closed by main() when the command is done.

    The one place commands open it; `open_record` applies the organisation's policy (a
    database outside its data folder is refused, nothing created: exit 1).
    """
    try:
        record = open_record(database_target(args))
    except RecordUnavailable as exc:
        raise UserError(str(exc)) from None
    args.opened.append(record)
    return record


def print_json(value: Any) -> None:
    """Pretty JSON on stdout, non-ASCII kept (te reo Māori stays readable)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")
