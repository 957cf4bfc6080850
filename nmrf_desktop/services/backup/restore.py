"""Verifying a backup against its manifest, and restoring it without overwriting anything."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop.faults import crashpoint
from nmrf_desktop.files import check_regular
from nmrf_desktop.services.backup import files
from nmrf_desktop.services.backup.database import (
    copy,
    evidence_names,
    fold_wal,
    fsync,
    lock_holder,
    put_back,
    quick_check,
    remove,
    set_aside,
    stamp,
)
from nmrf_desktop.services.backup.folders import list_backups
from nmrf_desktop.services.backup.manifest import (
    DATABASE,
    MANIFEST,
    Manifest,
    ManifestProblem,
    read as read_manifest,
)
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.instance import InstanceGuard
from nmrf_desktop.services.record import RecordUnavailable, open_record

log = logging.getLogger(__name__)


class RestoreRefused(Exception):
    """A restore was refused before the database was replaced: the reason says why.

    `overridable`: the person may insist (the database is not damaged)."""

    def __init__(self, message: str, *, overridable: bool = False) -> None:
        super().__init__(message)
        self.overridable = overridable


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    backup: Path
    safety_copy: Path | None  # the database as it was, set aside (None: there was none)
    evidence_files: int = 0  # evidence files put back (those missing or damaged)
    key_files: int = 0
    bundle_files: int = 0
    set_aside: tuple[Path, ...] = ()  # damaged evidence moved aside; backup copies of keys
    notes: tuple[str, ...] = ()  # what the user should know: conflicts, gaps, old format


def _located(backup: Path | str) -> Path:
    """A backup named by its folder, its manifest.json, or (old format) its database file."""
    path = Path(backup).expanduser().resolve()
    return path.parent if path.name == MANIFEST and path.is_file() else path


def verify(backup: Path | str) -> list[str]:
    """Everything wrong with a backup: every file must match the manifest's hash, and the
    database must open, migrate, pass `catalog.check` and name no evidence it lacks."""
    with tempfile.TemporaryDirectory(prefix="nmrf-verify-") as scratch:
        return _verify_into(_located(backup), Path(scratch) / "verify.sqlite3")[1]


def _verify_into(source: Path, copy_to: Path) -> tuple[Manifest | None, list[str]]:
    """Check `source` and leave a checked copy of its database at `copy_to`."""
    if not source.exists():
        return None, [f"no backup at {source}"]
    if not source.is_dir():
        try:
            check_regular(source)  # a FIFO or device is no backup, and never waited on
        except OSError as exc:
            return None, [f"{source}: {exc.strerror or exc}"]
        return None, _verify_copy(source, copy_to)
    try:
        manifest = read_manifest(source)
    except ManifestProblem as exc:
        return None, [str(exc)]
    problems = files.check(source, manifest) or _verify_copy(source / DATABASE, copy_to)
    if problems:
        return manifest, problems
    held = {e.sha256 for e in manifest.of_kind("evidence").values()}
    held |= {g.name for g in manifest.gaps if g.kind == "evidence"}
    return manifest, [f"{source}: its database names the evidence file {name or '(no name)'}"
                      f" ({sha}), which the backup does not hold"
                      for sha, name in sorted(evidence_names(copy_to).items()) if sha not in held]


def _verify_copy(source: Path, copy_to: Path) -> list[str]:
    """Copy `source` to `copy_to`, open it (migrating to head) and check it; [] when sound."""

    try:
        copy(source, copy_to)
    except (sqlite3.Error, OSError) as exc:
        return [f"{source} cannot be read as a database: {exc}"]
    problems = quick_check(copy_to)
    if problems:
        return [f"{source}: {p}" for p in problems]
    try:
        record = open_record(copy_to, create=False, app_owned=True)  # a scratch copy
    except (RecordUnavailable, FileNotFoundError) as exc:
        return [f"{source}: {exc}"]
    try:
        return check(record)
    finally:
        record.close()


def latest_good_backup(database: Path | str) -> Path | None:
    """The newest backup of this database that verifies, or None."""

    for candidate in list_backups(database):
        problems = verify(candidate)
        if not problems:
            return candidate
        log.warning("backup %s does not verify: %s", candidate, problems[0])
    return None


def restore(database: Path | str, backup: Path | str, *, force: bool = False) -> Restored:
    """Replace a database by a verified backup, and put back the evidence, keys and bundle
    files it holds that are missing; the current database is set aside, never deleted.

    Refused (RestoreRefused, the database untouched) when the backup does not verify, when
    another program holds the database's write lock, or when the current database is sound
    and `force` is not given (work since the backup would go); DatabaseInUse when an app has
    it open. Key files already there are never overwritten (see backup_files.put_back)."""
    target = Path(database).expanduser().resolve()
    source = _located(backup)
    if not source.exists():
        raise RestoreRefused(f"no backup at {source}")
    if source == target:
        raise RestoreRefused("the backup is the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    with InstanceGuard(target):
        holder = lock_holder(target) if target.exists() else None
        if holder:
            raise RestoreRefused(f"{target} is in use by another program ({holder}): close it "
                                 "and try again; nothing was changed")
        if target.exists() and not force and not quick_check(target):
            raise RestoreRefused(f"{target.name} is not damaged: restoring would lose every "
                                 "change made since the backup; restore it anyway only if you "
                                 "mean to (the current file is kept as a safety copy)",
                                 overridable=True)
        staged = target.with_name(f".{target.name}.restoring")
        remove(staged)
        try:
            manifest, problems = _verify_into(source, staged)
            if problems:
                raise RestoreRefused(f"the backup {source.name} does not verify, nothing was "
                                     f"changed: {problems[0]}")
            fold_wal(staged)
            back = _put_files_back(source, manifest, target.parent)
            crashpoint("restore:files-put-back")
            safety = set_aside(target) if target.exists() else None
            try:
                os.replace(staged, target)
            except OSError:
                if safety is not None:
                    put_back(safety, target)
                raise
            fsync(target)
        finally:
            remove(staged)
    log.warning("restored %s from %s (safety copy: %s)", target, source, safety)
    for note in back.notes:
        log.warning("restore: %s", note)
    return Restored(target, source, safety, back.evidence, back.keys, back.bundles,
                    tuple(back.set_aside), tuple(back.notes))


def _put_files_back(source: Path, manifest: Manifest | None, data_root: Path) -> files.PutBack:
    if manifest is None:
        return files.PutBack(notes=[f"{source.name} is an old backup of the database alone: "
                                    "evidence files and keys were left as they are"])
    try:
        back = files.put_back(source, manifest, data_root, stamp())
    except files.FileProblem as exc:
        raise RestoreRefused(f"{exc}; the database was not replaced") from None
    except OSError as exc:
        raise RestoreRefused(f"cannot put back {exc.filename}: {exc.strerror or exc}; the "
                             "database was not replaced") from None
    back.notes += [f"not in the backup: {g.describe()}" for g in manifest.gaps]
    return back
