"""`nmrf indicator`: add and link indicators, import, list and export their values (issue 14).

The contract scripts rely on: `add`, `import-values`, `values --json`, `list --json`,
`link`, `show [--json]`, `export-values` and `release`, with the JSON keys of
`domain.indicators` (`as_list_json`, `ValueRecord.as_json`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from nmrf_desktop.cli import indicator_values
from nmrf_desktop.cli.common import Subparsers, UserError, open_from_args, print_json, whole
from nmrf_desktop.domain.indicators import (
    Direction,
    IndicatorDraft,
    IndicatorKind,
    IndicatorRecord,
    InvalidIndicator,
    describe_disaggregation,
)
from nmrf_desktop.files import check_regular
from nmrf_desktop.importers.base import unusable
from nmrf_desktop.services import indicator_release, indicators
from nmrf_desktop.services.indicators import IndicatorRefused


def register(sub: Subparsers) -> None:
    """Add `nmrf indicator` to the parser."""
    ind = sub.add_parser("indicator", help="indicators: add, link, import and export values")
    acts = ind.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = acts.add_parser("add", help="add an indicator (coordinator, central record)")
    add.add_argument("code", metavar="CODE")
    add.add_argument("--title", required=True)
    add.add_argument("--title-mi", default="", help="the title in te reo Māori")
    add.add_argument("--kind", required=True, choices=[k.value for k in IndicatorKind])
    add.add_argument("--unit", default="")
    add.add_argument("--unit-multiplier", type=whole(0, 15), default=0, metavar="N",
                     help="values are in units of 10^N (default 0)")
    add.add_argument("--direction", choices=[d.value for d in Direction],
                     help="up: higher is better; down: lower is better; none: neither")
    add.add_argument("--sdg", metavar="CODE", help="global SDG indicator, e.g. 16.3.2")
    add.add_argument("--steward", metavar="AGENCY", help="agency code, e.g. MOJ")
    add.add_argument("--rec", action="append", default=[], metavar="REF",
                     help="a recommendation it measures (repeat for more)")
    add.add_argument("--cluster", action="append", default=[], metavar="ID",
                     help="an overlap cluster it measures (repeat for more)")
    add.add_argument("--source", default="")
    add.add_argument("--method", default="")
    add.add_argument("--baseline", metavar="VALUE")
    add.add_argument("--baseline-period", metavar="PERIOD", help="2019, 2019-Q1, 2019/20")
    add.add_argument("--target", metavar="VALUE")
    add.add_argument("--target-period", metavar="PERIOD")
    add.add_argument("--maori-data", action="store_true",
                     help="Māori data: never public unless --release-public (needs "
                     "--governance)")
    add.add_argument("--governance", default="", metavar="TEXT",
                     help="the iwi/Māori organisation or agency holding governance")
    add.add_argument("--governance-note", default="")
    add.add_argument("--release-public", action="store_true",
                     help="its holders released it for public outputs")

    link = acts.add_parser("link", help="link an indicator to recommendations or clusters")
    link.add_argument("code", metavar="CODE")
    link.add_argument("--rec", nargs="+", action="extend", default=[], metavar="REF")
    link.add_argument("--cluster", nargs="+", action="extend", default=[], metavar="ID")

    imp = acts.add_parser("import-values", help="import values from a CSV or XLSX file in "
                          "the Open SDG layout (Year, disaggregations…, Value)")
    imp.add_argument("code", metavar="CODE")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--encoding", help="force a CSV file's encoding (default: UTF-8, "
                     "else Mac Roman)")
    imp.add_argument("--json", action="store_true")

    val = acts.add_parser("values", help="an indicator's values (current ones)")
    val.add_argument("code", metavar="CODE")
    val.add_argument("--history", action="store_true", help="every version of every value")
    val.add_argument("--json", action="store_true")

    lst = acts.add_parser("list", help="every indicator")
    lst.add_argument("--json", action="store_true")

    show = acts.add_parser("show", help="one indicator: its fields, SDG, links and trends")
    show.add_argument("code", metavar="CODE")
    show.add_argument("--json", action="store_true")

    exp = acts.add_parser("export-values", help="write the values in the Open SDG layout "
                          "(CSV, or XLSX for a .xlsx name)")
    exp.add_argument("code", metavar="CODE")
    exp.add_argument("file", type=Path, metavar="FILE")

    rel = acts.add_parser("release", help="record that an indicator's Māori data may appear "
                          "in public outputs, as its holders agreed (or --withdraw that)")
    rel.add_argument("code", metavar="CODE")
    rel.add_argument("--withdraw", action="store_true",
                     help="withhold it from public outputs again")
    rel.add_argument("--reason", default="", metavar="TEXT",
                     help="the holders' decision, kept in the audit log")

    indicator_values.register(acts)  # record-value, undo-value: on a laptop (issue 14.5)


def _draft(args: argparse.Namespace) -> IndicatorDraft:
    if args.maori_data and not args.governance.strip():
        raise UserError("--maori-data needs --governance: name the iwi/Māori organisation "
                        "or agency that holds governance over the data; nothing was added")
    return IndicatorDraft(
        code=args.code, title=args.title, kind=args.kind, title_mi=args.title_mi,
        unit=args.unit, unit_multiplier=args.unit_multiplier, direction=args.direction,
        source=args.source, method=args.method, steward=args.steward, sdg=args.sdg,
        baseline_value=args.baseline, baseline_period=args.baseline_period,
        target_value=args.target, target_period=args.target_period,
        maori_data=args.maori_data, governance=args.governance,
        governance_note=args.governance_note, release_public=args.release_public,
        recommendations=tuple(args.rec), clusters=tuple(args.cluster))


def _one_line(item: IndicatorRecord) -> str:
    links = len(item.recommendations)
    return (f"{item.code}\t{item.kind}\t{item.title}\t{item.values} values\t"
            f"{links} recommendation{'s' if links != 1 else ''}")


def _add(args: argparse.Namespace) -> int:
    item = indicators.add_indicator(open_from_args(args), _draft(args))
    sys.stdout.write(f"added indicator {_one_line(item)}\n")
    return 0


def _link(args: argparse.Namespace) -> int:
    item, refs, clusters = indicators.link(open_from_args(args), args.code, args.rec,
                                           args.cluster)
    sys.stdout.write(f"linked {item.code}: {len(refs)} recommendations and {len(clusters)} "
                     f"clusters added ({len(item.recommendations)} and {len(item.clusters)} "
                     "in all)\n")
    return 0


def _release(args: argparse.Namespace) -> int:
    item = indicator_release.set_release(open_from_args(args), args.code, not args.withdraw,
                                         reason=args.reason)
    state = ("released for public outputs" if item.release_public
             else "withheld from public outputs")
    sys.stdout.write(f"{item.code}: Māori data {state} (governance: {item.governance})\n")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:  # a folder, a FIFO, a device: refused at once, in the importers' words
        check_regular(args.file)
    except OSError as exc:
        raise unusable(args.file, exc) from None
    report = indicators.import_values(open_from_args(args), args.code, args.file,
                                      encoding=args.encoding)
    if args.json:
        print_json(report.as_json())
    else:
        sys.stdout.write(f"{report.code}: {report.summary()}\n")
    return 0


def _values(args: argparse.Namespace) -> int:
    rows = indicators.values(open_from_args(args), args.code, history=args.history)
    if args.json:
        print_json([r.as_history_json() if args.history else r.as_json() for r in rows])
        return 0
    for r in rows:
        flag = "" if r.current else f"\tsuperseded (version {r.version})"
        units = f" {r.units}" if r.units else ""
        sys.stdout.write(f"{r.period}\t{describe_disaggregation(r.disaggregation)}\t"
                         f"{r.value}{units}\t{r.status}{flag}\n")
    return 0


def _list(args: argparse.Namespace) -> int:
    items = indicators.list_indicators(open_from_args(args))
    if args.json:
        print_json([i.as_list_json() for i in items])
    else:
        for item in items:
            sys.stdout.write(_one_line(item) + "\n")
    return 0


def _show(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    item = indicators.get_indicator(record, args.code)
    found = indicators.trends(record, item.code)
    if args.json:
        print_json({**item.as_json(), "trends": [t.as_json() for t in found]})
        return 0
    out = [f"{item.code}: {item.title}"]
    if item.title_mi:
        out.append(f"  te reo Māori: {item.title_mi}")
    out.append(f"  kind: {item.kind}; unit: {item.unit or '-'}; direction: "
               f"{item.direction or 'not set'}; steward: {item.steward or '-'}")
    if item.sdg:
        out.append(f"  SDG {item.sdg}: {item.sdg_title or '(no official title)'}")
    if item.baseline_value is not None:
        out.append(f"  baseline: {item.baseline_value} ({item.baseline_period or '-'})")
    if item.target_value is not None:
        out.append(f"  target: {item.target_value} ({item.target_period or '-'})")
    if item.maori_data:
        out.append(f"  Māori data, governance: {item.governance}"
                   + ("; released for public outputs" if item.release_public
                      else "; not public"))
    out.append(f"  recommendations: {', '.join(item.recommendations) or '-'}")
    if item.clusters:
        out.append(f"  overlap clusters: {', '.join(item.clusters)}")
    for t in found:
        change = "" if t.change is None else f", change {t.change} since {t.baseline_period}" \
            + (f" ({t.change_percent:+.1f}%)" if t.change_percent is not None else "")
        units = f" {t.units}" if t.units else ""
        out.append(f"  {describe_disaggregation(t.disaggregation)}: latest {t.latest_value}"
                   f"{units} ({t.latest_period}){change}: {t.trend.value}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _export(args: argparse.Namespace) -> int:
    out: Path = args.file
    if out.is_dir():  # said before any work; a device or pipe is refused by the writer
        raise UserError(f"{out} is a folder; name the file to write")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise UserError(f"cannot write {out}: the folder {out.parent} does not exist")
    n = indicators.export_values(open_from_args(args), args.code, args.file)
    sys.stdout.write(f"wrote {n} values to {args.file}\n")
    return 0


_ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": _add, "link": _link, "import-values": _import, "values": _values,
    "list": _list, "show": _show, "export-values": _export, "release": _release,
    **indicator_values.ACTIONS,
}


def cmd_indicator(args: argparse.Namespace) -> int:
    return _ACTIONS[args.action](args)


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (IndicatorRefused, InvalidIndicator,
                                         *indicator_values.REFUSALS)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"indicator": cmd_indicator}
