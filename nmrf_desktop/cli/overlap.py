"""The overlap commands of `nmrf`: detect clusters, list them, and record human decisions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TextIO

from nmrf_desktop.cli.common import Subparsers, UserError, open_from_args, print_json
from nmrf_desktop.services import carry_forward as cf, overlap
from nmrf_desktop.services.record import Record


def register(sub: Subparsers) -> None:
    """Add `nmrf overlap` to the parser."""
    o = sub.add_parser("overlap", help="overlapping recommendations: detect, list, decide")
    o.add_argument("--rebuild", action="store_true", help="re-index everything from scratch")
    o.add_argument("--json", action="store_true", help='print {"clusters": [...]} as JSON')
    o.add_argument("--country", help="only clusters of this state under review")
    os_ = o.add_subparsers(dest="action", metavar="ACTION")
    for name, helptext in (("confirm", "these two ask the same thing"),
                           ("reject", "these two do not ask the same thing")):
        d = os_.add_parser(name, help=helptext)
        d.add_argument("a", metavar="REFERENCE")
        d.add_argument("b", metavar="REFERENCE")
    m = os_.add_parser("merge", help="make one cluster of two")
    m.add_argument("c1", metavar="CLUSTER")
    m.add_argument("c2", metavar="CLUSTER")
    s = os_.add_parser("split", help="take recommendations out of a cluster into their own")
    s.add_argument("cluster", metavar="CLUSTER")
    s.add_argument("--refs", nargs="+", required=True, metavar="REFERENCE")
    r = os_.add_parser("related", help="what matches one recommendation, and why")
    r.add_argument("reference")
    r.add_argument("--json", action="store_true", dest="related_json")
    c = os_.add_parser("carry-forward", help="carry agencies and actions forward from earlier "
                       "cycles to the recommendations that repeat them")
    c.add_argument("--country", dest="cf_country", metavar="STATE",
                   help="only this state under review")
    c.add_argument("--json", action="store_true", dest="cf_json",
                   help='print {"suggestions": [...]} as JSON')
    what = c.add_mutually_exclusive_group()
    what.add_argument("--apply", action="store_true",
                      help="carry every suggestion listed (or those of --ref)")
    what.add_argument("--decline", nargs=2, metavar=("REFERENCE", "EARLIER"),
                      help="do not carry EARLIER forward to REFERENCE (not offered again)")
    what.add_argument("--undo", metavar="ID", help="take back a decision (its id)")
    c.add_argument("--ref", action="append", default=[], metavar="REFERENCE",
                   help="with --apply: only these new recommendations (repeat the option)")
    c.add_argument("--note", default="", help="with --apply or --decline: why, kept with "
                   "each decision")
    li = os_.add_parser("lineage", help="what a recommendation repeats, or is repeated by")
    li.add_argument("reference")
    li.add_argument("--json", action="store_true", dest="lineage_json")


def cmd_overlap(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    try:
        if args.action in ("confirm", "reject"):
            fn = overlap.confirm if args.action == "confirm" else overlap.reject
            fn(record, args.a, args.b)
            sys.stdout.write(f"{args.action}ed {args.a} {args.b}\n")
            return 0
        if args.action == "merge":
            n = overlap.merge(record, args.c1, args.c2)
            sys.stdout.write(f"merged {args.c1} and {args.c2} ({n} pairs confirmed)\n")
            return 0
        if args.action == "split":
            n = overlap.split(record, args.cluster, args.refs)
            sys.stdout.write(f"split {len(args.refs)} from {args.cluster} ({n} decisions)\n")
            return 0
        if args.action == "related":
            rows = overlap.related(record, args.reference)
            if args.related_json:
                sys.stdout.write(json.dumps([{"reference": ref, "basis": b, "score": s,
                                              "reason": why} for ref, b, s, why in rows],
                                            ensure_ascii=False, indent=2) + "\n")
            else:
                for ref, _b, _s, why in rows:
                    sys.stdout.write(f"{ref}\t{why}\n")
            return 0
        if args.action == "carry-forward":
            return _carry_forward(record, args)
        if args.action == "lineage":
            return _lineage(record, args.reference, args.lineage_json)
    except (overlap.OverlapRefused, cf.CarryRefused) as exc:
        raise UserError(str(exc)) from None
    report = overlap.update(record, rebuild=args.rebuild)
    found = overlap.clusters(record, args.country)
    if args.json:
        sys.stdout.write(json.dumps({"clusters": [c.as_json() for c in found]},
                                    ensure_ascii=False, indent=2) + "\n")
        return 0
    sys.stdout.write(f"{len(found)} clusters ({report.added} new, {report.changed} changed, "
                     f"{report.removed} removed recommendations indexed)\n")
    for c in found:
        sys.stdout.write(f"{c.id}\t{len(c.references)}\t{'; '.join(c.reasons)}\n")
        sys.stdout.write(f"\t{' '.join(c.references)}\n")
    return 0


def _carry_forward(record: Record, args: argparse.Namespace) -> int:
    if args.ref and not args.apply:
        raise UserError("--ref only goes with --apply")
    if args.note and not (args.apply or args.decline):
        raise UserError("--note only goes with --apply or --decline")
    if args.decline:
        new, earlier = args.decline
        declined = cf.decline(record, new, earlier, note=args.note)
        sys.stdout.write(f"declined: {declined.reference} {declined.describe()}, decision "
                         f"{declined.id}\n")
        return 0
    if args.undo:
        undone = cf.undo(record, args.undo)
        sys.stdout.write(f"undone: {undone.reference} {undone.describe()} "
                         f"({undone.verdict})\n")
        for kept in undone.kept:
            sys.stdout.write(f"kept the assignment of {kept}\n")
        return 0
    if args.apply and not cf.can_decide(record):
        raise UserError("this is a laptop copy: only the coordinator, on the central record, "
                        "decides what is carried forward; nothing was changed")
    overlap.update(record)  # suggestions come from the clusters as the record is now
    found = cf.suggestions(record, country=args.cf_country,
                           references=args.ref or None)
    if args.ref:
        listed = {s.reference for s in found}
        missing = [r for r in args.ref if r not in listed]
        if missing:
            raise UserError(f"nothing to carry forward to {', '.join(missing)}: no open "
                            "suggestion (unknown, already decided, or no earlier work); "
                            "nothing was changed")
    if args.cf_json and not args.apply:
        print_json({"suggestions": [_as_json(s) for s in found]})
        return 0
    summary = sys.stderr if args.cf_json else sys.stdout  # --json --apply: JSON on stdout
    for s in found:
        _print_suggestion(s, summary)
    pairs = len({(s.reference, c.earlier_reference) for s in found for c in s.candidates})
    many = len(found) != 1
    summary.write(f"{len(found)} recommendation{'s' if many else ''} repeat"
                  f"{'' if many else 's'} earlier ones with work on them "
                  f"({pairs} pair{'s' if pairs != 1 else ''})\n")
    if not args.apply:
        return 0
    done = _apply(record, found, args.note)
    if args.cf_json:
        print_json({"carried": [_lineage_json(d) for d in done]})
        return 0
    for d in done:
        sys.stdout.write(f"carried: {d.reference} {d.describe()}: agencies "
                         f"{', '.join(d.agencies) or 'none'}, {len(d.actions)} actions linked, "
                         f"decision {d.id}\n")
    sys.stdout.write(f"{len(done)} carried forward\n")
    return 0


def _apply(record: Record, found: list[cf.Suggestion], note: str) -> list[cf.Lineage]:
    """Carry every pair listed, each its own decision; a refusal stops the rest and says
    how many were carried before it (they stand: `--undo` takes one back)."""
    done: list[cf.Lineage] = []
    seen: set[tuple[str, str]] = set()
    for s in found:
        for c in s.candidates:
            if (s.reference, c.earlier_reference) in seen:
                continue
            seen.add((s.reference, c.earlier_reference))
            try:
                done.append(cf.carry(record, s.reference, c.earlier_reference, note=note))
            except cf.CarryRefused as exc:
                raise UserError(f"{exc} ({len(done)} carried forward before this, the rest "
                                "not)") from None
    return done


def _cycle(cycle: int | None) -> str:
    return f" (cycle {cycle})" if cycle is not None else ""


def _print_suggestion(s: cf.Suggestion, out: TextIO) -> None:
    for c in s.candidates:
        out.write(f"{s.reference}{_cycle(s.cycle)} repeats {c.earlier_reference}"
                  f"{_cycle(c.earlier_cycle)}\t[{s.cluster_id}]\n")
        agencies = ", ".join(f"{code} ({role})" for code, _n, role in c.agencies)
        out.write(f"\tagencies: {agencies or 'none to add'}\n")
        for _aid, title, code in c.actions:
            out.write(f"\taction: {title} ({code})\n")
        out.write(f"\tprogress updates: {c.progress}\n\twhy: {c.reason}\n")


def _as_json(s: cf.Suggestion) -> dict[str, object]:
    return {"cluster": s.cluster_id, "reference": s.reference, "cycle": s.cycle,
            "text": s.text, "candidates": [{
                "earlier_reference": c.earlier_reference, "earlier_cycle": c.earlier_cycle,
                "earlier_text": c.earlier_text,
                "agencies": [{"code": code, "name": name, "role": role}
                             for code, name, role in c.agencies],
                "actions": [{"id": aid, "title": title, "agency": code}
                            for aid, title, code in c.actions],
                "progress": c.progress, "reason": c.reason} for c in s.candidates]}


def _lineage_json(x: cf.Lineage) -> dict[str, object]:
    return {"id": x.id, "reference": x.reference, "describe": x.describe(),
            "direction": x.direction, "other": x.earlier_reference,
            "other_cycle": x.earlier_cycle, "verdict": x.verdict,
            "agencies": list(x.agencies), "actions": list(x.actions), "by": x.decided_by,
            "at": x.decided_at.replace(microsecond=0).isoformat(), "note": x.note}


def _lineage(record: Record, reference: str, as_json: bool) -> int:
    found = cf.lineage(record, reference)
    if as_json:
        print_json({"reference": reference, "lineage": [_lineage_json(x) for x in found]})
        return 0
    for x in found:
        sys.stdout.write(f"{x.describe()}\t{x.decided_by}\t"
                         f"{x.decided_at:%Y-%m-%d %H:%M}\t{x.id}\n")
    if not found:
        sys.stdout.write(f"{reference}: no carry-forward decision\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"overlap": cmd_overlap}
