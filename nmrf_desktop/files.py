"""One way to write a file safely: a temporary name in the same folder, fsync, rename over
the target, fsync the folder; on any failure the target is as it was and nothing is left.

Every writer of a file the user or the record relies on (bundles, packs, keys, evidence,
PDF and XLSX reports, the demo database) goes through `atomic_write` or `atomic_path`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
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


class NotAFile(OSError):
    """An input path names a folder, a pipe, a device or a socket, not a regular file."""


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path) -> BinaryIO:
    """Open an input file for reading, refusing at once anything but a regular file.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever)
    and checked on the open descriptor, so it cannot be swapped between check and read.
    Raises NotAFile (an OSError) naming the path and what it is; other OSErrors as usual.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(errno.EINVAL, f"{path.name} is {_kind_of(mode)}, not a file",
                           str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_regular(path: Path) -> None:
    """Refuse (NotAFile) any input that is not a regular file, without blocking on it."""
    open_regular(path).close()
