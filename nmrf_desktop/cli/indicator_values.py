"""`nmrf indicator record-value` and `undo-value`: an officer records a value on a laptop.

Registered by `cli/indicators.py` as two more actions of `nmrf indicator`. The value goes
in the next update bundle; until then `undo-value ID` takes it back.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from nmrf_desktop.cli.common import Subparsers, UserError, open_from_args, print_json
from nmrf_desktop.domain.indicator_values import InvalidValue
from nmrf_desktop.domain.indicators import ValueStatus
from nmrf_desktop.services import indicator_entry
from nmrf_desktop.services.indicator_entry import ValueRefused


def register(acts: Subparsers) -> None:
    """Add `record-value` and `undo-value` to `nmrf indicator`'s actions."""
    rec = acts.add_parser("record-value", help="record a value on this laptop (an officer "
                          "of the indicator's steward agency); it goes in the next bundle")
    rec.add_argument("code", metavar="CODE")
    rec.add_argument("--period", required=True, metavar="P", help="2019, 2019-Q1, 2019/20")
    rec.add_argument("--value", required=True, metavar="V", help="a number, e.g. 44.5")
    rec.add_argument("--disaggregation", action="append", default=[], metavar="KEY=VALUE",
                     help="the group the value is for, e.g. Ethnicity=Māori (repeat for "
                     "more; none: the total)")
    rec.add_argument("--units", default="", help="the series' units, as its other values "
                     "have them (e.g. 'Percentage (%%)')")
    rec.add_argument("--status", choices=[s.value for s in ValueStatus],
                     default=ValueStatus.FINAL.value)
    rec.add_argument("--note", default="")
    rec.add_argument("--evidence", metavar="ID", help="the id of evidence on this laptop")
    rec.add_argument("--json", action="store_true")

    undo = acts.add_parser("undo-value", help="take back a value recorded here and not yet "
                           "sent")
    undo.add_argument("value_id", metavar="ID")
    undo.add_argument("--json", action="store_true")


def _groups(items: list[str]) -> dict[str, str]:
    groups: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(f"--disaggregation {item!r}: write it as KEY=VALUE, e.g. "
                            "Ethnicity=Māori; nothing was recorded")
        if name.strip() in groups:
            raise UserError(f"--disaggregation names {name.strip()!r} twice; nothing was "
                            "recorded")
        groups[name.strip()] = value.strip()
    return groups


def _record(args: argparse.Namespace) -> int:
    done = indicator_entry.record_value(
        open_from_args(args), args.code, period=args.period, value=args.value,
        disaggregation=_groups(args.disaggregation), units=args.units, status=args.status,
        note=args.note, evidence_id=args.evidence)
    if args.json:
        print_json(done.as_json())
    else:
        sys.stdout.write(done.summary() + (f"\t{done.value_id}" if done.changed else "")
                         + "\n")
    return 0


def _undo(args: argparse.Namespace) -> int:
    taken = indicator_entry.undo_value(open_from_args(args), args.value_id.strip())
    if args.json:
        print_json(taken.as_json())
    else:
        sys.stdout.write(f"took back {taken.code} {taken.period}: {taken.value}\n")
    return 0


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "record-value": _record, "undo-value": _undo}

# What these actions refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (ValueRefused, InvalidValue)
