"""`nmrf backup`, `nmrf restore` and `nmrf policy show`: keeping the record safe."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .paths import default_database


class MaintenanceError(Exception):
    """Refused, with a reason for the user (one line on stderr, exit code 1)."""


def register(sub: Any) -> None:
    b = sub.add_parser("backup", help="back the database up (SQLite backup API, verified)")
    b.add_argument("--out", type=Path, metavar="FILE",
                   help="write the backup here (default: the user data folder's backups/, "
                   "keeping the number the settings say)")
    r = sub.add_parser("restore", help="replace the database by a backup that verifies "
                       "(the current file is kept as a safety copy)")
    r.add_argument("file", type=Path, metavar="FILE", nargs="?",
                   help="the backup to restore (default: the latest one that verifies)")
    r.add_argument("--force", action="store_true",
                   help="restore even though the current database is not damaged")
    p = sub.add_parser("policy", help="the organisation's provisioned settings")
    ps = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ps.add_parser("show", help="the policy file in force and every setting's value"
                  ).add_argument("--json", action="store_true")


def _database(args: argparse.Namespace) -> Path:
    target = args.db or os.environ.get("NMRF_DB") or str(default_database())
    if "://" in target:
        raise MaintenanceError("backup and restore work on a database file, not a server URL")
    return Path(target).expanduser().resolve()


def cmd_backup(args: argparse.Namespace) -> int:
    from .services import backup

    database = _database(args)
    if not database.is_file():
        raise MaintenanceError(f"no database at {database}")
    try:
        out = backup.backup_database(database, args.out)
    except backup.BackupFailed as exc:
        raise MaintenanceError(str(exc)) from None
    sys.stdout.write(f"backed up {database} to {out}\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .services import backup
    from .services.instance import DatabaseInUse

    database = _database(args)
    chosen = args.file
    if chosen is None:
        chosen = backup.latest_good_backup(database)
        if chosen is None:
            raise MaintenanceError(f"no backup of {database.name} verifies; name one as FILE")
    try:
        done = backup.restore(database, chosen, force=args.force)
    except (backup.RestoreRefused, DatabaseInUse) as exc:
        raise MaintenanceError(str(exc)) from None
    sys.stdout.write(f"restored {database} from {done.backup}\n")
    if done.safety_copy is not None:
        sys.stdout.write(f"the previous file was kept as {done.safety_copy}\n")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from . import policy, settings
    from .settings import CENTRAL_KEY

    current = policy.current()
    rows = []
    for option in settings.OPTIONS:
        resolved = settings.resolve(option)
        rows.append({"key": option.key, "policy_key": option.policy or None,
                     "value": resolved.value, "source": resolved.source,
                     "locked": resolved.locked})
    searched = [str(p) for p in policy.locations()]
    refused = current.damaged or CENTRAL_KEY.policy in current.bad_keys
    info = {"file": str(current.path) if current.path else None, "searched": searched,
            "damaged": current.damaged, "errors": list(current.errors), "settings": rows}
    if args.json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
        return 1 if refused else 0
    if current.path is None:
        sys.stdout.write("no policy file (looked in: " + ", ".join(searched) + ")\n")
    else:
        state = ("DAMAGED: none of it applies, packs are refused" if current.damaged else
                 "in force; its central key is malformed, packs are refused"
                 if CENTRAL_KEY.policy in current.bad_keys
                 else "in force")
        sys.stdout.write(f"policy file {current.path} ({state})\n")
    for problem in current.errors:
        sys.stdout.write(f"  problem: {problem}\n")
    for row in rows:
        mark = "locked" if row["locked"] else row["source"]
        sys.stdout.write(f"{row['key']}\t{row['value']!r}\t{mark}\n")
    return 1 if refused else 0


def _refusing(command: Callable[[argparse.Namespace], int]
              ) -> Callable[[argparse.Namespace], int]:
    """A refusal is one line on stderr and exit code 1 (no wiring needed in cli.main)."""
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except MaintenanceError as exc:
            sys.stderr.write(f"nmrf: {exc}\n")
            return 1
    return run


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": _refusing(cmd_backup), "restore": _refusing(cmd_restore),
    "policy": _refusing(cmd_policy),
}
