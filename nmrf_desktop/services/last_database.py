"""The database the desktop app opened last on this account, kept in a small plain file in
the user data folder so that the `nmrf` command and the app start from the same record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop import policy
from nmrf_desktop.files import atomic_write, private_folder
from nmrf_desktop.paths import user_data_dir
from nmrf_desktop.services import locations

log = logging.getLogger(__name__)

FILE_NAME = "last-database.txt"

LAST_OPENED = "the database the desktop app opened last"
DEFAULT = "the default database"


@dataclass(frozen=True, slots=True)
class DefaultDatabase:
    """The database a command works on when none is named, and why that one."""

    target: str  # a file path, or a server's address (no password)
    reason: str  # LAST_OPENED or DEFAULT


def pointer_file() -> Path:
    """Where the last database opened is written: <user data folder>/last-database.txt."""
    return user_data_dir() / FILE_NAME


def remember(location: str) -> None:
    """Note `location` (a path, or an address with its password hidden) as the database the
    app opened last. A file that cannot be written is logged, never raised: opening a
    record must not fail for it."""
    path = pointer_file()
    try:
        private_folder(path.parent)  # the user data folder: the owner's only
        with atomic_write(path) as fh:
            fh.write(location.strip().encode("utf-8") + b"\n")
    except OSError as exc:
        log.warning("cannot note the database opened in %s: %s", path, exc.strerror or exc)


def last_opened() -> str:
    """The database the app opened last on this account ("" when none was noted, or the
    note cannot be read)."""
    path = pointer_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return ""
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def default_database() -> DefaultDatabase:
    """The database the app opened last, while it is still there (a server is always
    taken); else the default database (`policy.default_database`, in the organisation's
    data folder when its policy sets one)."""
    last = last_opened()
    if last:
        try:
            where = locations.parse(last)
        except ValueError:
            log.warning("ignoring the last database noted in %s: %s", pointer_file(), last)
        else:
            if locations.is_server(where) or Path(where).is_file():
                return DefaultDatabase(str(where), LAST_OPENED)
    return DefaultDatabase(str(policy.default_database()), DEFAULT)
