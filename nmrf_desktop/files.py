"""One way to write a file safely: a temporary name in the same folder, fsync, rename over
the target, fsync the folder; on any failure the target is as it was and nothing is left.

Every writer of a file the user or the record relies on (bundles, packs, keys, evidence,
PDF and XLSX reports, the demo database) goes through `atomic_write` or `atomic_path`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY = 0o600  # keys, bundles, packs, evidence, reports: the default
GROUP_READABLE = 0o640  # files a team shares through group permissions


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem+suffix`, or `stem-2`, `-3`, … when something (even a dangling link)
    already has that name: a proposed name never replaces a file."""
    path, number = folder / f"{stem}{suffix}", 1
    while os.path.lexists(path):
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable. Windows cannot open a folder to
    fsync it (its renames are durable once the file is), so there it does nothing."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush one file's content to the disk."""
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def publish(built: Path, out: Path, mode: int | None = OWNER_ONLY) -> None:
    """Move a finished file (written beside `out`) into place durably: its mode set, its
    content fsynced, renamed over `out`, the folder fsynced."""
    if mode is not None:
        os.chmod(built, mode)
    fsync_file(built)
    os.replace(built, out)
    fsync_dir(out.parent)


@contextlib.contextmanager
def atomic_path(out: Path, mode: int | None = OWNER_ONLY) -> Iterator[Path]:
    """A temporary path beside `out` for a writer that wants a file name (reportlab,
    openpyxl); once the block ends without error it is published over `out`."""
    out = Path(out)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        publish(tmp, out, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_write(out: Path, mode: int | None = OWNER_ONLY) -> Iterator[BinaryIO]:
    """A binary file beside `out` to write the new content to; once the block ends without
    error it is flushed and published over `out`."""
    with atomic_path(out, mode) as tmp, tmp.open("wb") as fh:
        yield fh
        fh.flush()
