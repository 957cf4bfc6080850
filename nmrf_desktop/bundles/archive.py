"""Reading untrusted zip archives safely: only listed names, caps, no tricks, every byte hashed.

Never `extractall`: each member is streamed through SHA-256 with a hard size cap.
"""

from __future__ import annotations

import hashlib
import itertools
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_CHUNK = 1 << 20


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
            with path.open("rb") as fh:
                head = fh.read(4)
        except OSError as exc:
            raise UnsafeArchive(f"cannot be read ({exc.strerror})") from None
        if not head:
            raise UnsafeArchive("the file is empty")
        if head != b"PK\x03\x04":
            raise UnsafeArchive("not a zip archive, or data is prepended to it")
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnsafeArchive(f"not a readable zip archive ({exc})") from None
        try:
            self._check_directory(allowed)
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
        spans: list[tuple[int, int, str]] = []
        for info in infos:
            name = info.filename
            if info.is_dir():
                raise UnsafeArchive(f"member {name!r}: directory entries are not allowed")
            check_name(name)
            file_type = stat.S_IFMT(info.external_attr >> 16)
            if file_type and file_type != stat.S_IFREG:
                raise UnsafeArchive(f"member {name!r}: links and special files are not allowed")
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
            spans.append((info.header_offset, info.compress_size, name))
        if total > self.limits.max_total_bytes:
            raise UnsafeArchive(f"members add up to {total:,} bytes, over the limit")
        spans.sort()
        if spans[0][0] != 0:
            raise UnsafeArchive("data is prepended to the archive")
        for (start, size, name), (nxt, _s, other) in itertools.pairwise(spans):
            if start + 30 + len(name.encode("utf-8")) + size > nxt:
                raise UnsafeArchive(f"members {name!r} and {other!r} overlap")
        self.names = [i.filename for i in infos]

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
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
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

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
