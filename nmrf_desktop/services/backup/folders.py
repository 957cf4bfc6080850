"""Where a database's automatic backups live, and which backups are there."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from nmrf_desktop.paths import user_data_dir
from nmrf_desktop.policy import data_home

log = logging.getLogger(__name__)

SUFFIX = ".nmrfbackup"  # a backup: a folder with database.sqlite3, manifest.json, evidence/…
OLD_SUFFIX = ".sqlite3"  # a backup from before folders: the database file alone

_warned_earlier: set[Path] = set()  # backup folders left outside the policy's data folder


def backup_folder(database: Path | str) -> Path:
    """This database's automatic backups: <data home>/backups/<name>-<hash of its path>/.

    The data home is the organisation's data folder when its policy sets one (a backup holds
    the whole record: it stays where databases may live), else the user data folder. Backups
    made before the policy set a folder are not moved; a warning names them once.
    """
    path = Path(database).expanduser().resolve()
    tag = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    folder = data_home() / "backups" / f"{path.stem}-{tag}"
    earlier = user_data_dir() / "backups" / folder.name
    if earlier != folder and earlier not in _warned_earlier and earlier.is_dir():
        _warned_earlier.add(earlier)
        log.warning("earlier automatic backups of %s are in %s, outside your organisation's "
                    "data folder; they are no longer listed or rotated (new ones go to %s): "
                    "move them there or delete them", path, earlier, folder)
    return folder


def list_backups(database: Path | str) -> list[Path]:
    """The backups in this database's backup folder (folders, and old single files), newest
    first."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if not p.name.startswith(".")
             and ((p.suffix == SUFFIX and p.is_dir()) or (p.suffix == OLD_SUFFIX and p.is_file()))]
    return sorted(found, key=lambda p: p.name, reverse=True)
