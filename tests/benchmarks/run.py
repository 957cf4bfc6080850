"""Benchmark runner: `python -m tests.benchmarks.run [--only NAME] [--quick] [--json FILE]`.

Runs from the repository root with the project's virtual environment:

    .venv/bin/python -m tests.benchmarks.run                 # everything, 5 runs each
    .venv/bin/python -m tests.benchmarks.run --only import   # one benchmark (see below)
    .venv/bin/python -m tests.benchmarks.run --quick         # 2 runs: a smoke check
    .venv/bin/python -m tests.benchmarks.run --json bench-out/figures.json

Each figure is printed on one line as an absolute median (or percentile) and as a ratio
to its raw floor, the same work done by the sqlite3 and csv modules alone:

- import: the five real UPR Info files (41,066 rows, Mac Roman, CR line ends) through
  services.importing.import_files into a fresh, migrated database; then the re-import
  (all unchanged). Floor: decode + csv + executemany into a bare table, one transaction,
  WAL and synchronous=FULL.
- search: 100 queries (fixed seed) from the real texts, a third of them filtered,
  through services.catalog.search_recommendations(limit=50) on a 270,000-row database;
  p50 and p95. Floor: the bare FTS5 MATCH ... ORDER BY rank LIMIT 50 on the same file.
  The database is built once into --out (default bench-out/) and reused.

- report: an agency summary PDF of 500 recommendations with actions against the same
  flowables built by reportlab alone; the report over all 41,066 rows with peak memory.
- overlap: clustering all 41,066 rows, one country's 2,000, and adding 200 new ones.
- bundle: exporting a bundle of 1,000 changes with 200 MB of evidence against hashing and
  zipping the same bytes; importing 100 bundles of 100 changes against inserting the
  same rows directly.
- pg: the central record on PostgreSQL (NMRF_TEST_PG_URL, or .ci/postgres when installed;
  skipped otherwise): the same 100 searches at 270,000 rows against the bare tsquery, and
  100 bundles of 100 changes imported by 4 concurrent processes against one importer on
  SQLite.
- documents: preview (importers.documents.read_document) of a 250-recommendation UPR
  matrix (Word) and a 12-page concluding observations PDF. Floor: python-docx reading every
  table cell, pypdf extracting every page.
- chart: the indicator chart at 20 series x 30 periods, 1600x900 (offscreen): paintEvent
  time drawn afresh and with the cursor moved, the longest repaint() and the table's reset.
  Floor: the same 600 points drawn as one polyline, no axes; a bare table model reset.
- indicators: 10,000 indicator values (Open SDG layout CSV) imported new, again (all
  unchanged), revised (every value a new version), and exported. Floor: csv + executemany
  into a bare table.
- draft: the Word drafts (services.drafting.draft): the UPR mid-term report for New
  Zealand's 228 recommendations and a periodic section for 500 treaty-body paragraphs.
  Floor: python-docx alone writing the same headings, paragraphs and tables.
- site: `nmrf publish` of the 228 New Zealand recommendations (new, and again unchanged)
  and of all 41,062 (pages, search index size, time, peak memory). Floor: Jinja2 rendering
  the same pages to strings with the data in memory.
- gui: the window at 270,000 rows (offscreen): last keystroke to rows painted (p50/p95,
  floor: debounce + the bare search_ids call), the longest GUI-thread block (a 5 ms
  event-loop lag probe) while opening, typing, filtering, scrolling and opening
  recommendations, resident memory; startup to first rows at 50,000 rows in a child.

Wall-clock figures are recorded, never asserted: the targets (import <= 3x floor, search
p95 <= 50 ms and <= 2x floor; gui typing p95 <= 100 ms, lag <= 50 ms, startup <= 1.5 s,
RSS <= 400 MB) are read from the report.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sqlite3
import sys
from pathlib import Path

from .common import DEFAULT_OUT, Figure

BENCHMARKS = ("import", "search", "report", "overlap", "bundle", "gui", "pg", "documents",
              "chart", "indicators", "draft")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=BENCHMARKS, action="append",
                        help="run only this benchmark (may repeat)")
    parser.add_argument("--quick", action="store_true", help="2 runs instead of 5")
    parser.add_argument("--runs", type=int, help="runs (repetitions) per benchmark")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the cached benchmark database (default bench-out/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    runs = args.runs or (2 if args.quick else 5)
    figures: list[Figure] = []
    for name in args.only or BENCHMARKS:
        if name == "import":
            from . import import_bench

            batch = import_bench.run(runs)
        elif name == "search":
            from . import search_bench

            batch = search_bench.run(runs, args.out)
        elif name == "report":
            from . import report_bench

            batch = report_bench.run(min(runs, 3), args.out, skip_full=args.quick)
        elif name == "overlap":
            from . import overlap_bench

            batch = overlap_bench.run(runs, args.out)
        elif name == "bundle":
            from . import bundle_bench

            batch = bundle_bench.run(runs, args.out)
        elif name == "pg":
            from . import pg_bench

            batch = pg_bench.run(runs, args.out)
        elif name == "documents":
            from . import document_bench

            batch = document_bench.run(runs)
        elif name == "chart":
            from . import chart_bench

            batch = chart_bench.run(runs)
        elif name == "indicators":
            from . import indicator_bench

            batch = indicator_bench.run(runs)
        elif name == "site":
            from . import site_bench

            batch = site_bench.run(min(runs, 3), args.out, skip_full=args.quick)
        elif name == "draft":
            from . import draft_bench

            batch = draft_bench.run(min(runs, 3))
        else:
            from . import gui_bench

            batch = gui_bench.run(runs, args.out)
        for figure in batch:
            sys.stdout.write(figure.line() + "\n")
            sys.stdout.flush()
        figures += batch
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "machine": platform.machine(), "runs": runs,
            "figures": [f.as_json() for f in figures],
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
