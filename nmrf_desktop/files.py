"""One way to write a file safely: a temporary name in the same folder, fsync, rename over
the target, fsync the folder; on any failure the target is as it was and nothing is left.

Every writer of a file the user or the record relies on (bundles, packs, keys, evidence,
PDF and XLSX reports, the demo database) goes through `atomic_write` or `atomic_path`.

Modes (POSIX; Windows keeps a user's files private through the profile's ACLs): the
record's files are its owner's only whatever the umask — folders `PRIVATE_FOLDER`
(`private_folder`), files `OWNER_ONLY`; `tighten` takes away what an older version or a
permissive umask left open, and logs it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY = 0o600  # keys, bundles, packs, evidence, reports: the default
GROUP_READABLE = 0o640  # files a team shares through group permissions
PRIVATE_FOLDER = 0o700  # the data folder and the record's folders (evidence, keys, …)
# Every report file, whatever its kind (PDF, CSV, XLSX): the record's owner's only, like the
# record it comes from. Reports hold internal progress; even the public export is a draft
# until a coordinator has read it and copies it where it is published.
REPORT_MODE = OWNER_ONLY

log = logging.getLogger(__name__)

_POSIX = os.name == "posix"


def tighten(path: Path, mode: int) -> bool:
    """Take away the permission bits of `path` that `mode` does not grant (group and other
    read, say), and log what changed; never adds a bit. True when it changed something.
    Nothing on Windows, for a path that does not exist, or for a symbolic link."""
    if not _POSIX:
        return False
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False
    now = stat.S_IMODE(st.st_mode)
    if now & ~mode == 0:
        return False
    os.chmod(path, now & mode)
    log.info("made %s owner-only (mode %04o, was %04o)", path, now & mode, now)
    return True


def private_folder(folder: Path, *, tighten_existing: bool = True) -> Path:
    """`folder`, made with its missing parents (each `PRIVATE_FOLDER`, whatever the umask),
    and tightened to `PRIVATE_FOLDER` when it already was there (unless not
    `tighten_existing`: a folder the user chose). Folders above it that already existed are
    left as they are: they may be the user's own."""
    folder = Path(folder)
    missing: list[Path] = []
    here = folder
    while not os.path.lexists(here) and here != here.parent:
        missing.append(here)
        here = here.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:  # made by another process between the check and here
            pass
        else:
            if _POSIX:
                os.chmod(made, PRIVATE_FOLDER)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder.name} is not a folder", str(folder))
    if tighten_existing:
        tighten(folder, PRIVATE_FOLDER)
    return folder


def create_private_file(path: Path) -> bool:
    """Make the empty file `path` with mode `OWNER_ONLY` (whatever the umask) unless
    something already has that name; True when it made it. For a file another library fills
    in place (SQLite's database), so that it is never readable by others, even empty."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     OWNER_ONLY)
    except FileExistsError:
        return False
    try:
        if _POSIX:
            os.fchmod(fd, OWNER_ONLY)
    finally:
        os.close(fd)
    return True


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


def refuse_special_target(out: Path) -> None:
    """Refuse (NotAFile) to write over anything but a regular file: a rename over a device,
    a pipe or a folder would replace it (run as root, `--out /dev/full` replaced the
    device). A symbolic link is replaced itself, never followed."""
    try:
        mode = os.lstat(out).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there to replace; the writer reports a missing folder itself
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise NotAFile(errno.EINVAL, f"{out.name} is {_kind_of(mode)}, not a file to "
                       "write over", str(out))


@contextlib.contextmanager
def atomic_path(out: Path, mode: int | None = OWNER_ONLY) -> Iterator[Path]:
    """A temporary path beside `out` for a writer that wants a file name (reportlab,
    openpyxl); once the block ends without error it is published over `out`."""
    out = Path(out)
    refuse_special_target(out)
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


def private_copy(source: Path, dest: Path) -> None:
    """Copy `source` to `dest` safely (`atomic_write`), `OWNER_ONLY`, in a folder made
    (or tightened to) `PRIVATE_FOLDER`: a record's copy of a file it keeps (a held bundle)."""
    private_folder(Path(dest).parent)
    with Path(source).open("rb") as src, atomic_write(Path(dest), OWNER_ONLY) as out:
        shutil.copyfileobj(src, out)


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
