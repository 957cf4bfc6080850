"""What every `nmrf` command family shares: the user-error type, filter options, dates, JSON
output, and opening the record named by --db."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nmrf_desktop.domain.enums import AssignmentRole, ImplementationStatus, Mechanism, Position
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import last_database
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.record import (
    Record,
    RecordMissing,
    RecordUnavailable,
    open_record,
    parse_target,
    shown,
)

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
    g.add_argument("--cycle", action="append", type=CYCLES, default=[], help="UPR cycle (1-99)")
    g.add_argument("--session", action="append", type=SESSIONS, default=[],
                   help="UPR session (1-999)")
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
    g.add_argument("--follow-up", action="store_const", const=True, default=None,
                   help="only those a treaty body asked to be followed up")
    g.add_argument("--important", action="store_const", const=True, default=None,
                   help="only those a treaty body named of particular importance")


def filters_from(args: argparse.Namespace, text: str = "") -> Filters:
    """The Filters that add_filters' options (and a search text) describe."""
    return Filters(
        text=text, mechanism=args.mechanism, bodies=tuple(args.body), cycles=tuple(args.cycle),
        sessions=tuple(args.session), country=args.country, states=tuple(args.state),
        positions=tuple(args.position), themes=tuple(args.theme), groups=tuple(args.group),
        sdgs=tuple(args.sdg), agency=args.assigned_to, role=args.assigned_role,
        te_tiriti=args.te_tiriti, statuses=tuple(args.status),
        follow_up=args.follow_up, important=args.important,
    )


def iso_date(text: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates, with a clear message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


# The largest number any option takes: SQLite and PostgreSQL both hold it in an INTEGER.
MAX_WHOLE = 2**31 - 1
_WHOLE = re.compile(r"[+-]?[0-9]+")


def whole(low: int, high: int = MAX_WHOLE) -> Callable[[str], int]:
    """The one argparse type of every numeric option: a plain whole number (ASCII digits,
    no '1e3', no '1_000') from `low` to `high`, else a message naming the value and the
    range (argparse puts the option before it: "argument --limit: … is out of range")."""
    def number(text: str) -> int:
        shown = text if len(text) <= 40 else f"{text[:37]}…"
        if not _WHOLE.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number")
        digits = text.strip().lstrip("+-").lstrip("0")
        value = int(text) if len(digits) <= 19 else None  # no 4,300-digit int() either
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown} is out of range ({low}–{high})")
        return value
    number.__name__ = "whole number"  # what argparse calls the type in its messages
    return number


def counting(least: int, most: int = MAX_WHOLE) -> Callable[[str], int]:
    """A whole number of at least `least` (and at most `most`): see `whole`."""
    return whole(least, most)


# The ranges of the numbers the commands share.
CYCLES = whole(1, 99)  # UPR cycles (the fifth began in 2027)
SESSIONS = whole(1, 999)  # UPR Working Group sessions, three a year
MONTHS = 1200  # a hundred years: any span of months a command takes
DAYS = 36_500  # a hundred years: any validity in days


def default_in_force() -> str:
    """The database a command without --db works on now, and why (for `nmrf --help`)."""
    if os.environ.get("NMRF_DB"):
        return f"{shown(os.environ['NMRF_DB'])} ($NMRF_DB)"
    chosen = last_database.default_database()
    return f"{shown(chosen.target)} ({chosen.reason})"


def database_target(args: argparse.Namespace) -> str:
    """The record every command works on: --db, else --demo's (the demo database, built if
    needed), else $NMRF_DB, else the database the desktop app opened last on this account
    (while it is there), else the default database. An address that cannot be one is
    refused here (UserError naming it), so no command goes on with it."""
    target = getattr(args, "_database_target", None)
    if target is None:
        if args.db:
            target = args.db
        elif getattr(args, "demo", False):
            target = str(ensure_demo_database())
        else:
            target = os.environ.get("NMRF_DB") or last_database.default_database().target
        try:
            parse_target(target)
        except RecordUnavailable as exc:
            raise UserError(str(exc)) from None
        args._database_target = target  # (no option of any command has this dest)
    return str(target)


def missing_record(where: str) -> UserError:
    """The one line for a command that needs a record where there is none."""
    return UserError(f"no record at {where}; create one with `nmrf init`")


def open_from_args(args: argparse.Namespace, *, create: bool = False) -> Record:
    """Open the record named by database_target; closed by main() when the command is done.

    The one place commands open it. Only `init` and `import` pass `create=True`; every other
    command needs a record that exists, and on a missing one says so and makes nothing (no
    file, folder or WAL file). `open_record` applies the organisation's policy (a database
    outside its data folder is refused, nothing created: exit 1).
    """
    try:
        record = open_record(database_target(args), create=create)
    except RecordMissing as exc:
        raise missing_record(exc.where) from None
    except RecordUnavailable as exc:
        raise UserError(str(exc)) from None
    args.opened.append(record)
    return record


def os_error_line(exc: OSError) -> str:
    """One line for an OSError of a command (a file it names, its output): 'disk full' for
    no space left, else the file and the system's reason."""
    if exc.errno == errno.ENOSPC:
        where = f" writing {exc.filename}" if exc.filename else ""
        return f"disk full{where}: no space left on the device; make room and try again"
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def print_json(value: Any) -> None:
    """Pretty JSON on stdout, non-ASCII kept (te reo Māori stays readable)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")
