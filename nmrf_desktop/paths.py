"""Where things live: user data/config/log folders and the bundled resources and migrations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from . import policy

APP_NAME = "nmrf-desktop"
APP_AUTHOR = "NMRF"


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


def data_home() -> Path:
    """Where the app keeps sensitive data that is not beside a database file (the default
    database, automatic backups, a server record's evidence and keys): the organisation's
    data folder when its policy sets one, else the user data folder."""
    return policy.allowed_data_folder() or user_data_dir()


def default_database() -> Path:
    """The embedded default database: one SQLite file in `data_home()` (so a data-folder
    policy allows it)."""
    return data_home() / "nmrf.sqlite3"


def demo_database() -> Path:
    """Where the demo database (built from the bundled real New Zealand data) is kept."""
    return user_data_dir() / "demo" / "nmrf-demo.sqlite3"


def demo_source() -> Path:
    return resources_dir() / "demo" / "upr_info_new_zealand_2009_2014.csv"
