"""Search at 270,000 recommendations: the CLI/GUI call against the bare FTS5 query."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import open_record
from nmrf_desktop.store.search import FTS_TABLE, fts_query

from . import bigdb
from .common import Figure, median, percentile

QUERIES = 100
SEED = 7
LIMIT = 50
FLOOR_SQL = (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
             f"ORDER BY rank LIMIT {LIMIT}")
_WORD = re.compile(r"[A-Za-z]{3,}")
_STOP = frozenset((
    "the", "and", "for", "with", "that", "this", "which", "their", "its", "from", "into",
    "such", "all", "any", "are", "has", "have", "been", "was", "were", "other", "also", "not",
    "but", "who", "whom", "those", "these", "them", "they", "his", "her", "our"))
_FILTERS = (
    Filters(bodies=("UPR",)),
    Filters(cycles=(2,)),
    Filters(positions=("noted",)),
    Filters(bodies=("CRC",)),
    Filters(mechanism="treaty_body", positions=("supported",)),
)


def sample_queries(texts: list[str], count: int = QUERIES, seed: int = SEED) -> list[Filters]:
    """Single words and two-word phrases from real texts; a third of them filtered."""
    rng = random.Random(seed)
    out: list[Filters] = []
    while len(out) < count:
        words = [w.lower() for w in _WORD.findall(rng.choice(texts))]
        content = [i for i, w in enumerate(words) if w not in _STOP and len(w) > 3]
        if not content:
            continue
        i = rng.choice(content)
        kind = len(out) % 3
        if kind == 0 or i + 1 >= len(words):
            typed = words[i]
        elif rng.random() < 0.5:
            typed = f"{words[i]} {words[i + 1]}"
        else:
            typed = f'"{words[i]} {words[i + 1]}"'
        base = rng.choice(_FILTERS) if len(out) % 3 == 2 else Filters()
        out.append(Filters(**{**_as_kwargs(base), "text": typed}))
    return out


def _as_kwargs(filters: Filters) -> dict[str, object]:
    return {name: getattr(filters, name) for name in Filters.__dataclass_fields__}


def _measure(queries: list[Filters], calls: list, reps: int) -> list[list[float]]:  # type: ignore[type-arg]
    """Per call and query: the median of `reps` timings, after one untimed warm-up pass.

    The calls take turns on each query, so load from other processes hits them alike.
    """
    for filters in queries:
        for call in calls:
            call(filters)
    times = [[[] for _ in queries] for _ in calls]  # type: ignore[var-annotated]
    for _ in range(reps):
        for i, filters in enumerate(queries):
            for c, call in enumerate(calls):
                start = time.perf_counter()
                call(filters)
                times[c][i].append(time.perf_counter() - start)
    return [[median(t) for t in per_call] for per_call in times]


def run(reps: int, out: Path) -> list[Figure]:
    path = bigdb.ensure(out)
    queries = sample_queries([rec.text for rec in bigdb.real_records()])
    con = sqlite3.connect(path, isolation_level=None)
    record = open_record(path, create=False)
    try:
        def floor_call(filters: Filters) -> None:
            con.execute(FLOOR_SQL, (fts_query(filters.text),)).fetchall()

        def search_call(filters: Filters) -> None:
            search_recommendations(record, filters, limit=LIMIT)

        floor, times = _measure(queries, [floor_call, search_call], reps)
    finally:
        record.close()
        con.close()
    ms = 1000.0
    figures = []
    for pct in (50, 95):
        figures.append(Figure(f"search.floor.p{pct}", percentile(floor, pct) * ms, "ms",
                              runs=reps, note=f"bare FTS5 MATCH, {len(queries)} queries"))
    for pct in (50, 95):
        figures.append(Figure(f"search.p{pct}", percentile(times, pct) * ms, "ms",
                              percentile(floor, pct) * ms, reps,
                              "search_recommendations(limit=50), 270,000 rows"))
    filtered = [t for t, q in zip(times, queries, strict=True) if q != Filters(text=q.text)]
    figures.append(Figure("search.filtered.p95", percentile(filtered, 95) * ms, "ms",
                          percentile(floor, 95) * ms, reps, f"{len(filtered)} filtered queries"))
    slowest = max(range(len(queries)), key=times.__getitem__)
    figures.append(Figure("search.max", times[slowest] * ms, "ms", floor[slowest] * ms, reps,
                          f"slowest query {queries[slowest].text!r}"))
    return figures
