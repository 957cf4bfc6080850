"""PDF reports: an agency summary of 500 recommendations against the reportlab floor, and a
report over all 41,066 real UPR Info recommendations (wall time and peak memory).

    .venv/bin/python -m tests.benchmarks.report_bench [--runs N] [--skip-full]

- report.agency500: services.reports.pdf.build_pdf (kind agency) over 500 recommendations, 250
  actions each answering two of them, a progress update on each. Floor: the same entries,
  gathered beforehand, turned into the same flowables and laid out by reportlab's
  SimpleDocTemplate.build alone (no data gathering, no cover, summary charts or page total).
- report.all41k: build_pdf (kind body) over the whole UPR Info export, in a child process;
  wall time, and peak memory (ru_maxrss) against the 600 MB target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import DEFAULT_OUT, UPR_INFO_FILES, Figure, median, timed

log = logging.getLogger(__name__)
N_RECS = 500


def _agency_db(folder: Path) -> Path:
    """500 recommendations assigned to MOJ, 250 actions (two recommendations each), updates."""
    from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
    from nmrf_desktop.domain.enums import ActionStatus, AssignmentRole, ImplementationStatus
    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services import entry
    from nmrf_desktop.services.assigning import assign
    from nmrf_desktop.services.catalog import search_recommendations
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    path = folder / "agency.sqlite3"
    record = open_record(path)
    try:
        import_files(record, "upr-info", [UPR_INFO_FILES[0]])
        ids = [r.id for r in search_recommendations(record, Filters(), limit=N_RECS)]
        assign(record, "MOJ", AssignmentRole.LEAD, ids=ids)
        for i in range(0, N_RECS, 2):
            entry.create_action(record, ActionDraft(
                title=f"Whānau-centred programme {i // 2}", agency="MOJ",
                status=ActionStatus.COMPLETED, start_date=dt.date(2024, 1, 1),
                completed_date=dt.date(2025, 1, 1), recommendation_ids=(ids[i], ids[i + 1]),
                description="Delivered with iwi partners."))
        for rid in ids:
            entry.add_progress(record, ProgressDraft(
                rid, "MOJ", ImplementationStatus.IN_PROGRESS,
                "Work with Māori and whānau has begun; a Cabinet paper is in preparation.",
                dt.date(2025, 2, 1)))
    finally:
        record.close()
    return path


def _floor_once(entries: list, out: Path) -> float:  # type: ignore[type-arg]
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    from nmrf_desktop.reports.pdf_doc import Bookmark
    from nmrf_desktop.reports.pdf_entries import entry_flowables
    from nmrf_desktop.reports.pdf_styles import styles

    def work() -> None:
        doc = SimpleDocTemplate(str(out), pagesize=A4)
        st = styles()
        story: list = [Bookmark("Recommendations", "s0", 0)]  # type: ignore[type-arg]
        for i, e in enumerate(entries):
            story += entry_flowables(e, st, doc.width, f"r{i}")
        doc.build(story)

    return timed(work)


def agency(runs: int) -> list[Figure]:
    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services.record import open_record
    from nmrf_desktop.services.reports import data as report_data
    from nmrf_desktop.services.reports.pdf import build_pdf
    from nmrf_desktop.services.reports.request import ReportRequest

    folder = Path(tempfile.mkdtemp(prefix="nmrf-bench-report-"))
    try:
        record = open_record(_agency_db(folder))
        request = ReportRequest("agency", Filters(agency="MOJ"))
        with record.reading() as session:
            from nmrf_desktop.store import search

            ids = search.search_ids(session, Filters(agency="MOJ"))
            entries = report_data.entries(session, ids, ["UPR"] * len(ids))
        assert len(entries) == N_RECS
        _floor_once(entries, folder / "warm.pdf")  # fonts and styles loaded once, untimed
        floors, apps = [], []
        for _ in range(runs):
            floors.append(_floor_once(entries, folder / "floor.pdf"))
            apps.append(timed(lambda: build_pdf(record, request, folder / "app.pdf")))
        record.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    floor = median(floors)
    return [Figure("report.agency500.floor", floor, "s", runs=runs,
                   note="same flowables, reportlab SimpleDocTemplate alone"),
            Figure("report.agency500", median(apps), "s", floor, runs,
                   "500 recs, 250 actions, 500 updates; target <= 1.5x floor")]


def _child_report(db: str, out: str) -> None:
    """In a fresh process: the full report; prints wall time and peak memory as JSON."""
    from nmrf_desktop.services.record import open_record
    from nmrf_desktop.services.reports.pdf import build_pdf
    from nmrf_desktop.services.reports.request import ReportRequest

    record = open_record(db)
    start = time.perf_counter()
    result = build_pdf(record, ReportRequest("body"), Path(out))
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(json.dumps({"wall": wall, "peak_mb": peak_kb / 1024,
                                 "recommendations": result.recommendations,
                                 "bytes": Path(out).stat().st_size}) + "\n")


def full(out_dir: Path) -> list[Figure]:
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "report-41k.sqlite3"
    if not db.exists():
        record = open_record(db)
        try:
            import_files(record, "upr-info", list(UPR_INFO_FILES))
        finally:
            record.close()
    pdf = out_dir / "report-41k.pdf"
    done = subprocess.run([sys.executable, "-m", "tests.benchmarks.report_bench", "--child",
                           str(db), str(pdf)], check=True, capture_output=True, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    note = f"{figures['recommendations']:,} recs, {figures['bytes'] / 1e6:.0f} MB PDF"
    return [Figure("report.all41k", figures["wall"], "s", note=note),
            Figure("report.all41k.peak", figures["peak_mb"], "MB", 600.0,
                   note="ru_maxrss of the child; target <= 600 MB (ratio to the target)")]


def run(runs: int, out_dir: Path = DEFAULT_OUT, skip_full: bool = False) -> list[Figure]:
    figures = agency(runs)
    if not skip_full:
        figures += full(out_dir)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.report_bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--skip-full", action="store_true", help="only the 500-row summary")
    parser.add_argument("--child", nargs=2, metavar=("DB", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if args.child:
        _child_report(*args.child)
        return 0
    for figure in run(args.runs, args.out, args.skip_full):
        sys.stdout.write(figure.line() + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
