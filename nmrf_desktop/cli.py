"""The `nmrf` command: every non-GUI job, scriptable, with stable names and JSON keys."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import (
    __version__,
    cli_calendar,
    cli_exchange,
    cli_maintenance,
    cli_migrate,
    cli_overlap,
    cli_reports,
)
from .domain.enums import AssignmentRole, ImplementationStatus, Mechanism, Position
from .domain.records import Filters
from .importers.base import ImportFailed
from .paths import default_database

log = logging.getLogger("nmrf")


class UserError(Exception):
    """A mistake the user can fix: reported as one line on stderr, exit code 1."""


def _add_filters(p: argparse.ArgumentParser) -> None:
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


def _filters(args: argparse.Namespace, text: str = "") -> Filters:
    return Filters(
        text=text, mechanism=args.mechanism, bodies=tuple(args.body), cycles=tuple(args.cycle),
        sessions=tuple(args.session), country=args.country, states=tuple(args.state),
        positions=tuple(args.position), themes=tuple(args.theme), groups=tuple(args.group),
        sdgs=tuple(args.sdg), agency=args.assigned_to, role=args.assigned_role,
        te_tiriti=args.te_tiriti, statuses=tuple(args.status),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmrf", description="Follow up UN human-rights recommendations (NMRF Desktop).")
    parser.add_argument("--db", help="database file or URL (default: $NMRF_DB, else "
                        f"{default_database()})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--version", action="version", version=f"nmrf {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create the database (or upgrade it) and seed agencies")

    imp = sub.add_parser("import", help="import recommendations from a source")
    imp_sub = imp.add_subparsers(dest="kind", required=True, metavar="SOURCE")
    for kind, helptext in (("upr-info", "UPR Info database CSV export(s)"),
                           ("uhri", "OHCHR Universal Human Rights Index 'Export to Excel'"),
                           ("xlsx", "the product's own XLSX template")):
        k = imp_sub.add_parser(kind, help=helptext)
        k.add_argument("files", nargs="+" if kind == "upr-info" else 1, type=Path,
                       metavar="FILE")
        k.add_argument("--skip-bad-rows", action="store_true",
                       help="import the good rows and list the rejected ones")
        k.add_argument("--json", action="store_true", help="print the report as JSON")
        if kind == "upr-info":
            k.add_argument("--encoding", help="force the file encoding (default: UTF-8, "
                           "else Mac Roman)")

    exp = sub.add_parser("export", help="export recommendations")
    exp_sub = exp.add_subparsers(dest="kind", required=True, metavar="FORMAT")
    x = exp_sub.add_parser("xlsx", help="the XLSX template (edit in Excel, import back)")
    x.add_argument("--out", required=True, type=Path)
    _add_filters(x)

    s = sub.add_parser("search", help="full-text search with filters")
    s.add_argument("text", nargs="*", help="words, or \"a phrase\" in double quotes")
    s.add_argument("--limit", type=int, default=50, help="at most N results (0 = all)")
    s.add_argument("--json", action="store_true")
    _add_filters(s)

    a = sub.add_parser("assign", help="assign recommendations to an agency")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--agency", help="agency code, e.g. MOJ")
    who.add_argument("--lead-defaults", action="store_true",
                     help="the lead agency of each body (Cabinet paper, Annex II)")
    a.add_argument("--role", choices=[r.value for r in AssignmentRole], default="lead")
    _add_filters(a)

    st = sub.add_parser("stats", help="counts of everything in the record")
    st.add_argument("--json", action="store_true")

    sub.add_parser("check", help="integrity, foreign keys, search index, audit chain")
    sub.add_parser("agencies", help="list the agencies and their codes")
    cli_exchange.register(sub)
    cli_overlap.register(sub)
    cli_reports.register(sub)
    cli_maintenance.register(sub)
    cli_calendar.register(sub)
    cli_migrate.register(sub)
    return parser


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The record every command works on: --db, else $NMRF_DB, else the default database.

    The one place commands open it; `open_record` applies the organisation's policy (a
    database outside its data folder is refused, nothing created: exit 1).
    """
    from .services.record import RecordUnavailable, open_record

    target = args.db or os.environ.get("NMRF_DB") or str(default_database())
    try:
        record = open_record(target)
    except RecordUnavailable as exc:
        raise UserError(str(exc)) from None
    args.opened.append(record)  # closed by main() when the command is done
    return record


