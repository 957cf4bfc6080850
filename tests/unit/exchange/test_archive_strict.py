"""A zip and nothing else: bytes before, between or after the zip structures are refused,
and only a regular file is opened (issue 19, part C).

Each hostile file is built so that Python's own `zipfile` still reads it (offsets fixed
up, as `zip -A` does): the test shows what SafeZip adds, not what zipfile already refuses.
"""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from nmrf_desktop.bundles.archive import SafeZip, UnsafeArchive
from nmrf_desktop.bundles.pack_file import PackRejected, read_pack
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import, packs

from .world import World, add_action, record_digest

HTML = (b"<!DOCTYPE html><html><head><title>Invoice</title></head><body>"
        b"<script>alert('hi')</script></body></html>\n")


def _zip(path: Path, members: dict[str, bytes], *, stream: bool = False) -> Path:
    """A plain archive; `stream` writes it as bundles are written (data descriptors)."""
    with path.open("wb") as raw:
        target = _Forward(raw) if stream else raw
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:  # type: ignore[arg-type]
            for name, data in members.items():
                zf.writestr(name, data)
    return path


class _Forward:
    """A write-only, unseekable stream: zipfile then writes data descriptors."""

    def __init__(self, raw) -> None:  # type: ignore[no-untyped-def]
        self.raw, self.pos = raw, 0

    def write(self, data: bytes) -> int:
        self.pos += len(data)
        return self.raw.write(data)

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        self.raw.flush()

    def seekable(self) -> bool:
        return False


def _eocd(data: bytes) -> int:
    return data.rindex(b"PK\x05\x06")


def _cd_start(data: bytes) -> int:
    return struct.unpack_from("<I", data, _eocd(data) + 16)[0]


def _shift_directory(data: bytearray, after: int, by: int) -> None:
    """Add `by` to every central-directory offset at or past `after`, and to the EOCD's
    directory offset when the directory starts past `after` (what `zip -A` does)."""
    eocd = _eocd(bytes(data))
    cd = struct.unpack_from("<I", data, eocd + 16)[0]
    count = struct.unpack_from("<H", data, eocd + 10)[0]
    pos = cd
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        offset = struct.unpack_from("<I", data, pos + 42)[0]
        if offset >= after:
            struct.pack_into("<I", data, pos + 42, offset + by)
        pos += 46 + n + m + k
    if cd >= after:
        struct.pack_into("<I", data, eocd + 16, cd + by)


def _insert(data: bytes, at: int, extra: bytes) -> bytes:
    """`extra` inserted at `at`, with every offset fixed up so zipfile still reads it."""
    fixed = bytearray(data)
    _shift_directory(fixed, at, len(extra))
    return bytes(fixed[:at]) + extra + bytes(fixed[at:])


def _second_member(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sorted(i.header_offset for i in z.infolist())[1]


def _zip64(data: bytes, hidden: bytes = b"") -> bytes:
    """The same archive with zip64 end records (as a writer of a huge archive makes them);
    `hidden` goes between the central directory and the zip64 record."""
    eocd = _eocd(data)
    count = struct.unpack_from("<H", data, eocd + 10)[0]
    cd_size, cd = struct.unpack_from("<II", data, eocd + 12)
    record_at = eocd + len(hidden)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                         cd_size, cd)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                      0xFFFFFFFF, 0)
    return data[:eocd] + hidden + record + locator + end


Hostile = Callable[[bytes], bytes]

HOSTILE: dict[str, tuple[Hostile, str]] = {
    "trailing bytes": (lambda d: d + b"\0" * 7, "after the end of the archive"),
    "HTML appended": (lambda d: d + HTML, "after the end of the archive"),
    "HTML prepended, offsets fixed": (lambda d: _insert(d, 0, HTML), "prepended"),
    "HTML hidden before the directory": (lambda d: _insert(d, _cd_start(d), HTML),
                                         "hidden between the last member"),
    "HTML hidden between members": (lambda d: _insert(d, _second_member(d), HTML),
                                    "hidden between members"),
    "second archive joined on": (lambda d: d + d, "central directory does not end"),
    "archive comment": (lambda d: d[:-2] + struct.pack("<H", len(HTML)) + HTML,
                        "comments are not allowed"),
}


@pytest.fixture
def plain(tmp_path: Path) -> bytes:
    path = _zip(tmp_path / "plain.zip", {"envelope.json": b"{}", "changes.jsonl": b"x" * 999,
                                         "evidence/ab": "Māori".encode() * 50})
    return path.read_bytes()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_bytes_outside_the_zip_structures_are_refused(tmp_path: Path, plain: bytes,
                                                      case: str) -> None:
    make, words = HOSTILE[case]
    hostile = tmp_path / "hostile.zip"
    hostile.write_bytes(make(plain))
    with zipfile.ZipFile(hostile) as z:  # zipfile itself takes it: the case is a real one
        assert z.testzip() is None
    with pytest.raises(UnsafeArchive, match=words):
        SafeZip(hostile)


