"""The demo database: built once from the bundled New Zealand data, rebuilt when stale."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from nmrf_desktop import paths
from nmrf_desktop.files import publish
from nmrf_desktop.services.assigning import (
    assign_contributing_by_theme,
    assign_lead_defaults,
    theme_table_path,
)
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import open_record

log = logging.getLogger(__name__)

# Bump when the way the demo is built changes (what is imported, assigned or flagged).
# 2: contributing agencies by theme, so each agency's officer sees their own share.
BUILD_VERSION = 2
MARKER_KEY = "demo_build"
# SQLite's companion files: a stale WAL must never be replayed onto a new database.
_COMPANIONS = ("-wal", "-shm", "-journal")


def ensure_demo_database(*, target: Path | None = None, source: Path | None = None,
                         progress: Progress = NO_PROGRESS) -> Path:
    """Return the demo database, building it first if it is missing or stale.

    Stale means: built by another BUILD_VERSION, from another source file or theme table,
    or for another schema head, or not readable at all. A fresh build goes to a temporary
    file that replaces the old one only when complete, so a crash never leaves a
    half-built demo behind.
    """
    target = target or paths.demo_database()
    source = source or paths.demo_source()
    wanted = _marker(source)
    if target.exists() and _built_marker(target) == wanted:
        log.debug("demo database %s is current", target)
        return target
    log.info("building the demo database %s from %s", target, source)
    _build(target, source, wanted, progress)
    return target


def _marker(source: Path) -> str:
    """What a current demo was built from: builder version, source and theme table bytes,
    schema head."""
    digest = hashlib.sha256(source.read_bytes())
    digest.update(theme_table_path().read_bytes())
    return f"{BUILD_VERSION}:{digest.hexdigest()}:{_schema_head()}"


def _schema_head() -> str:
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return ScriptDirectory.from_config(config).get_current_head() or ""


def _built_marker(target: Path) -> str | None:
    """The marker stored in an existing demo, or None when it cannot be read as current."""
    try:
        record = open_record(target, create=False, app_owned=True)
    except Exception:  # a corrupt or foreign file is simply rebuilt
        log.warning("demo database %s is unreadable; rebuilding it", target, exc_info=True)
        return None
    try:
        return record.setting(MARKER_KEY) or None
    except Exception:
        log.warning("demo database %s has no usable marker; rebuilding it", target,
                    exc_info=True)
        return None
    finally:
        record.close()


def _build(target: Path, source: Path, marker: str, progress: Progress) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f"{target.name}.building-{os.getpid()}")
    _remove_with_companions(building)
    record = open_record(building, app_owned=True)  # public data, built beside the demo
    try:
        report = import_files(record, "upr-info", [source], progress=progress)
        assigned = assign_lead_defaults(record)
        contributing = assign_contributing_by_theme(record)
        record.set_setting(MARKER_KEY, marker)
    finally:
        record.close()
    _remove_companions(target)
    publish(building, target, mode=None)  # public data: the mode the database was made with
    _remove_companions(building)
    log.info("demo database built: %d recommendations, %d lead and %d contributing "
             "assignments", report.created, assigned["created"], contributing["created"])


def _remove_companions(path: Path) -> None:
    for suffix in _COMPANIONS:
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _remove_with_companions(path: Path) -> None:
    path.unlink(missing_ok=True)
    _remove_companions(path)
