"""`nmrf import document`: read a UN document, preview what it holds, apply it with --apply.

Part of the `import` command (its wing is `records`); kept here so that records.py stays
the record's own commands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nmrf_desktop.cli.common import database_target, open_from_args, print_json
from nmrf_desktop.files import check_regular
from nmrf_desktop.importers.base import unusable
from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.services.documents.apply import ApplyResult, apply
from nmrf_desktop.services.documents.plan import DocumentPlan, DocumentRefused, plan
from nmrf_desktop.services.documents.preview import read
from nmrf_desktop.services.record import Record, database_file, parse_target

# What `nmrf import document` refuses with one line naming the file (exit 1).
REFUSALS: tuple[type[Exception], ...] = (NotADocument, DocumentRefused)


def add_parser(imp_sub: Any) -> None:
    """`document` under `nmrf import`."""
    d = imp_sub.add_parser(
        "document", help="a UN document: UPR matrix, Working Group report or its addendum, "
        "treaty-body concluding observations (DOCX or PDF); a preview unless --apply")
    d.add_argument("files", nargs=1, type=Path, metavar="FILE")
    d.add_argument("--symbol", help="the document symbol when the file does not show it "
                   "(e.g. A/HRC/41/4, CERD/C/NZL/CO/21-22)")
    d.add_argument("--body", help="the body that issued it when the file does not say "
                   "(UPR, CERD, CRC, …)")
    d.add_argument("--apply", action="store_true",
                   help="write the recommendations (without it, nothing is written)")
    d.add_argument("--json", action="store_true",
                   help="print the document, its recommendations and what apply does")


def _held_record(args: argparse.Namespace) -> Record | None:
    """The record to compare with, when there is one; a preview never makes one."""
    path = database_file(parse_target(database_target(args)))
    if path is not None and not path.exists():
        return None  # nothing to compare with: everything read would be new
    return open_from_args(args)


def cmd_import_document(args: argparse.Namespace, open_for_apply: Any) -> int:
    """Preview (or, --apply, write) one document. `open_for_apply` opens or makes the
    record and undoes a database made for a failed apply (records' own helper)."""
    path: Path = args.files[0]
    try:
        check_regular(path)
    except OSError as exc:
        raise unusable(path, exc) from None
    if not args.apply:
        record = _held_record(args)  # a bad --db is said first, as every command says it
        preview = read(path, args.symbol, args.body)
        planned = plan(record, preview) if record else DocumentPlan.all_new(preview)
        if args.json:
            print_json(planned.as_json())
        else:
            _print_plan(planned)
        return 0
    with open_for_apply() as record:
        preview = read(path, args.symbol, args.body)
        planned = plan(record, preview)
        result = apply(record, preview)
    if args.json:
        print_json(planned.as_json() | {"result": result.as_json()})
        return 0
    _print_result(result)
    return 0


def _print_plan(planned: DocumentPlan) -> None:
    p = planned.preview
    d = p.document
    facts = [d.kind.value, d.symbol or "(no symbol)", d.body or "(no body)",
             d.country or "(no State named)"]
    if d.upr_session:
        facts.append(f"session {d.upr_session}")
    if d.date:
        facts.append(d.date.isoformat())
    out = sys.stdout
    out.write(f"{Path(p.file).name}: {', '.join(facts)}; "
              f"{len(p.recommendations)} recommendation(s)\n")
    for rec, what in zip(p.recommendations, planned.planned, strict=True):
        text = rec.text if len(rec.text) <= 80 else rec.text[:79] + "…"
        position = rec.position.value if rec.position else ""
        out.write(f"{rec.paragraph}\t{position}\t{what.describe()}\t{text}\n")
    if p.follow_up_paragraphs or p.follow_up_due:
        due = p.follow_up_due.isoformat() if p.follow_up_due else "no date"
        out.write(f"follow-up: paragraphs {', '.join(p.follow_up_paragraphs)}, due {due}\n")
    if p.important_paragraphs:
        out.write(f"of particular importance: {', '.join(p.important_paragraphs)}\n")
    if p.next_report_due:
        out.write(f"next report due: {p.next_report_due.isoformat()}\n")
    counts = planned.counts()
    out.write(f"apply would create {counts['new']}, fill in {counts['fills']}, leave "
              f"{counts['unchanged']} unchanged; nothing was written (--apply writes)\n")
    _warn(p.warnings)


def _print_result(result: ApplyResult) -> None:
    sys.stdout.write(result.summary() + "\n")
    for ref, what in result.filled.items():
        sys.stdout.write(f"  filled in {', '.join(what)} on {ref}\n")
    for line in result.calendar:
        sys.stdout.write(f"  calendar: {line}\n")
    for paragraph in result.not_found:
        sys.stdout.write(f"  not in the record, nothing to fill in: {paragraph}\n")
    _warn(result.warnings)


def _warn(warnings: list[str]) -> None:
    for line in warnings:
        sys.stderr.write(f"nmrf: warning: {line}\n")
