"""The public site: `nmrf publish` of the 228 New Zealand recommendations and of all 41,062
UPR Info recommendations (pages, search index size, time), against the raw floor.

    .venv/bin/python -m tests.benchmarks.site_bench [--runs N] [--skip-full]

- site.nz228: services.site.publish into a new folder; site.nz228.again: publishing again
  into the same folder (every file compared, none written). Floor: Jinja2 rendering the
  same pages to strings, the data gathered beforehand (no database, no files, no index).
- site.all41k: the same over the whole UPR Info export, once (in a child process, for its
  peak memory), then again into the same folder; its floor likewise.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import DEFAULT_OUT, UPR_INFO, UPR_INFO_FILES, Figure, median, timed

log = logging.getLogger(__name__)
NZ_CSV = UPR_INFO / "upr_info_new_zealand_2009_2014.csv"


def _floor(db: Path) -> tuple[float, int]:
    """Rendering every page to a string with the data already in memory: (seconds, pages)."""
    from nmrf_desktop.reports.site.open_data import listing
    from nmrf_desktop.reports.site.pages import Plan
    from nmrf_desktop.reports.site.render import Renderer
    from nmrf_desktop.services.record import open_record
    from nmrf_desktop.services.site.gather import gather_site

    record = open_record(db)
    try:
        with record.reading() as session:
            data = gather_site(session)
    finally:
        record.close()
    renderer = Renderer("en")
    plan = Plan(data, listing(data.tables), renderer.chrome)
    pages = [renderer.render(p) for p in plan.pages()][:1]  # templates compiled, untimed
    count = 0

    def work() -> None:
        nonlocal count
        count = sum(1 for page in plan.pages() if renderer.render(page))

    seconds = timed(work)
    del pages
    return seconds, count


def _publish(db: Path, out: Path) -> dict[str, float]:
    from nmrf_desktop.services.record import open_record
    from nmrf_desktop.services.site import PublishRequest, publish

    record = open_record(db)
    try:
        start = time.perf_counter()
        result = publish(record, PublishRequest(out))
        wall = time.perf_counter() - start
    finally:
        record.close()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"wall": wall, "pages": result.pages, "written": result.written,
            "unchanged": result.unchanged, "index": result.index_bytes, "bytes": size,
            "recommendations": result.recommendations}


def _child(db: str, out: str) -> None:
    """In a fresh process: one publish; prints its figures and peak memory as JSON."""
    found = _publish(Path(db), Path(out))
    found["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(json.dumps(found) + "\n")


def nz(runs: int) -> list[Figure]:
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    folder = Path(tempfile.mkdtemp(prefix="nmrf-bench-site-"))
    try:
        db = folder / "nz.sqlite3"
        record = open_record(db)
        import_files(record, "upr-info", [NZ_CSV])
        record.close()
        fresh, again, floors = [], [], []
        found: dict[str, float] = {}
        for n in range(runs):
            found = _publish(db, folder / f"site{n}")
            fresh.append(found["wall"])
            again.append(_publish(db, folder / f"site{n}")["wall"])
            floors.append(_floor(db)[0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    floor = median(floors)
    note = (f"{found['recommendations']:.0f} recs, {found['pages']:.0f} pages, "
            f"{found['written']:.0f} files, index {found['index'] / 1e6:.2f} MB, "
            f"site {found['bytes'] / 1e6:.1f} MB")
    return [Figure("site.nz228.floor", floor, "s", runs=runs,
                   note="Jinja2 rendering the same pages to strings, data in memory"),
            Figure("site.nz228", median(fresh), "s", floor, runs, note),
            Figure("site.nz228.again", median(again), "s", floor, runs,
                   "republished unchanged: every file compared, none written")]


def full(out_dir: Path) -> list[Figure]:
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "report-41k.sqlite3"  # the report benchmark's database: the same import
    if not db.exists():
        record = open_record(db)
        try:
            import_files(record, "upr-info", list(UPR_INFO_FILES))
        finally:
            record.close()
    site = out_dir / "site-41k"
    shutil.rmtree(site, ignore_errors=True)
    runs = []
    for _ in range(2):  # new, then again into the same folder
        done = subprocess.run([sys.executable, "-m", "tests.benchmarks.site_bench", "--child",
                               str(db), str(site)], check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    floor, pages = _floor(db)
    first, second = runs
    note = (f"{first['recommendations']:,} recs, {first['pages']:,} pages, index "
            f"{first['index'] / 1e6:.0f} MB, site {first['bytes'] / 1e6:.0f} MB, "
            f"peak {first['peak_mb']:.0f} MB")
    return [Figure("site.all41k.floor", floor, "s", note=f"{pages:,} pages rendered"),
            Figure("site.all41k", first["wall"], "s", floor, note=note),
            Figure("site.all41k.again", second["wall"], "s", floor,
                   note=f"{second['written']:.0f} written, {second['unchanged']:,} unchanged")]


def run(runs: int, out_dir: Path = DEFAULT_OUT, skip_full: bool = False) -> list[Figure]:
    figures = nz(runs)
    if not skip_full:
        figures += full(out_dir)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.site_bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--skip-full", action="store_true", help="only the 228 NZ site")
    parser.add_argument("--child", nargs=2, metavar=("DB", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if args.child:
        _child(*args.child)
        return 0
    for figure in run(args.runs, args.out, args.skip_full):
        sys.stdout.write(figure.line() + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
