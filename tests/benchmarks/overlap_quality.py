"""Overlap quality on the labelled sets: `python -m tests.benchmarks.overlap_quality`.

Runs from the repository root with the project's virtual environment:

    .venv/bin/python -m tests.benchmarks.overlap_quality                  # tuning sets
    .venv/bin/python -m tests.benchmarks.overlap_quality --settings threshold=0.38
    .venv/bin/python -m tests.benchmarks.overlap_quality --grid threshold=0.35,0.40,0.45 \\
        --grid link_floor=0.15,0.20                                        # leave-one-out
    .venv/bin/python -m tests.benchmarks.overlap_quality --held-out       # + held-out sets
    .venv/bin/python -m tests.benchmarks.overlap_quality --agreement      # two readers
    .venv/bin/python -m tests.benchmarks.overlap_quality --json bench-out/quality.json

The sets and their roles are in tests/data/overlap/sets.toml (tuning or held-out); a set
whose labelled file has not landed yet is named and skipped. For each set, the state's
real rows are imported from ../shared/data/upr-info into a fresh migrated SQLite record
(cached under --out, copied per run), detection runs from nothing with the settings
(fields of overlap.settings.Settings), and pairs are scored with overlap.evaluate.score.

--agreement: for every set with a second reading (`<set>_second_reading.json`, another
reader's groups of the same rows under the same rules), how far the two readers agree (the
second scored against the first) and how the detector scores against each reading and
against the pairs both readers grouped. Held-out sets are included: this scores, it never
chooses anything.

--grid: leave-one-state-out over the tuning sets. For each tuning state, the grid point
with the best mean F1 on the *other* tuning states (ties: the higher mean precision) is
chosen and scored on the state left out; then the point best on all tuning states is
named. Held-out sets are never part of a grid search: --grid with --held-out is refused.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nmrf_desktop.overlap.evaluate import Scores
from nmrf_desktop.overlap.settings import DEFAULT, Settings

from ..unit.overlap.labelled import (
    HELD_OUT,
    TUNING,
    LabelledSet,
    agreement,
    manifest,
    measure,
    scratch_record,
)
from .common import DEFAULT_OUT

log = logging.getLogger(__name__)

Point = tuple[tuple[str, Any], ...]  # (field, value) pairs of one grid point


class UsageError(Exception):
    """A setting or grid the harness cannot use: told to the user, exit status 2."""


def _fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(Settings)}


def _value(name: str, text: str) -> Any:
    fields = _fields()
    if name not in fields:
        raise UsageError(f"unknown setting {name!r} (Settings has {', '.join(fields)})")
    kind = type(getattr(DEFAULT, name))
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        return kind(text)
    except ValueError:
        raise UsageError(f"setting {name}: {text!r} is not a {kind.__name__}") from None


def parse_settings(text: str | None) -> dict[str, Any]:
    """'threshold=0.4,cohesion=0.5' -> {'threshold': 0.4, 'cohesion': 0.5}."""
    out: dict[str, Any] = {}
    for item in filter(None, (x.strip() for x in (text or "").split(","))):
        name, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise UsageError(f"--settings: {item!r} is not name=value")
        out[name.strip()] = _value(name.strip(), value.strip())
    return out


def parse_grid(items: Sequence[str]) -> list[Point]:
    """['threshold=0.35,0.4', 'cohesion=0.5,0.6'] -> every combination, in order."""
    axes: list[list[tuple[str, Any]]] = []
    names: set[str] = set()
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        parts = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not parts:
            raise UsageError(f"--grid: {item!r} is not name=value1,value2,...")
        if name in names:
            raise UsageError(f"--grid: {name} given twice")
        names.add(name)
        axes.append([(name, _value(name, v)) for v in parts])
    return [tuple(p) for p in itertools.product(*axes)]


def _settings(base: dict[str, Any], point: Point = ()) -> Settings:
    return dataclasses.replace(DEFAULT, **(base | dict(point)))


def _show(point: Point) -> str:
    return ",".join(f"{k}={v}" for k, v in point) or "(defaults)"


def _row(s: LabelledSet, r: Scores) -> dict[str, Any]:
    return {"set": s.slug, "state": s.state, "role": s.role, "precision": round(r.precision, 4),
            "recall": round(r.recall, 4), "f1": round(r.f1, 4), "true_pairs": r.true_pairs,
            "predicted_pairs": r.predicted_pairs, "correct_pairs": r.correct_pairs}


def table(rows: list[dict[str, Any]]) -> str:
    """Tuned and held-out sets apart: P / R / F1 / pairs."""
    out = []
    for role, title in ((TUNING, "tuning sets (thresholds may be chosen on them)"),
                        (HELD_OUT, "held-out sets (never tuned on)")):
        mine = [r for r in rows if r["role"] == role]
        if not mine:
            continue
        out.append(title)
        out.append(f"  {'set':<12} {'P':>6} {'R':>6} {'F1':>6}  {'correct/predicted':>17}"
                   f" {'true':>5}")
        for r in mine:
            out.append(f"  {r['set']:<12} {r['precision']:6.3f} {r['recall']:6.3f} "
                       f"{r['f1']:6.3f}  {r['correct_pairs']:>8}/{r['predicted_pairs']:<8} "
                       f"{r['true_pairs']:>5}")
        if len(mine) > 1:
            out.append(f"  {'mean':<12} {statistics.mean(r['precision'] for r in mine):6.3f} "
                       f"{statistics.mean(r['recall'] for r in mine):6.3f} "
                       f"{statistics.mean(r['f1'] for r in mine):6.3f}")
    return "\n".join(out)


def score_sets(sets: list[LabelledSet], points: list[Point], base: dict[str, Any],
               out: Path) -> dict[Point, dict[str, Scores]]:
    """Every set scored at every point (one private record per set, rebuilt per point)."""
    results: dict[Point, dict[str, Scores]] = {p: {} for p in points}
    with tempfile.TemporaryDirectory(prefix="overlap-quality-") as tmp:
        for s in sets:
            with scratch_record(s, out, Path(tmp)) as record:
                for point in points:
                    r = measure(record, s, _settings(base, point))
                    results[point][s.slug] = r
                    log.info("%s %s: P=%.3f R=%.3f F1=%.3f", s.slug, _show(point),
                             r.precision, r.recall, r.f1)
    return results


def _rank(scores: dict[str, Scores], slugs: list[str]) -> tuple[float, float]:
    return (statistics.mean(scores[x].f1 for x in slugs),
            statistics.mean(scores[x].precision for x in slugs))


def best_point(results: dict[Point, dict[str, Scores]], slugs: list[str]) -> Point:
    """The point with the best mean F1 on these sets; ties: higher mean precision, then
    the earlier point in grid order."""
    return max(results, key=lambda p: (*_rank(results[p], slugs), -list(results).index(p)))


def leave_one_out(results: dict[Point, dict[str, Scores]], slugs: list[str]
                  ) -> list[dict[str, Any]]:
    """For each state: the point chosen on the others, and its score on the one left out."""
    folds = []
    for left in slugs:
        others = [x for x in slugs if x != left]
        point = best_point(results, others)
        f1, p = _rank(results[point], others)
        r = results[point][left]
        folds.append({"left_out": left, "chosen": dict(point), "others_mean_f1": round(f1, 4),
                      "others_mean_precision": round(p, 4), "precision": round(r.precision, 4),
                      "recall": round(r.recall, 4), "f1": round(r.f1, 4)})
    return folds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.overlap_quality",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--settings", metavar="K=V,...",
                        help="detector settings (fields of overlap.settings.Settings)")
    parser.add_argument("--grid", metavar="K=V1,V2,...", action="append", default=[],
                        help="leave-one-state-out over these values (may repeat: every "
                             "combination); tuning sets only")
    parser.add_argument("--held-out", action="store_true",
                        help="also score the held-out sets (never with --grid)")
    parser.add_argument("--agreement", action="store_true",
                        help="two readers' agreement, and the detector against the pairs "
                             "both grouped (every set with a second reading)")
    parser.add_argument("--only", action="append", metavar="SET",
                        help="only this set (may repeat)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the cached per-state records (default bench-out/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every measurement")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if args.verbose:
        for name in (__name__, "tests.unit.overlap.labelled"):
            logging.getLogger(name).setLevel(logging.INFO)
    try:
        return _run(args)
    except UsageError as e:
        log.error("overlap_quality: %s", e)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.agreement:
        return _agreement(args)
    if args.grid and args.held_out:
        raise UsageError("--grid with --held-out refused: held-out sets are never part of "
                         "a grid search (score the chosen settings with --settings instead)")
    base = parse_settings(args.settings)
    points: list[Point] = parse_grid(args.grid) if args.grid else [()]
    sets = manifest()
    known = {s.slug for s in sets}
    for slug in args.only or ():
        if slug not in known:
            raise UsageError(f"--only: no set {slug!r} (sets: {', '.join(sorted(known))})")
    roles = (TUNING, HELD_OUT) if args.held_out else (TUNING,)
    chosen = [s for s in sets if s.role in roles and (not args.only or s.slug in args.only)]
    missing = [s for s in chosen if not s.present]
    for s in missing:
        log.warning("%s (%s): %s has not landed yet; skipped", s.slug, s.role, s.path.name)
    ready = [s for s in chosen if s.present]
    if not ready:
        raise UsageError("no labelled set to score")
    log.warning("settings: %s", _settings(base))
    results = score_sets(ready, points, base, args.out)
    report: dict[str, Any] = {"settings": dataclasses.asdict(_settings(base)),
                              "missing": [s.slug for s in missing]}
    if args.grid:
        tuning = [s.slug for s in ready if s.role == TUNING]
        report["grid"] = [{"point": dict(p), "sets": [_row(s, results[p][s.slug])
                                                      for s in ready]} for p in points]
        if len(tuning) >= 2:
            folds = leave_one_out(results, tuning)
            report["folds"] = folds
            for f in folds:
                sys.stdout.write(
                    f"fold: left out {f['left_out']:<11} chosen {_show(tuple(f['chosen'].items()))}"
                    f" (others mean F1 {f['others_mean_f1']:.3f}) -> on {f['left_out']}: "
                    f"P={f['precision']:.3f} R={f['recall']:.3f} F1={f['f1']:.3f}\n")
            report["left_out_mean_f1"] = round(statistics.mean(f["f1"] for f in folds), 4)
            sys.stdout.write(f"leave-one-state-out mean F1 on the left-out states: "
                             f"{report['left_out_mean_f1']:.3f}\n")
        else:
            log.warning("leave-one-state-out needs two tuning sets; choosing on %s alone",
                        ", ".join(tuning))
        final = best_point(results, tuning)
        report["choice"] = {"point": dict(final), "settings": dataclasses.asdict(
            _settings(base, final))}
        sys.stdout.write(f"final choice on all tuning sets: {_show(final)}\n")
    else:
        final = ()  # the defaults with --settings
    rows = [_row(s, results[final][s.slug]) for s in ready]
    report["sets"] = rows
    sys.stdout.write(table(rows) + "\n")
    sys.stdout.flush()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    if args.grid:
        raise UsageError("--agreement with --grid refused: agreement scores the settings "
                         "given, it chooses none")
    base = parse_settings(args.settings)
    sets = [s for s in manifest() if s.present and s.second_reading.is_file()
            and (not args.only or s.slug in args.only)]
    if not sets:
        raise UsageError("no labelled set with a second reading")
    rows = []
    with tempfile.TemporaryDirectory(prefix="overlap-agreement-") as tmp:
        for s in sets:
            with scratch_record(s, args.out, Path(tmp)) as record:
                a = agreement(record, s, _settings(base))
            rows.append({"set": s.slug, "role": s.role, **{
                name: _row(s, scores) for name, scores in (
                    ("readers", a.readers), ("detector_first", a.detector_first),
                    ("detector_second", a.detector_second),
                    ("detector_agreed", a.detector_agreed))}})
    sys.stdout.write(agreement_table(rows) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"settings": dataclasses.asdict(_settings(base)),
                                         "agreement": rows}, indent=2) + "\n",
                             encoding="utf-8")
    return 0


def agreement_table(rows: list[dict[str, Any]]) -> str:
    """Readers against each other; the detector against the pairs both readers grouped
    (P, R, F1), and its recall against each reading alone."""
    def prf(r: dict[str, Any]) -> str:
        return f"{r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
    out = ["two readings of each state (the second scored against the first), and the "
           "detector against the pairs both readers grouped",
           f"  {'set':<13} {'role':<9} {'readers P':>9} {'R':>6} {'F1':>6}  "
           f"{'pairs 1st/2nd/both':>18}   {'detector P':>10} {'R':>6} {'F1':>6}"
           f"  {'R 1st':>6} {'R 2nd':>6}"]
    for r in rows:
        agreed = r["detector_agreed"]["true_pairs"]
        pairs = f"{r['readers']['true_pairs']}/{r['readers']['predicted_pairs']}/{agreed}"
        out.append(f"  {r['set']:<13} {r['role']:<9}    {prf(r['readers'])}  {pairs:>18}"
                   f"       {prf(r['detector_agreed'])}  {r['detector_first']['recall']:6.3f}"
                   f" {r['detector_second']['recall']:6.3f}")
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
