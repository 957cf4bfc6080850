"""Overlap detection on the 41,066 real rows: full clustering, 2,000 rows, adding 200.

`python -m tests.benchmarks.overlap_bench [--runs N] [--out DIR]`. Each measured job
runs in a fresh child process, which reports its wall time, its processor time (the
wall time's share of a busy shared machine shows as the gap) and peak memory (ru_maxrss).
Floor: reading the same rows' texts with sqlite3 and splitting them into words.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .common import DEFAULT_OUT, UPR_INFO_FILES, Figure, median

log = logging.getLogger(__name__)


def _floor(db: Path, limit: int | None = None) -> float:
    start = time.perf_counter()
    con = sqlite3.connect(db)
    sql = "SELECT id, country, text FROM recommendations"
    rows = con.execute(sql + (f" LIMIT {limit}" if limit else "")).fetchall()
    _ = [t.lower().split() for _i, _c, t in rows]
    con.close()
    return time.perf_counter() - start


def _base_db(out: Path) -> Path:
    """The 41,066 real rows imported once (cached), with no overlap index yet."""
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    path = out / "overlap-base.sqlite3"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        record = open_record(path)
        import_files(record, "upr-info", UPR_INFO_FILES)
        record.close()
    return path


def _copy(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        s = Path(str(src) + suffix)
        if s.exists():
            shutil.copyfile(s, str(dst) + suffix)
    return dst


def _child(job: str, db: Path) -> dict[str, float]:
    """Run one job in this process; its time and peak memory."""
    from nmrf_desktop.services import overlap
    from nmrf_desktop.services.record import open_record

    record = open_record(db)
    if job == "full":
        seconds = _timed(lambda: overlap.update(record, rebuild=True))
    elif job == "add200":
        overlap.update(record, rebuild=True)
        _add_new(record, 200)
        seconds = _timed(lambda: overlap.update(record))
    else:  # "2000": a state's whole record of 2,000 rows as one group
        _as_one_country(record, 2000)
        seconds = _timed(lambda: overlap.update(record, rebuild=True))
    record.close()
    return {"seconds": seconds, "cpu_seconds": _CPU[-1],
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    cpu = time.process_time()
    fn()
    _CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


_CPU: list[float] = []  # the measured job's processor seconds (this process), beside wall time


def _add_new(record, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` real texts again, as recommendations from a later session (new identities)."""
    from nmrf_desktop.importers import upr_info
    from nmrf_desktop.store import recommendations as recs_store

    parsed = upr_info.parse(UPR_INFO_FILES[0]).records[:count]
    fresh = [dataclasses.replace(r, source_id=r.source_id + "-later", upr_session=46,
                                 reference="") for r in parsed]
    with record.unit_of_work() as session:
        recs_store.upsert(session, fresh)


def _as_one_country(record, keep: int) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with record.unit_of_work() as session:
        session.execute(text("UPDATE recommendations SET withdrawn = 1 WHERE num > :n"),
                        {"n": keep})
        session.execute(text("UPDATE recommendations SET country = 'Testland'"))


def _in_child(job: str, db: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "tests.benchmarks.overlap_bench", "--child",
                           job, str(db)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(runs: int, out: Path = DEFAULT_OUT) -> list[Figure]:
    base = _base_db(out)
    floor_all = median([_floor(base) for _ in range(runs)])
    floor_2000 = median([_floor(base, 2000) for _ in range(runs)])
    figures: list[Figure] = []
    for job, name, floor in (("full", "overlap 41,066 full", floor_all),
                             ("2000", "overlap 2,000 one state", floor_2000),
                             ("add200", "overlap +200 to 41,066", floor_all)):
        results = [_in_child(job, _copy(base, out / f"overlap-{job}.sqlite3"))
                   for _ in range(runs)]
        figures.append(Figure(name, median([r["seconds"] for r in results]), "s", floor,
                              runs, f"peak {max(r['maxrss_mb'] for r in results):.0f} MB, "
                              f"cpu {median([r['cpu_seconds'] for r in results]):.1f} s"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.overlap_bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--child", nargs=2, metavar=("JOB", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if args.child:
        sys.stdout.write(json.dumps(_child(args.child[0], Path(args.child[1]))) + "\n")
        return 0
    for figure in run(args.runs, args.out):
        sys.stdout.write(figure.line() + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
