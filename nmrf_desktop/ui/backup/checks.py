"""What the safety hub checks on the worker (no Qt): damage before opening, a good backup."""

from __future__ import annotations

from pathlib import Path

from nmrf_desktop.services import catalog
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.record import DatabaseRefused, RecordUnavailable, not_damage


class DamagedDatabase(RecordUnavailable):
    """PRAGMA quick_check failed at start: the file is damaged (nothing was written to it)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path.name} is damaged: {problems[0]}")


class PolicyRefused(DatabaseRefused):
    """The organisation's policy does not allow a database in this place."""


def refuse_if_damaged(database: Path) -> None:
    """DamagedDatabase when `database` is too damaged to open; nothing is written to it.

    A SQLite file is damaged when its quick_check fails. Any other file is damaged when
    backups of this database exist (it was one); else it is RecordUnavailable: not a
    database. A file cut short before its header is never made a new, empty database.
    """
    if backup.is_sqlite_file(database):
        problems = backup.quick_check(database)
        refusal = not_damage(database) if problems else None
        if refusal is not None:  # read-only, locked, unreadable: said as it is, not damage
            raise refusal
        if problems:
            raise DamagedDatabase(database, problems)
        return
    if not catalog.file_problems(database):
        return  # not there yet, or empty: a new database
    if backup.list_backups(database):
        raise DamagedDatabase(database, ["file is not a database"])
    raise RecordUnavailable(f"cannot open the database {database}: file is not a database")


def latest_good(database: Path) -> tuple[Path, backup.Contents] | None:
    """The newest backup that verifies, and what it holds."""
    found = backup.latest_good_backup(database)
    return None if found is None else (found, backup.describe(found))
