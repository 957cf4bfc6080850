"""The `nmrf` command: every non-GUI job, scriptable, with stable names and JSON keys.

This module builds the parser from each wing's `register` and dispatches to its COMMANDS;
a refusal of any wing is one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from nmrf_desktop import __version__
from nmrf_desktop.cli import (
    backup,
    calendar,
    exchange,
    migrate,
    overlap,
    records,
    reports,
)
from nmrf_desktop.cli.common import UserError
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.policy import default_database
from nmrf_desktop.services.record import RecordUnavailable

log = logging.getLogger("nmrf")

# Each wing's commands, in the order `nmrf --help` lists them.
WINGS = (records, exchange, overlap, reports, backup, calendar, migrate)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    name: command for wing in WINGS for name, command in wing.COMMANDS.items()}

# Refusals of any wing: one line on stderr, exit code 1 (RecordUnavailable: e.g. migrate-to's
# target).
REFUSED: tuple[type[Exception], ...] = (
    UserError, FileNotFoundError, PermissionError, RecordUnavailable, *exchange.REFUSALS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmrf", description="Follow up UN human-rights recommendations (NMRF Desktop).")
    parser.add_argument("--db", help="database file or URL (default: $NMRF_DB, else "
                        f"{default_database()})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--version", action="version", version=f"nmrf {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for wing in WINGS:
        wing.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args.opened = []
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows up here, not after main() returned
        return status
    except BrokenPipeError:
        # The reader went away (`nmrf search … | head`): stop quietly, as `cat` would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ImportFailed as exc:
        sys.stderr.write(f"nmrf: import failed, nothing was changed: {exc}\n")
        for problem in exc.problems[1:]:
            sys.stderr.write(f"  {problem}\n")
        return 1
    except REFUSED as exc:
        sys.stderr.write(f"nmrf: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("nmrf: interrupted, nothing was changed\n")
        return 130
    finally:
        for record in args.opened:
            record.close()


if __name__ == "__main__":
    sys.exit(main())
