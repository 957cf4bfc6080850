"""The record's own commands of `nmrf`: init, import, export, search, assign, stats, check,
agencies."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nmrf_desktop.cli import documents
from nmrf_desktop.cli.common import (
    Subparsers,
    UserError,
    add_filters,
    counting,
    database_target,
    filters_from,
    open_from_args,
    print_json,
)
from nmrf_desktop.domain.entry import InvalidEntry
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.files import check_regular
from nmrf_desktop.importers.base import unusable
from nmrf_desktop.services.assigning import (
    ThemeTableError,
    UnknownAgency,
    assign,
    assign_contributing_by_theme,
    assign_lead_defaults,
)
from nmrf_desktop.services.catalog import (
    agencies,
    check,
    count_recommendations,
    file_problems,
    search_recommendations,
    stats,
)
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import (
    Record,
    database_file,
    parse_target,
    remove_database_file,
    require_allowed,
)
from nmrf_desktop.services.reports.request import ReportError, check_output_file
from nmrf_desktop.services.workbook.exporting import export_template


def register(sub: Subparsers) -> None:
    """Add the record's own commands to the `nmrf` parser."""
    sub.add_parser("init", help="create the database (or upgrade it) and seed agencies")

    imp = sub.add_parser("import", help="import recommendations from a source (creates the "
                         "database when there is none; a failed import leaves none behind)")
    imp_sub = imp.add_subparsers(dest="kind", required=True, metavar="SOURCE")
    for kind, helptext in (("upr-info", "UPR Info database export(s): .xls, .xlsx or CSV"),
                           ("uhri", "OHCHR Universal Human Rights Index 'Export to Excel'"),
                           ("xlsx", "the product's own XLSX template")):
        k = imp_sub.add_parser(kind, help=helptext)
        k.add_argument("files", nargs="+" if kind == "upr-info" else 1, type=Path,
                       metavar="FILE")
        k.add_argument("--skip-bad-rows", action="store_true",
                       help="import the good rows and list the rejected ones")
        k.add_argument("--json", action="store_true", help="print the report as JSON")
        if kind == "upr-info":
            k.add_argument("--encoding", help="force a CSV file's encoding (default: UTF-8, "
                           "else Mac Roman); a workbook names its own")
    documents.add_parser(imp_sub)

    exp = sub.add_parser("export", help="export recommendations")
    exp_sub = exp.add_subparsers(dest="kind", required=True, metavar="FORMAT")
    x = exp_sub.add_parser("xlsx", help="the XLSX template (edit in Excel, import back)")
    x.add_argument("--out", required=True, type=Path)
    add_filters(x)

    s = sub.add_parser("search", help="full-text search with filters")
    s.add_argument("text", nargs="*", help="words, or \"a phrase\" in double quotes")
    s.add_argument("--limit", type=counting(0), default=50, metavar="N",
                   help="at most N results (default 50; 0 = all); when there are more, "
                   "stderr says how many")
    s.add_argument("--json", action="store_true")
    add_filters(s)

    a = sub.add_parser("assign", help="assign recommendations to an agency")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--agency", help="agency code, e.g. MOJ")
    who.add_argument("--lead-defaults", action="store_true",
                     help="the lead agency of each body (Cabinet paper, Annex II)")
    who.add_argument("--by-theme", action="store_true",
                     help="contributing agencies by theme, affected group and Te Tiriti "
                     "(resources/assigning/theme_agencies.toml); existing ones are kept")
    a.add_argument("--role", choices=[r.value for r in AssignmentRole], default="lead")
    add_filters(a)

    st = sub.add_parser("stats", help="counts of everything in the record")
    st.add_argument("--json", action="store_true")

    sub.add_parser("check", help="integrity, foreign keys, search index, audit chain")
    sub.add_parser("agencies", help="list the agencies and their codes")