open_from_args = _open


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def cmd_init(args: argparse.Namespace) -> int:
    record = _open(args)
    sys.stdout.write(f"database ready: {record.location}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .services.importing import import_files

    record = _open(args)
    report = import_files(record, args.kind, list(args.files),
                          skip_bad_rows=args.skip_bad_rows,
                          encoding=getattr(args, "encoding", None))
    if args.json:
        _print_json(report.as_dict())
        return 0
    sys.stdout.write(f"created {report.created}, updated {report.updated}, "
                     f"unchanged {report.unchanged}, rejected {len(report.rejected)}, "
                     f"repeats merged {len(report.repeats)}\n")
    if getattr(report, "progress_added", 0):
        sys.stdout.write(f"progress updates added {report.progress_added}\n")
    for line in report.repeats:
        sys.stdout.write(f"  repeat: {line}\n")
    for problem in report.rejected:
        sys.stdout.write(f"  rejected: {problem}\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .services.exporting import export_template

    record = _open(args)
    n = export_template(record, _filters(args), args.out)
    sys.stdout.write(f"wrote {n} recommendations to {args.out}\n")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from .services.catalog import search_recommendations

    record = _open(args)
    rows = search_recommendations(record, _filters(args, " ".join(args.text)),
                                  limit=args.limit or None)
    if args.json:
        _print_json([r.as_json() for r in rows])
        return 0
    for row in rows:
        excerpt = row.text if len(row.text) <= 100 else row.text[:99] + "…"
        sys.stdout.write(f"{row.reference}\t{row.body}\t{row.position or ''}\t{excerpt}\n")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from .services.assigning import UnknownAgency, assign, assign_lead_defaults

    record = _open(args)
    if args.lead_defaults:
        result = assign_lead_defaults(record)
    else:
        try:
            result = assign(record, args.agency, AssignmentRole(args.role), _filters(args))
        except UnknownAgency as exc:
            raise UserError(f"{exc}; see `nmrf agencies`") from None
    sys.stdout.write(f"matched {result['matched']}, assigned {result['created']}, "
                     f"changed {result['changed']}\n")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .services.catalog import stats

    result = stats(_open(args))
    if args.json:
        _print_json(result)
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .services.catalog import check, file_problems
    from .services.record import require_allowed

    # A damaged file is reported as found, before opening it would migrate (write to) it;
    # the policy first, so nothing outside its folder is read. The same target as _open's.
    target = args.db or os.environ.get("NMRF_DB") or str(default_database())
    require_allowed(target)
    problems = file_problems(target) or check(_open(args))
    if problems:
        sys.stderr.write(f"nmrf: check failed: {problems[0]}\n")
        for problem in problems[1:]:
            sys.stderr.write(f"  {problem}\n")
        return 1
    sys.stdout.write("ok\n")
    return 0


def cmd_agencies(args: argparse.Namespace) -> int:
    from .services.catalog import agencies

    for code, en, mi in agencies(_open(args)):
        sys.stdout.write(f"{code}\t{en}\t{mi}\n")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "import": cmd_import, "export": cmd_export, "search": cmd_search,
    "assign": cmd_assign, "stats": cmd_stats, "check": cmd_check, "agencies": cmd_agencies,
    **cli_exchange.COMMANDS,
    **cli_overlap.COMMANDS,
    **cli_reports.COMMANDS,
    **cli_maintenance.COMMANDS,
    **cli_calendar.COMMANDS,
    **cli_migrate.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args.opened = []
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows up here, not after main() returned
        return status
    except BrokenPipeError:
        # The reader went away (`nmrf search … | head`): stop quietly, as `cat` would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ImportFailed as exc:
        sys.stderr.write(f"nmrf: import failed, nothing was changed: {exc}\n")
        for problem in exc.problems[1:]:
            sys.stderr.write(f"  {problem}\n")
        return 1
    except (UserError, FileNotFoundError, PermissionError) as exc:
        sys.stderr.write(f"nmrf: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("nmrf: interrupted, nothing was changed\n")
        return 130
    except Exception as exc:
        from .services.record import RecordUnavailable  # e.g. migrate-to's target refused

        if not isinstance(exc, (*cli_exchange.refusals(), RecordUnavailable)):
            raise
        sys.stderr.write(f"nmrf: {exc}\n")
        return 1
    finally:
        for record in args.opened:
            record.close()


if __name__ == "__main__":
    sys.exit(main())
