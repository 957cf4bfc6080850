"""The report commands of `nmrf`: progress PDFs, the progress workbook, the public export."""

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
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportError, ReportRequest, check_output_file
from nmrf_desktop.services.workbook.exporting import export_workbook


def register(sub: Subparsers) -> None:
    """Add `nmrf report pdf|xlsx|public` to the `nmrf` parser."""
    report = sub.add_parser("report", help="PDF progress summaries and the public export")
    rs = report.add_subparsers(dest="action", required=True, metavar="FORMAT")
    pdf = rs.add_parser("pdf", help="a progress-summary PDF for the recommendations matched")
    pdf.add_argument("--out", type=Path, required=True, metavar="FILE")
    pdf.add_argument("--kind", choices=[k.value for k in ReportKind],
                     default="agency",
                     help="agency (default; needs --assigned-to unless this laptop has an "
                     "agency), body, theme, tiriti, annual, thematic-list, clusters "
                     "(overlapping recommendations; run `nmrf overlap` first), indicators (the "
                     "indicators linked to the recommendations matched, or all with no filter, "
                     "with charts)")
    pdf.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                     help="annual report: first day of the period (default: a year ago)")
    pdf.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                     help="annual report: last day of the period (default: today)")
    pdf.add_argument("--landscape", action="store_true", help="A4 landscape (default portrait)")
    add_filters(pdf)
    xlsx = rs.add_parser("xlsx", help="the progress workbook (recommendations, assignments, "
                         "actions, progress, evidence, and the indicators' values and charts); "
                         "edit it and `nmrf import xlsx` it back")
    xlsx.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_filters(xlsx)
    public = rs.add_parser("public", help="the public transparency dataset: XLSX, CSV, PDF")
    public.add_argument("--out", type=Path, required=True, metavar="DIR")
    add_filters(public)


# The options to use, by what a report refused: the service's words name no options.
_FLAG_HINTS = {
    "agency": "--assigned-to AGENCY; `nmrf agencies` lists the codes",
    "period": "--from DATE --to DATE, with --kind annual",
}


def refusal(exc: ReportError) -> str:
    """The service's reason, with the options that mend it where that helps."""
    hint = _FLAG_HINTS.get(exc.field)
    return f"{exc} ({hint})" if hint else str(exc)


def cmd_report(args: argparse.Namespace) -> int:
    try:
        if args.action == "pdf":
            return _pdf(args, open_from_args(args), filters_from(args))
        if args.action == "xlsx":
            return _xlsx(args, open_from_args(args), filters_from(args))
        return _public(args, open_from_args(args), filters_from(args))
    except ReportError as exc:
        raise UserError(refusal(exc)) from None


def _pdf(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]

    request = ReportRequest(args.kind, filters, args.start, args.end, args.landscape)
    result = build_pdf(record, request, args.out)
    what = f"{result.recommendations} recommendations"
    if result.indicators is not None:
        what = f"{result.indicators} indicators (linked to {what})"
    sys.stdout.write(f"wrote {what} to {result.path} (record {result.fingerprint[:16]})\n")
    return 0


def _xlsx(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]

    check_output_file(args.out)
    counts = export_workbook(record, filters, args.out)
    sheets = ", ".join(f"{n} {'indicator values' if name == 'Indicators' else name.lower()}"
                       for name, n in counts.items())
    sys.stdout.write(f"wrote {sheets} to {args.out}\n")
    return 0


def _public(args: argparse.Namespace, record, filters) -> int:  # type: ignore[no-untyped-def]

    result = export_public(record, args.out, filters)
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    sys.stdout.write(f"wrote {', '.join(result.files)} to {result.folder} ({counts})\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}