def cmd_init(args: argparse.Namespace) -> int:
    record = open_from_args(args, create=True)
    sys.stdout.write(f"database ready: {record.location}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.kind == "document":
        return documents.cmd_import_document(args, lambda: _import_record(args))
    for path in args.files:  # before the database is opened, let alone made
        try:  # a folder, a FIFO, a device: refused at once, in the importers' words
            check_regular(path)
        except OSError as exc:
            raise unusable(path, exc) from None
    with _undone_if_new(database_target(args)):
        record = open_from_args(args, create=True)
        try:
            report = import_files(record, args.kind, list(args.files),
                                  skip_bad_rows=args.skip_bad_rows,
                                  encoding=getattr(args, "encoding", None))
        except BaseException:
            record.close()  # before a database made for this import is removed
            raise
    if args.json:
        print_json(report.as_dict())
        return 0
    sys.stdout.write(f"created {report.created}, updated {report.updated}, "
                     f"unchanged {report.unchanged}, rejected {len(report.rejected)}, "
                     f"repeats merged {len(report.repeats)}\n")
    for file, layout in report.layouts.items():
        sys.stdout.write(f"  layout: {file}: {layout}\n")
    for kind_of_row, count in report.skipped.items():
        sys.stdout.write(f"  skipped, not recommendations: {count} {kind_of_row}\n")
    added = getattr(report, "progress_added", 0)  # a workbook's report only
    if added:
        sys.stdout.write(f"progress updates added {added}\n")
    for line in report.repeats:
        sys.stdout.write(f"  repeat: {line}\n")
    for problem in report.rejected:
        sys.stdout.write(f"  rejected: {problem}\n")
    return 0


@contextmanager
def _import_record(args: argparse.Namespace) -> Iterator[Record]:
    """The record to import into, made if needed; made for nothing if the import fails."""
    with _undone_if_new(database_target(args)):
        record = open_from_args(args, create=True)
        try:
            yield record
        except BaseException:
            record.close()  # before a database made for this import is removed
            raise


@contextmanager
def _undone_if_new(target: str) -> Iterator[None]:
    """A database file that the block makes (or fills, when it was empty) and then fails in
    is put back as it was, with no folder made for it: a failed first import leaves nothing
    behind."""
    path = database_file(parse_target(target))
    if path is None or (path.is_file() and path.stat().st_size > 0):
        yield
        return
    empty = path.stat() if path.is_file() else None
    made = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    try:
        yield
    except BaseException:
        remove_database_file(path)
        if empty is not None:  # as it was: empty, its mode and times
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, empty.st_mode & 0o777))
            os.utime(path, ns=(empty.st_atime_ns, empty.st_mtime_ns))
        for folder in made:  # innermost first; only while nothing else was put there
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def cmd_export(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    try:
        check_output_file(args.out)  # a folder, or no such folder: said before any work
    except ReportError as exc:
        raise UserError(str(exc)) from None
    n = export_template(record, filters_from(args), args.out)
    sys.stdout.write(f"wrote {n} recommendations to {args.out}\n")
    return 0


def cmd_search(args: argparse.Namespace) -> int:

    record = open_from_args(args)
    filters = filters_from(args, " ".join(args.text))
    rows = search_recommendations(record, filters, limit=args.limit or None)
    if args.json:
        print_json([r.as_json() for r in rows])
    else:
        for row in rows:
            excerpt = row.text if len(row.text) <= 100 else row.text[:99] + "…"
            sys.stdout.write(f"{row.reference}\t{row.body}\t{row.position or ''}\t{excerpt}\n")
    if args.limit and len(rows) == args.limit:  # perhaps cut short: count them all
        total = count_recommendations(record, filters)
        if total > len(rows):  # on stderr: stdout holds only results, for pipes
            sys.stdout.flush()
            sys.stderr.write(f"nmrf: showing {len(rows)} of {total}; --limit N for more "
                             "(0 = all)\n")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    if args.by_theme:
        found = assign_contributing_by_theme(record)
        sys.stdout.write(f"matched {found['matched']}, assigned {found['created']}, "
                         f"kept {found['kept']}\n")
        return 0
    if args.lead_defaults:
        result = assign_lead_defaults(record)
    else:
        try:
            result = assign(record, args.agency, AssignmentRole(args.role), filters_from(args))
        except UnknownAgency as exc:
            raise UserError(f"{exc}; see `nmrf agencies`") from None
    sys.stdout.write(f"matched {result['matched']}, assigned {result['created']}, "
                     f"changed {result['changed']}\n")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:

    result = stats(open_from_args(args))
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:

    # A damaged file is reported as found, before opening it would migrate (write to) it;
    # the policy first, so nothing outside its folder is read. The same target as open_from_args'.
    target = database_target(args)
    require_allowed(target)
    path = database_file(parse_target(target))
    try:
        if path is not None and path.is_file():
            path.open("rb").close()  # a file it cannot read is no damaged database
    except OSError as exc:
        raise UserError(f"cannot open the database {path}: "
                        f"{(exc.strerror or str(exc)).lower()}") from None
    problems = file_problems(target) or check(open_from_args(args))
    if problems:
        sys.stderr.write(f"nmrf: check failed: {problems[0]}\n")
        for problem in problems[1:]:
            sys.stderr.write(f"  {problem}\n")
        return 1
    sys.stdout.write("ok\n")
    return 0


def cmd_agencies(args: argparse.Namespace) -> int:

    for code, en, mi in agencies(open_from_args(args)):
        sys.stdout.write(f"{code}\t{en}\t{mi}\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (UnknownAgency, InvalidEntry, ThemeTableError,
                                         *documents.REFUSALS)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "import": cmd_import, "export": cmd_export, "search": cmd_search,
    "assign": cmd_assign, "stats": cmd_stats, "check": cmd_check, "agencies": cmd_agencies,
}
