"""The `nmrf` command: every non-GUI job, scriptable, with stable names and JSON keys.

This module builds the parser from each wing's `register` and dispatches to its COMMANDS.
Every error is one line on stderr: a refusal of any wing exits 1, a mistake in the
arguments exits 2 (the line names it and points to the command's --help, no usage text).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from nmrf_desktop import __version__
from nmrf_desktop.cli.common import UserError, default_in_force, os_error_line
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.services.record import RecordUnavailable

log = logging.getLogger("nmrf")

# Every command, and the wing (module of this package) that defines and runs it, in the
# order `nmrf --help` lists them. A command imports only its own wing, and so only the
# services and formats it uses: `nmrf search` does not load reportlab or the overlap
# detector (0.5 s to run, not 0.9 s); `nmrf --help` and a mistyped command load them all.
COMMAND_WINGS: dict[str, str] = {
    "init": "records", "import": "records", "export": "records", "search": "records",
    "assign": "records", "stats": "records", "check": "records", "agencies": "records",
    "keys": "exchange", "pack": "exchange", "bundle": "exchange", "conflicts": "exchange",
    "action": "exchange", "progress": "exchange", "demo": "exchange",
    "overlap": "overlap", "report": "reports", "draft": "drafting",
    "backup": "backup", "restore": "backup", "policy": "backup",
    "calendar": "calendar", "dashboard": "calendar", "migrate-to": "migrate",
    "indicator": "indicators",
    "publish": "publish",
}
WINGS = tuple(dict.fromkeys(COMMAND_WINGS.values()))

# Refusals of any command: one line on stderr, exit code 1 (RecordUnavailable: e.g.
# migrate-to's target); each wing adds its own in REFUSALS.
# (A file named on the command line that cannot be used is an OSError: one line naming it.)
REFUSED: tuple[type[Exception], ...] = (UserError, RecordUnavailable)


def wing(name: str) -> ModuleType:
    """One wing's module: `register(subparsers)`, `COMMANDS` and `REFUSALS`."""
    # Deferred on purpose (the one place): see COMMAND_WINGS.
    return importlib.import_module(f"nmrf_desktop.cli.{name}")


class _Parser(argparse.ArgumentParser):
    """`nmrf`'s parser (its subcommands' too): a mistake is one line naming it, exit 2."""

    # Whose --help the line points to: the command's, once main() knows it (the top
    # parser reports arguments no parser took, `nmrf search --bogus`).
    help_of = ""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see `{self.help_of or self.prog} "
                  "--help`\n")


class _Lenient(argparse.ArgumentParser):
    """A parser whose mistakes are left for the full parser to report."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named in `argv`, read past the global options; None if there is none
    (or the global options are wrong: the full parser then says how)."""
    globals_only = _Lenient(add_help=False)
    globals_only.add_argument("--db")
    globals_only.add_argument("--demo", action="store_true")
    globals_only.add_argument("-v", "--verbose", action="store_true")
    try:
        _known, rest = globals_only.parse_known_args(argv)
    except ValueError:
        return None
    return rest[0] if rest and rest[0] in COMMAND_WINGS else None


def build_parser(wings: Sequence[str] = WINGS) -> argparse.ArgumentParser:
    """The `nmrf` parser with these wings' commands (all of them by default)."""
    parser = _Parser(
        prog="nmrf", description="Follow up UN human-rights recommendations (NMRF Desktop).",
        epilog=f"database in force: {default_in_force()}",  # unwrapped: a path to copy
        formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--db", metavar="PATH|URL",
                       help="the database file, or postgresql://user@host/database (default: "
                       "$NMRF_DB, else the database the desktop app opened last, else the "
                       "default database; the one in force is named below)")
    which.add_argument("--demo", action="store_true",
                       help="the demo database of the desktop app (real New Zealand UPR "
                       "recommendations), built if needed")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--version", action="version", version=f"nmrf {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in wings:
        wing(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(argv)
    parser = build_parser([COMMAND_WINGS[command]] if command else WINGS)
    if command and isinstance(parser, _Parser):
        parser.help_of = f"nmrf {command}"
    args = parser.parse_args(argv)
    commands = wing(COMMAND_WINGS[args.command])
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args.opened = []
    try:
        status = int(commands.COMMANDS[args.command](args))
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
    except (*REFUSED, *commands.REFUSALS) as exc:
        sys.stderr.write(f"nmrf: {exc}\n")
        return 1
    except OSError as exc:  # a file named on the command line: a folder, unreadable, …
        sys.stderr.write(f"nmrf: {os_error_line(exc)}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("nmrf: interrupted, nothing was changed\n")
        return 130
    finally:
        for record in args.opened:
            record.close()


if __name__ == "__main__":
    sys.exit(main())
