"""Reading untrusted zip archives safely: only listed names, caps, no tricks, every byte hashed.

Never `extractall`: each member is streamed through SHA-256 with a hard size cap. The file
must be a zip and nothing else: its members tile it from byte 0 up to the central directory,
which ends exactly at the end-of-central-directory record (zip64 records included), which
ends the file. No byte before, between or after: an HTML page, a second archive or a
comment has nowhere to hide. Only a regular file is opened (a FIFO or device is refused at
once, never waited on).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from nmrf_desktop.files import open_regular

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_CHUNK = 1 << 20
_LOCAL, _CENTRAL, _EOCD = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_ZIP64_EOCD, _ZIP64_LOCATOR, _DESCRIPTOR = b"PK\x06\x06", b"PK\x06\x07", b"PK\x07\x08"
_EOCD_SIZE, _LOCATOR_SIZE, _LOCAL_SIZE = 22, 20, 30


class UnsafeArchive(ValueError):
    """The archive breaks a safety rule; the message names the member and the rule."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_entries: int = 10_000
    max_member_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_ratio: int = 100  # uncompressed : compressed, for members over 1 MiB


DEFAULT_LIMITS = Limits()


def check_name(name: str) -> None:
    """Refuse any member name that could escape, alias or confuse a file system."""
    shown = repr(name[:80])
    if not name or "\x00" in name:
        raise UnsafeArchive(f"member {shown}: empty name or NUL byte in name")
    if "\\" in name:
        raise UnsafeArchive(f"member {shown}: backslash in name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"member {shown}: absolute path")
    if len(name.encode("utf-8")) > 255:
        raise UnsafeArchive(f"member {shown}: name longer than 255 bytes")
    parts = PurePosixPath(name).parts
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise UnsafeArchive(f"member {shown}: path traversal or empty path part")
        if part != part.rstrip(" ."):
            raise UnsafeArchive(f"member {shown}: trailing dot or space")
        if part.split(".")[0].lower() in _WINDOWS_RESERVED:
            raise UnsafeArchive(f"member {shown}: reserved Windows device name")
    if not parts:
        raise UnsafeArchive(f"member {shown}: empty name")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


class SafeZip:
    """An opened archive whose directory passed every structural check."""

    def __init__(self, path: Path, allowed: Iterable[str] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        try:
            self._fh: BinaryIO = open_regular(path)
        except OSError as exc:
            raise UnsafeArchive(f"cannot be read ({exc.strerror or exc})") from None
        try:
            self._open(allowed)
        except BaseException:
            self._fh.close()
            raise

    def _open(self, allowed: Iterable[str] | None) -> None:
        head = self._fh.read(4)
        if not head:
            raise UnsafeArchive("the file is empty")
        if head != _LOCAL:
            raise UnsafeArchive("not a zip archive, or data is prepended to it")
        cd_start, cd_end = _directory_span(self._fh)
        self._fh.seek(0)
        try:
            self._zip = zipfile.ZipFile(self._fh)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise UnsafeArchive(f"not a readable zip archive ({exc})") from None
        try:
            self._check_directory(allowed)
            self._check_tiling(cd_start, cd_end)
        except BaseException:
            self._zip.close()
            raise

    def _check_directory(self, allowed: Iterable[str] | None) -> None:
        infos = self._zip.infolist()
        if not infos:
            raise UnsafeArchive("the archive has no members")
        if len(infos) > self.limits.max_entries:
            raise UnsafeArchive(f"too many members ({len(infos)} > {self.limits.max_entries})")
        allowed_set = set(allowed) if allowed is not None else None
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if info.is_dir():
                raise UnsafeArchive(f"member {name!r}: directory entries are not allowed")
            check_name(name)
            file_type = stat.S_IFMT(info.external_attr >> 16)
            if file_type and file_type != stat.S_IFREG:
                raise UnsafeArchive(f"member {name!r}: links and special files are not allowed")
            if info.comment:
                raise UnsafeArchive(f"member {name!r}: member comments are not allowed")
            if info.flag_bits & 0x1:
                raise UnsafeArchive(f"member {name!r}: encrypted members are not allowed")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnsafeArchive(f"member {name!r}: unsupported compression "
                                    f"method {info.compress_type}")
            folded = _fold(name)
            if folded in seen:
                raise UnsafeArchive(f"member {name!r}: duplicate name (case or Unicode form)")
            seen.add(folded)
            if allowed_set is not None and name not in allowed_set:
                raise UnsafeArchive(f"member {name!r} is not listed in the signed manifest")
            if info.file_size > self.limits.max_member_bytes:
                raise UnsafeArchive(f"member {name!r}: {info.file_size:,} bytes is over the "
                                    f"{self.limits.max_member_bytes:,} byte limit")
            if info.file_size > (1 << 20) and info.file_size > \
                    self.limits.max_ratio * max(info.compress_size, 1):
                raise UnsafeArchive(f"member {name!r}: compression ratio over "
                                    f"{self.limits.max_ratio}:1")
            total += info.file_size
        if total > self.limits.max_total_bytes:
            raise UnsafeArchive(f"members add up to {total:,} bytes, over the limit")
        self.names = [i.filename for i in infos]

    def _check_tiling(self, cd_start: int, cd_end: int) -> None:
        """Members must follow one another from byte 0, the last one ending where the
        central directory starts: no byte before, between or after them."""
        if self._zip.comment:
            raise UnsafeArchive("archive comments are not allowed")
        infos = sorted(self._zip.infolist(), key=lambda i: i.header_offset)
        if infos[0].header_offset != 0:
            raise UnsafeArchive("data is prepended to the archive")
        ends = [self._member_ends(info) for info in infos]
        for (info, possible), nxt in itertools.pairwise(zip(infos, ends, strict=True)):
            if nxt[0].header_offset not in possible:
                other = nxt[0].filename
                if nxt[0].header_offset < min(possible):
                    raise UnsafeArchive(f"members {info.filename!r} and {other!r} overlap")
                raise UnsafeArchive(f"bytes hidden between members {info.filename!r} and "
                                    f"{other!r}")
        last, possible = infos[-1], ends[-1]
        if cd_start not in possible:
            if cd_start < min(possible):
                raise UnsafeArchive(f"member {last.filename!r} overlaps the central directory")
            raise UnsafeArchive(f"bytes hidden between the last member ({last.filename!r}) "
                                "and the central directory")
        del cd_end  # checked by _directory_span: the records follow it with no gap

    def _member_ends(self, info: zipfile.ZipInfo) -> set[int]:
        """Where the member that starts at `info.header_offset` may end: after its data, or
        after its data descriptor (with or without signature; 32- or 64-bit sizes)."""
        self._fh.seek(info.header_offset)
        header = self._fh.read(_LOCAL_SIZE)
        if len(header) != _LOCAL_SIZE or header[:4] != _LOCAL:
            raise UnsafeArchive(f"member {info.filename!r}: no local header where the "
                                "directory says it starts")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        data_end = info.header_offset + _LOCAL_SIZE + name_len + extra_len + info.compress_size
        if not info.flag_bits & 0x8:
            return {data_end}
        self._fh.seek(data_end)
        signed = self._fh.read(4) == _DESCRIPTOR
        return {data_end + size + (4 if signed else 0) for size in (12, 20)}

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """The member's bytes, refusing more than declared (or than `max_bytes`)."""
        return b"".join(self.stream(name, max_bytes))

    def stream(self, name: str, max_bytes: int | None = None):  # type: ignore[no-untyped-def]
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise UnsafeArchive(f"member {name!r} is missing") from None
        cap = min(info.file_size, max_bytes if max_bytes is not None else info.file_size)
        if info.file_size > cap:
            raise UnsafeArchive(f"member {name!r} is larger than allowed")
        got = 0
        try:
            with self._zip.open(info) as fh:
                while block := fh.read(_CHUNK):
                    got += len(block)
                    if got > cap:
                        raise UnsafeArchive(f"member {name!r} holds more bytes than declared")
                    yield block
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
            if isinstance(exc, UnsafeArchive):
                raise
            raise UnsafeArchive(f"member {name!r} is damaged ({exc})") from None
        if got != info.file_size:
            raise UnsafeArchive(f"member {name!r} is shorter than declared")

    def sha256(self, name: str) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        for block in self.stream(name):
            digest.update(block)
            size += len(block)
        return digest.hexdigest(), size

    def close(self) -> None:
        self._zip.close()
        self._fh.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _directory_span(fh: BinaryIO) -> tuple[int, int]:
    """Where the central directory starts and ends, from an end record that ends the file.

    The end-of-central-directory record must be the file's last 22 bytes (no comment: the
    app writes none, and a comment is room to hide a page or a second archive); a zip64
    locator and record, when the end record defers to them, must sit right before it; and
    the directory must end right where those records begin."""
    size = fh.seek(0, os.SEEK_END)
    if size < _LOCAL_SIZE + _EOCD_SIZE:
        raise UnsafeArchive("not a complete zip archive (truncated)")
    eocd_at = size - _EOCD_SIZE
    fh.seek(eocd_at)
    eocd = fh.read(_EOCD_SIZE)
    if eocd[:4] != _EOCD:
        found = _find_tail_record(fh, size)
        if found is None:
            raise UnsafeArchive("not a complete zip archive (truncated: no "
                                "end-of-central-directory record)")
        fh.seek(found + _EOCD_SIZE - 2)
        after = size - found - _EOCD_SIZE
        if struct.unpack("<H", fh.read(2))[0] == after:
            raise UnsafeArchive("archive comments are not allowed")
        raise UnsafeArchive(f"{after:,} bytes of data after the end of the archive")
    (disk, cd_disk, count_here, count, cd_size, cd_start,
     comment_len) = struct.unpack("<4xHHHHIIH", eocd)
    if comment_len:
        raise UnsafeArchive("archive comments are not allowed")
    if disk or cd_disk or count_here != count:
        raise UnsafeArchive("multi-part (spanned) archives are not supported")
    records_at = eocd_at
    if 0xFFFF in (count, count_here) or 0xFFFFFFFF in (cd_size, cd_start):
        cd_start, cd_size, records_at = _zip64_span(fh, eocd_at)
    if cd_start + cd_size != records_at:
        gap = records_at - cd_start - cd_size
        where = "hidden after" if gap > 0 else "missing from"
        raise UnsafeArchive(f"the central directory does not end at the end records "
                            f"({abs(gap):,} bytes {where} it)")
    fh.seek(cd_start)
    if fh.read(4) not in (_CENTRAL, _EOCD, _ZIP64_EOCD):
        raise UnsafeArchive("no central directory where the end record says it starts "
                            "(data prepended or another archive joined on)")
    return cd_start, records_at


def _zip64_span(fh: BinaryIO, eocd_at: int) -> tuple[int, int, int]:
    """(directory start, directory size, zip64 record start) from the zip64 records."""
    locator_at = eocd_at - _LOCATOR_SIZE
    if locator_at < 0:
        raise UnsafeArchive("not a complete zip archive (truncated: no zip64 end records)")
    fh.seek(locator_at)
    locator = fh.read(_LOCATOR_SIZE)
    if locator[:4] != _ZIP64_LOCATOR:
        raise UnsafeArchive("the end record calls for zip64 records that are not there")
    disk, record_at, disks = struct.unpack("<4xIQI", locator)
    if disk or disks > 1:
        raise UnsafeArchive("multi-part (spanned) archives are not supported")
    fh.seek(record_at)
    record = fh.read(56)
    if len(record) != 56 or record[:4] != _ZIP64_EOCD:
        raise UnsafeArchive("no zip64 end record where its locator says")
    (rest, _made, _needed, disk, cd_disk, count_here, count, cd_size,
     cd_start) = struct.unpack("<4xQHHIIQQQQ", record)
    if record_at + 12 + rest != locator_at:
        raise UnsafeArchive("bytes hidden between the zip64 end records")
    if disk or cd_disk or count_here != count:
        raise UnsafeArchive("multi-part (spanned) archives are not supported")
    return cd_start, cd_size, record_at


def _find_tail_record(fh: BinaryIO, size: int) -> int | None:
    """The offset of the last end-of-central-directory signature in the file's tail."""
    start = max(0, size - (1 << 16) - _EOCD_SIZE)
    fh.seek(start)
    tail = fh.read()
    found = tail.rfind(_EOCD)
    return None if found < 0 else start + found
