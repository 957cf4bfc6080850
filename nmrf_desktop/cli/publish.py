"""`nmrf publish`: the public monitor, a static searchable website, from the record."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from nmrf_desktop.cli.common import Subparsers, UserError, open_from_args
from nmrf_desktop.reports.site.strings import LANGS
from nmrf_desktop.services.site import PublishError, PublishRequest, publish
from nmrf_desktop.services.state_scope import left_out_line

log = logging.getLogger("nmrf.publish")


def register(sub: Subparsers) -> None:
    """Add `nmrf publish` to the `nmrf` parser."""
    p = sub.add_parser("publish", help="the public site: every public recommendation, "
                       "action, progress update and indicator as a static, searchable "
                       "website in a folder (only what is marked public)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="the site's folder: new, empty, or a site this command made (then "
                   "only changed files are written, pages that are gone removed)")
    p.add_argument("--base-url", default="", metavar="URL",
                   help="the absolute address the site will live at, e.g. "
                   "https://monitor.example.govt.nz/ (default: relative links only)")
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="the language of the site's own words: en (default) or mi (te reo "
                   "Māori where translated)")


class _LogProgress:
    """Progress as log lines (stderr with -v): each stage, and every tenth of it."""

    def __init__(self) -> None:
        self.total = self.done = self.step = 0
        self.label = ""

    def start(self, total: int, label: str = "") -> None:
        self.total, self.done, self.label = total, 0, label
        self.step = max(1, total // 10)
        log.info("%s%s", label, f" ({total:,} steps)" if total else "")

    def advance(self, amount: int = 1) -> None:
        before = self.done // self.step
        self.done += amount
        if self.total and self.done // self.step != before:
            log.info("%s: %d of %d", self.label, min(self.done, self.total), self.total)

    def finish(self) -> None:
        log.info("done")


def cmd_publish(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    request = PublishRequest(args.out, args.base_url, args.lang)
    try:
        result = publish(record, request, _LogProgress())
    except PublishError as exc:
        raise UserError(str(exc)) from None
    sys.stdout.write(
        f"published {result.recommendations} recommendations as {result.pages} pages to "
        f"{result.folder}: {result.written} files written, {result.unchanged} unchanged, "
        f"{result.removed} removed; search index {result.index_bytes:,} bytes\n")
    if result.left_out:
        sys.stdout.write(left_out_line(list(result.left_out)) + "\n")
    return 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = ()

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"publish": cmd_publish}
