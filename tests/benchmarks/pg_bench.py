"""The central record on PostgreSQL: search at 270,000 rows; 4 concurrent bundle importers.

    eval "$(.ci/postgres)"       # or let the benchmark run .ci/postgres itself
    .venv/bin/python -m tests.benchmarks.run --only pg

The server is NMRF_BENCH_PG_URL, else NMRF_TEST_PG_URL, else the cluster .ci/postgres
starts or reuses (only when PostgreSQL is already installed: the benchmark never
installs packages). Without one it prints a line saying so and reports nothing.

- pg.search: the 100 queries of search_bench.py (same sampler, same seed, a third
  filtered) through services.catalog.search_recommendations(limit=50) on a PostgreSQL
  copy of bench-out/search-270k.sqlite3 (made with `nmrf migrate-to`'s machinery into the
  database nmrf_bench_search, once: reused while it holds the 270,000 rows at the
  current schema head); p50 and p95. Floor: the bare tsquery
  `doc @@ to_tsquery(...) ORDER BY ts_rank(...) DESC LIMIT 50` with psycopg alone (GIN,
  what PostgreSQL does without the RUM extension); and the bare RUM query the app's
  page is built on (its top 50 by distance, without ordering ties or filters).
- pg.import100.x4: 4 processes each import all 100 bundles of bench-out/bundle-import-v1
  (100 changes each, sequences 1..100, same order) at the same moment into a fresh
  PostgreSQL copy of the fixture's central record (cloned per run from a template made
  once with migrate-to); wall time from the common start to the last importer done.
  Each bundle is checked to be merged exactly once. Floor: one importer on SQLite
  (bundle_bench's import figure: import_bundles on a copy of the SQLite central).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import DEFAULT_OUT, REPO, Figure, median, percentile

SEARCH_DB = "nmrf_bench_search"
IMPORT_TEMPLATE = "nmrf_bench_import_tmpl"
IMPORT_DB = "nmrf_bench_import"
IMPORTERS = 4
# A known race (reported, not fixed here): on PostgreSQL, Record.reading() runs at READ
# COMMITTED, so bundle_import._sequence_status can miss the bundle in merged_bundles and,
# one statement later, see it counted in max(sequence): the bundle another importer has
# just merged is reported (and put in the inbox) as rejected instead of "already imported".
RACE = "old sequence number"
ROWS = 270_000
RUM_FLOOR_SQL = ("SELECT rowid FROM recommendation_fts "
                 "WHERE (doc || ''::tsvector) @@ to_tsquery('nmrf'::regconfig, %(rank)s) "
                 "AND (doc @@ to_tsquery('nmrf'::regconfig, %(q)s)) IS TRUE "
                 "ORDER BY (doc || ''::tsvector) <=> to_tsquery('nmrf'::regconfig, %(rank)s) "
                 "LIMIT 50")
FLOOR_SQL = ("SELECT rowid FROM recommendation_fts "
             "WHERE doc @@ to_tsquery('nmrf'::regconfig, %(q)s) "
             "ORDER BY ts_rank(doc, to_tsquery('nmrf'::regconfig, %(q)s)) DESC LIMIT 50")


def _say(line: str) -> None:
    sys.stdout.write(f"pg: {line}\n")
    sys.stdout.flush()


# The server ------------------------------------------------------------------------------


def server_url() -> str | None:
    """A PostgreSQL URL (any database on the server), or None when there is none."""
    for name in ("NMRF_BENCH_PG_URL", "NMRF_TEST_PG_URL"):
        if os.environ.get(name):
            return os.environ[name]
    script = REPO / ".ci" / "postgres"
    if not script.exists() or not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        return None
    try:
        out = subprocess.run([str(script)], capture_output=True, text=True, timeout=120,
                             check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    for line in out.splitlines():
        if line.startswith("export NMRF_TEST_PG_URL="):
            return line.split("=", 1)[1].strip()
    return None


class Server:
    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url).set(drivername="postgresql+psycopg")

    def url_for(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def conninfo(self, database: str) -> str:
        return self.url.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False)

    def admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def exists(self, database: str) -> bool:
        import psycopg

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (database,)).fetchone() is not None

    def recreate(self, database: str, template: str | None = None) -> None:
        tmpl = f" TEMPLATE {template}" if template else ""
        self.admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
                   f"CREATE DATABASE {database}{tmpl}")

    def scalar(self, database: str, sql: str) -> object:
        import psycopg

        try:
            with psycopg.connect(self.conninfo(database), autocommit=True) as conn:
                row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
                return row[0] if row else None
        except psycopg.Error:
            return None


def _head() -> str:
    from nmrf_desktop.store import migrate
    from nmrf_desktop.store.engine import make_engine

    engine = make_engine(Path(tempfile.gettempdir()) / "nmrf-bench-head.sqlite3")
    try:
        return migrate.head_revision(engine)
    finally:
        engine.dispose()


def _migrate(server: Server, source: Path, database: str) -> None:
    """`nmrf migrate-to` into a new, empty database; refuse a copy that did not verify."""
    from nmrf_desktop.cli.migrate import migrate_to
    from nmrf_desktop.services.record import open_record

    server.recreate(database)
    record = open_record(source, create=False)
    try:
        report = migrate_to(record, server.url_for(database))
    finally:
        record.close()
    if report.problems:
        raise RuntimeError(f"migrate-to {database}: {report.problems[:3]}")


def _cached(server: Server, database: str, head: str, rows: int | None = None) -> bool:
    if not server.exists(database):
        return False
    if server.scalar(database, "SELECT version_num FROM alembic_version") != head:
        return False
    if rows is not None:
        return (server.scalar(database, "SELECT count(*) FROM recommendations") == rows
                and server.scalar(database, "SELECT count(*) FROM recommendation_fts") == rows)
    return server.scalar(database, "SELECT count(*) FROM recommendations") not in (None, 0)


# Search ----------------------------------------------------------------------------------


def _search(server: Server, out: Path, reps: int, head: str) -> list[Figure]:
    import psycopg

    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services.catalog import search_recommendations
    from nmrf_desktop.services.record import open_record
    from nmrf_desktop.store.search import fts_query
    from nmrf_desktop.store.search_pg import rank_tsquery, tsquery_text

    from . import bigdb, search_bench

    path = bigdb.ensure(out)
    if not _cached(server, SEARCH_DB, head, ROWS):
        _say(f"copying {path.name} into PostgreSQL database {SEARCH_DB} (once)")
        start = time.perf_counter()
        _migrate(server, path, SEARCH_DB)
        with psycopg.connect(server.conninfo(SEARCH_DB), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        _say(f"copied in {time.perf_counter() - start:.0f} s")
    queries = search_bench.sample_queries([rec.text for rec in bigdb.real_records()])
    con = psycopg.connect(server.conninfo(SEARCH_DB), autocommit=True)
    record = open_record(server.url_for(SEARCH_DB), create=False)
    try:
        def floor_call(filters: Filters) -> None:
            con.execute(FLOOR_SQL, {"q": tsquery_text(fts_query(filters.text))}).fetchall()

        def rum_floor_call(filters: Filters) -> None:
            query = fts_query(filters.text)
            con.execute(RUM_FLOOR_SQL, {"q": tsquery_text(query),
                                        "rank": rank_tsquery(query)[0]}).fetchall()

        def search_call(filters: Filters) -> None:
            search_recommendations(record, filters, limit=search_bench.LIMIT)

        floor, rum_floor, times = search_bench._measure(
            queries, [floor_call, rum_floor_call, search_call], reps)
    finally:
        record.close()
        con.close()
    ms = 1000.0
    figures = [Figure(f"pg.search.floor.p{pct}", percentile(floor, pct) * ms, "ms", runs=reps,
                      note=f"bare tsquery via psycopg, {len(queries)} queries")
               for pct in (50, 95)]
    figures += [Figure(f"pg.search.rum_floor.p{pct}", percentile(rum_floor, pct) * ms, "ms",
                       runs=reps, note="bare RUM top 50 via psycopg (no ties, no filters)")
                for pct in (50, 95)]
    figures.append(Figure("pg.search.p95.vs_rum", percentile(times, 95) * ms, "ms",
                          percentile(rum_floor, 95) * ms, reps,
                          "search p95 against the bare RUM query's p95"))
    figures += [Figure(f"pg.search.p{pct}", percentile(times, pct) * ms, "ms",
                       percentile(floor, pct) * ms, reps,
                       "search_recommendations(limit=50), 270,000 rows, PostgreSQL")
                for pct in (50, 95)]
    filtered = [t for t, q in zip(times, queries, strict=True) if q != Filters(text=q.text)]
    figures.append(Figure("pg.search.filtered.p95", percentile(filtered, 95) * ms, "ms",
                          percentile(floor, 95) * ms, reps,
                          f"{len(filtered)} filtered queries"))
    slowest = max(range(len(queries)), key=times.__getitem__)
    figures.append(Figure("pg.search.max", times[slowest] * ms, "ms", floor[slowest] * ms,
                          reps, f"slowest query {queries[slowest].text!r}"))
    return figures


# Concurrent import -----------------------------------------------------------------------


def _sqlite_import(fixture: Path, work: Path) -> float:
    from nmrf_desktop.services.exchange import bundle_import
    from nmrf_desktop.services.record import open_record

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(fixture / "central", work / "central")
    central = open_record(work / "central" / "central.sqlite3")
    bundles = sorted((fixture / "bundles").glob("*.nmrfbundle"))
    start = time.perf_counter()
    results = bundle_import.import_bundles(central, bundles)
    elapsed = time.perf_counter() - start
    central.close()
    assert all(r.status == bundle_import.MERGED for r in results), results[0]
    shutil.rmtree(work, ignore_errors=True)
    return elapsed


def _pg_import(server: Server, fixture: Path) -> tuple[float, int]:
    """4 processes import all bundles at once: the wall time, and how many bundles an
    importer reported as rejected "old sequence number" while another importer was merging
    them (a misreported duplicate: see RACE). Each bundle must be merged exactly once."""
    server.recreate(IMPORT_DB, IMPORT_TEMPLATE)
    url = server.url_for(IMPORT_DB)
    bundles = [str(p) for p in sorted((fixture / "bundles").glob("*.nmrfbundle"))]
    start_at = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.pg_bench", "--worker", url, str(start_at),
         *bundles], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for _ in range(IMPORTERS)]
    outputs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"importer failed: {stderr[-2000:]}")
        outputs.append(json.loads(stdout))
    wall = max(o["done"] for o in outputs) - start_at
    odd = [line for o in outputs for line in o["odd"]]
    misreported = [line for line in odd if RACE in line]
    assert len(misreported) == len(odd), odd  # anything else rejected, held or failed
    merged = sum(o["merged"] for o in outputs)
    assert merged == len(bundles), f"{merged} merges for {len(bundles)} bundles"
    once = server.scalar(IMPORT_DB, "SELECT count(*) = count(DISTINCT bundle_id) "
                         f"AND count(*) = {len(bundles)} FROM merged_bundles")
    unique = server.scalar(IMPORT_DB, "SELECT count(*) = count(DISTINCT change_id) "
                           "FROM applied_changes")
    assert once and unique, "a bundle or change was merged twice"
    return wall, len(misreported)


def _worker(argv: list[str]) -> int:
    from nmrf_desktop.services.exchange.bundle_import import DUPLICATE, MERGED, import_bundles
    from nmrf_desktop.services.record import open_record

    url, start_at, paths = argv[0], float(argv[1]), [Path(p) for p in argv[2:]]
    record = open_record(url, create=False)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        results = import_bundles(record, paths)
        done = time.time()
    finally:
        record.close()
    json.dump({"done": done,
               "merged": sum(r.status == MERGED for r in results)
               + sum(x.status == MERGED for r in results for x in r.released),
               "odd": [f"{r.file}: {r.status}: {r.reason}" for r in results
                       if r.status not in (MERGED, DUPLICATE)]}, sys.stdout)
    return 0


def _imports(server: Server, out: Path, runs: int, head: str) -> list[Figure]:
    from . import bundle_bench

    fixture = bundle_bench._import_fixture(out)
    if not _cached(server, IMPORT_TEMPLATE, head):
        _say(f"migrating the bundle fixture's central record to {IMPORT_TEMPLATE} (once)")
        _migrate(server, fixture / "central" / "central.sqlite3", IMPORT_TEMPLATE)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        sqlite = [_sqlite_import(fixture, Path(tmp) / "i") for _ in range(runs)]
    pg = [_pg_import(server, fixture) for _ in range(runs)]
    server.admin(f"DROP DATABASE IF EXISTS {IMPORT_DB} WITH (FORCE)")
    race = f"; {sum(n for _, n in pg)} duplicates misreported as rejected" \
        if any(n for _, n in pg) else ""
    return [
        Figure("pg.import100.sqlite1", median(sqlite), "s", runs=runs,
               note="floor: 1 importer on SQLite, 100 bundles x 100 changes"),
        Figure("pg.import100.x4", median([w for w, _ in pg]), "s", median(sqlite), runs,
               f"{IMPORTERS} concurrent importers on PostgreSQL, each bundle merged once"
               + race),
    ]


def run(runs: int, out: Path = DEFAULT_OUT) -> list[Figure]:
    url = server_url()
    if not url:
        _say("skipped: no PostgreSQL server (set NMRF_TEST_PG_URL, e.g. "
             "eval \"$(.ci/postgres)\", or install postgresql for .ci/postgres)")
        return []
    server = Server(url)
    try:
        server.admin("SELECT 1")
    except Exception as exc:  # any connection failure means: skip
        _say(f"skipped: cannot connect to {server.url.render_as_string()}: {exc}")
        return []
    # PostgreSQL records keep evidence, keys and bundles in the user data folder.
    os.environ["NMRF_DATA_DIR"] = str(out / "pg-userdata")
    head = _head()
    return _search(server, out, runs, head) + _imports(server, out, runs, head)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        raise SystemExit(_worker(sys.argv[2:]))
    for figure in run(3):
        print(figure.line())  # noqa: T201
