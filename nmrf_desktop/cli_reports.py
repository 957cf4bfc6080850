"""The report commands of `nmrf`: progress PDFs, the progress workbook, the public export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .cli_exchange import iso_date
from .reports.model import ReportKind


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `nmrf report pdf|xlsx|public` to the `nmrf` parser."""
    from .cli import _add_filters

    report = sub.add_parser("report", help="PDF progress summaries and the public export")
    rs = report.add_subparsers(dest="action", required=True, metavar="FORMAT")
    pdf = rs.add_parser("pdf", help="a progress-summary PDF for the recommendations matched")
    pdf.add_argument("--out", type=Path, required=True, metavar="FILE")
    pdf.add_argument("--kind", choices=[k.value for k in ReportKind] + ["clusters"],
                     default="agency",
                     help="agency (default; needs --assigned-to unless this laptop has an "
                     "agency), body, theme, tiriti, annual, thematic-list, clusters "
                     "(overlapping recommendations; run `nmrf overlap` first)")
    pdf.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                     help="annual report: first day of the period (default: a year ago)")
    pdf.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                     help="annual report: last day of the period (default: today)")
    pdf.add_argument("--landscape", action="store_true", help="A4 landscape (default portrait)")
    _add_filters(pdf)
    xlsx = rs.add_parser("xlsx", help="the progress workbook (recommendations, assignments, "
                         "actions, progress, evidence); edit it and `nmrf import xlsx` it back")
    xlsx.add_argument("--out", type=Path, required=True, metavar="FILE")
    _add_filters(xlsx)
    public = rs.add_parser("public", help="the public transparency dataset: XLSX, CSV, PDF")
    public.add_argument("--out", type=Path, required=True, metavar="DIR")
    _add_filters(public)


def cmd_report(args: argparse.Namespace) -> int:
    from .cli import UserError, _filters, open_from_args
    from .services.reporting import ReportError

    try:
        if args.action == "pdf":
            return _pdf(args, open_from_args(args), _filters(args))
        if args.action == "xlsx":
            return _xlsx(args, open_from_args(args), _filters(args))
        return _public(args, open_from_args(args), _filters(args))
    except ReportError as exc:
        raise UserError(str(exc)) from None


def _pdf(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]
    from .services.reporting import ReportRequest, build_pdf

    request = ReportRequest(args.kind, filters, args.start, args.end, args.landscape)
    result = build_pdf(record, request, args.out)
    sys.stdout.write(f"wrote {result.recommendations} recommendations to {result.path} "
                     f"(record {result.fingerprint[:16]})\n")
    return 0


def _xlsx(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]
    from .services.exporting import export_workbook
    from .services.reporting import check_output_file

    check_output_file(args.out)
    counts = export_workbook(record, filters, args.out)
    sheets = ", ".join(f"{n} {name.lower()}" for name, n in counts.items())
    sys.stdout.write(f"wrote {sheets} to {args.out}\n")
    return 0


def _public(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]
    from .services.public_export import export_public

    result = export_public(record, args.out, filters)
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    sys.stdout.write(f"wrote {', '.join(result.files)} to {result.folder} ({counts})\n")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}
