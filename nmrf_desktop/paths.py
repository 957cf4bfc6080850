"""Where things live: user data/config/log folders and the bundled resources and migrations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "nmrf-desktop"
APP_AUTHOR = "NMRF"
# A record's own folders, beside its database file (or in the data folder): its evidence,
# its encrypted signing keys, the bundles it sent and the bundles it holds.
RECORD_FOLDERS = ("evidence", "keys", "sent", "held")
# SQLite's companions of a database file: write-ahead log, shared memory, rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def install_root() -> Path:
    """The folder holding resources/ and db/: the checkout in development, the bundle frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def migrations_dir() -> Path:
    return install_root() / "db"


def user_data_dir() -> Path:
    override = os.environ.get("NMRF_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def demo_database() -> Path:
    """Where the demo database (built from the bundled real New Zealand data) is kept."""
    return user_data_dir() / "demo" / "nmrf-demo.sqlite3"


def demo_source() -> Path:
    return resources_dir() / "demo" / "upr_info_new_zealand_2009_2014.csv"
