"""The overlap commands of `nmrf`: detect clusters, list them, and record human decisions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from nmrf_desktop.cli.common import Subparsers, UserError, open_from_args
from nmrf_desktop.services import overlap


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
    except overlap.OverlapRefused as exc:
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


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"overlap": cmd_overlap}
