"""`nmrf backup`, `nmrf restore` and `nmrf policy show`: keeping the record safe."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from nmrf_desktop import policy, settings
from nmrf_desktop.cli.common import Subparsers, UserError, database_target, missing_record
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.backup.summary import counted
from nmrf_desktop.services.instance import DatabaseInUse
from nmrf_desktop.services.record import (
    RecordMissing,
    RecordUnavailable,
    check_database_file,
    database_file,
    parse_target,
    policy_refusal,
    shown,
)
from nmrf_desktop.settings import CENTRAL_KEY


class MaintenanceError(Exception):
    """Refused, with a reason for the user (one line on stderr, exit code 1)."""


def register(sub: Subparsers) -> None:
    """Add `nmrf backup`, `nmrf restore` and `nmrf policy` to the `nmrf` parser."""
    b = sub.add_parser("backup", help="back the record up: its database (SQLite backup API), "
                       "the evidence files it names and the signing keys, with a manifest")
    what = b.add_mutually_exclusive_group()
    what.add_argument("--out", type=Path, metavar="FOLDER",
                      help="write the backup to this new folder (default: the user data "
                      "folder's backups/, keeping the number the settings say); evidence "
                      "already in a backup beside it is hard-linked, not copied")
    what.add_argument("--list", action="store_true",
                      help="list this database's backups, newest first, and what each holds")
    what.add_argument("--verify", type=Path, metavar="BACKUP",
                      help="check every file of a backup against its manifest, and its "
                      "database")
    r = sub.add_parser("restore", help="replace the database by a backup that verifies and "
                       "put back its evidence and keys (the current file is kept as a "
                       "safety copy; existing key files are never overwritten)")
    r.add_argument("file", type=Path, metavar="BACKUP", nargs="?",
                   help="the backup folder (or an old .sqlite3 backup) to restore (default: "
                   "the latest one that verifies)")
    r.add_argument("--force", action="store_true",
                   help="restore even though the current database is not damaged")
    p = sub.add_parser("policy", help="the organisation's provisioned settings")
    ps = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ps.add_parser("show", help="the policy file in force and every setting's value"
                  ).add_argument("--json", action="store_true")


def _database(args: argparse.Namespace) -> Path:
    """The database file to back up or restore (it may be missing: its backups are listed,
    and restored, all the same); refused: a server's record, a folder, the policy's."""
    target = database_target(args)
    database = database_file(parse_target(target))
    if database is None:
        raise MaintenanceError(f"backup and restore work on a database file; {shown(target)} "
                               "is a server's record (its administrators back it up)")
    refusal = policy_refusal(target)  # the same rule as every other command's database
    if refusal:
        raise MaintenanceError(refusal)
    if database.is_dir():
        raise MaintenanceError(f"cannot open the database {database}: it is a folder, not a "
                               "database file")
    return database


def _existing(database: Path) -> None:
    """Refuse to back up what is no record: a missing or empty file, or not a database."""
    try:
        check_database_file(database)
    except RecordMissing as exc:
        raise missing_record(exc.where) from None
    except RecordUnavailable as exc:
        raise UserError(str(exc)) from None


def cmd_backup(args: argparse.Namespace) -> int:
    database = _database(args)
    if args.list:
        for found in backup.list_backups(database):
            try:
                text = backup.describe(found).summary()
            except backup.ManifestProblem as exc:
                text = f"UNREADABLE: {exc}"
            sys.stdout.write(f"{found}\t{text}\n")
        return 0
    if args.verify is not None:
        return _verify(args.verify)
    _existing(database)
    try:
        out = backup.backup_database(database, args.out)
    except backup.BackupFailed as exc:
        raise MaintenanceError(str(exc)) from None
    contents = backup.describe(out)
    sys.stdout.write(f"backed up {database} to {out}\n  {contents.summary()}\n")
    if not contents.gaps:
        return 0
    for gap in contents.gaps:
        sys.stderr.write(f"nmrf: warning: {gap}\n")
    if len(contents.gaps) > contents.refused:
        sys.stderr.write("nmrf: the backup is incomplete: those files were already lost before "
                         "it was made (an older backup may still hold them)\n")
    if contents.refused:
        sys.stderr.write("nmrf: the database has evidence rows whose file name is not a SHA-256:"
                         " they were not followed; everything else is in the backup\n")
    return 1


def _verify(chosen: Path) -> int:
    problems = backup.verify(chosen)
    if problems:
        for problem in problems:
            sys.stderr.write(f"nmrf: {problem}\n")
        return 1
    sys.stdout.write(f"{chosen}: ok ({backup.describe(chosen).summary()})\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    database = _database(args)
    chosen = args.file
    if chosen is None:
        chosen = backup.latest_good_backup(database)
        if chosen is None:
            raise MaintenanceError(f"no backup of {database} verifies; name one as BACKUP")
    try:
        done = backup.restore(database, chosen, force=args.force)
    except backup.RestoreRefused as exc:
        hint = " (--force restores anyway)" if exc.overridable else ""
        raise MaintenanceError(f"{exc}{hint}") from None
    except DatabaseInUse as exc:
        raise MaintenanceError(str(exc)) from None
    sys.stdout.write(f"restored {database} from {done.backup}\n")
    if done.safety_copy is not None:
        sys.stdout.write(f"the previous file was kept as {done.safety_copy}\n")
    if done.evidence_files or done.key_files or done.bundle_files:
        sys.stdout.write(f"put back {counted(done.evidence_files, 'evidence file')}, "
                         f"{counted(done.key_files, 'key file')} and "
                         f"{counted(done.bundle_files, 'bundle file')}\n")
    for note in done.notes:
        sys.stdout.write(f"note: {note}\n")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    current = policy.current()
    rows = []
    for option in settings.OPTIONS:
        resolved = policy.resolve(option)
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


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (MaintenanceError,)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": _refusing(cmd_backup), "restore": _refusing(cmd_restore),
    "policy": _refusing(cmd_policy),
}