def test_valid_zip64_end_records_open(tmp_path: Path, plain: bytes) -> None:
    path = tmp_path / "zip64.zip"
    path.write_bytes(_zip64(plain))
    with SafeZip(path) as z:
        assert z.read("evidence/ab").decode() == "Māori" * 50
        assert sorted(z.names) == ["changes.jsonl", "envelope.json", "evidence/ab"]


def test_zip64_with_bytes_hidden_before_its_records_is_refused(tmp_path: Path,
                                                               plain: bytes) -> None:
    path = tmp_path / "hidden64.zip"
    path.write_bytes(_zip64(plain, HTML))
    with pytest.raises(UnsafeArchive, match="central directory does not end"):
        SafeZip(path)


def test_a_zip64_locator_pointing_elsewhere_is_refused(tmp_path: Path, plain: bytes) -> None:
    data = bytearray(_zip64(plain))
    locator = data.rindex(b"PK\x06\x07")
    struct.pack_into("<Q", data, locator + 8, 0)  # the zip64 record "is" at byte 0
    path = tmp_path / "lying.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive, match="zip64"):
        SafeZip(path)


def test_archives_with_data_descriptors_open(tmp_path: Path) -> None:
    path = _zip(tmp_path / "stream.zip", {"a": b"1" * 5000, "b": b"", "c": b"tahi"},
                stream=True)
    with SafeZip(path) as z:
        assert (z.read("a"), z.read("b"), z.read("c")) == (b"1" * 5000, b"", b"tahi")
    data = path.read_bytes()
    hidden = tmp_path / "hidden.zip"
    hidden.write_bytes(_insert(data, _second_member(data), b"<p>hidden</p>"))
    with pytest.raises(UnsafeArchive, match="hidden between members"):
        SafeZip(hidden)


def _special_files(tmp_path: Path) -> list[tuple[Path, str]]:
    found = [(tmp_path, "folder")]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.zip"
        os.mkfifo(fifo)
        found.append((fifo, "FIFO"))
    if Path("/dev/zero").exists():
        found.append((Path("/dev/zero"), "device"))
    return found


def test_only_a_regular_file_is_opened_and_at_once(tmp_path: Path) -> None:
    for path, words in _special_files(tmp_path):
        started = time.monotonic()
        with pytest.raises(UnsafeArchive, match=words):
            SafeZip(path)
        assert time.monotonic() - started < 2, path


def test_a_pack_that_is_not_a_file_is_refused_at_once(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    before = record_digest(lap.record)
    odd = tmp_path / "odd"
    odd.mkdir()
    for path, words in _special_files(odd):
        started = time.monotonic()
        with pytest.raises(PackRejected, match=words):
            packs.import_pack(lap.record, path)
        with pytest.raises(PackRejected, match=words):
            read_pack(path, None)
        assert time.monotonic() - started < 4, path
    assert record_digest(lap.record) == before


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_pack_with_bytes_outside_the_zip_is_refused(world: World, tmp_path: Path,
                                                      case: str) -> None:
    lap = world.laptop("aroha", "MOJ")
    good = tmp_path / "good.nmrfpack"
    packs.export_pack(world.central, "MOJ", good, world.central_key)
    hostile = tmp_path / "hostile.nmrfpack"
    hostile.write_bytes(HOSTILE[case][0](good.read_bytes()))
    before = record_digest(lap.record)
    with pytest.raises(PackRejected, match=HOSTILE[case][1]):
        packs.import_pack(lap.record, hostile)
    assert record_digest(lap.record) == before
    assert packs.import_pack(lap.record, good).version == 2  # the genuine one still does


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_signed_bundle_with_bytes_outside_the_zip_is_refused(world: World, tmp_path: Path,
                                                               case: str) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "Whakamana tangata: arotake")
    good = lap.export(tmp_path)
    hostile = tmp_path / "hostile.nmrfbundle"
    hostile.write_bytes(HOSTILE[case][0](good.read_bytes()))
    before = record_digest(world.central)
    evidence = sorted(p.name for p in (world.central.data_root / "evidence").rglob("*"))
    result = bundle_import.import_bundle(world.central, hostile)
    assert result.status == bundle_import.REJECTED
    assert HOSTILE[case][1] in (result.reason or "")
    assert record_digest(world.central) == before
    assert sorted(p.name for p in (world.central.data_root / "evidence").rglob("*")) == evidence
    assert check(world.central) == []
    assert bundle_import.import_bundle(world.central, good).status == bundle_import.MERGED
