"""Hostile archives through the real import path: each is refused, the record unchanged."""

from __future__ import annotations

import stat
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from nmrf_desktop.bundles.manifest import BundleManifest, EvidenceEntry
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import

from .world import World, add_action, record_digest, rewrite_zip

Make = Callable[[Path, Path], Path]


def _members(src: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(src) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _with(extra: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Make:
    def make(src: Path, dst: Path) -> Path:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicates we plant
            with zipfile.ZipFile(dst, "w") as out:
                for info, data in _members(src):
                    out.writestr(info.filename, data)
                for name, data in extra:
                    out.writestr(name, data)
        return dst
    return make


def _symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("evidence/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _patched(offset_from_cd: int, value: int, size: int = 4) -> Make:
    """Patch a field of the first central-directory entry (declared sizes, flags)."""
    def make(src: Path, dst: Path) -> Path:
        data = bytearray(src.read_bytes())
        cd = data.find(b"PK\x01\x02")
        data[cd + offset_from_cd:cd + offset_from_cd + size] = value.to_bytes(size, "little")
        dst.write_bytes(bytes(data))
        return dst
    return make


def _bytes(fn: Callable[[bytes], bytes]) -> Make:
    def make(src: Path, dst: Path) -> Path:
        dst.write_bytes(fn(src.read_bytes()))
        return dst
    return make


def _bzip2(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(dst, "w") as out:
        for info, data in _members(src):
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_BZIP2)
    return dst


def _many(src: Path, dst: Path) -> Path:
    return _with([(f"x{i}", b"") for i in range(10_001)])(src, dst)


HOSTILE: dict[str, Make] = {
    "parent path": _with([("../x", b"1")]),
    "absolute path": _with([("/abs", b"1")]),
    "drive path": _with([("C:\\x", b"1")]),
    "UNC path": _with([("\\\\srv\\x", b"1")]),
    "backslash": _with([("evidence\\x", b"1")]),
    "NUL in name": _with([("evi\x00dence", b"1")]),
    "symlink": _with([(_symlink(), b"/etc/passwd")]),
    "directory entry": _with([("evidence/", b"")]),
    "exact duplicate": _with([("changes.jsonl", b"{}")]),
    "case duplicate": _with([("CHANGES.jsonl", b"{}")]),
    "NFD duplicate": _with([(unicodedata.normalize("NFD", "envelopé.json"), b"1"),
                            ("envelopé.json", b"2")]),
    "device name": _with([("CON", b"1")]),
    "device name with extension": _with([("aux.pdf", b"1")]),
    "trailing dot": _with([("evidence.", b"1")]),
    "trailing space": _with([("evidence ", b"1")]),
    "name over 255 bytes": _with([("e" * 256, b"1")]),
    "too many entries": _many,
    "huge declared size": _patched(24, 600 * 1024 * 1024),
    "understated size": _patched(24, 3),
    "compression bomb": _with([("zeros", b"\0" * (8 << 20))]),
    "encrypted entry": _patched(8, 0x1, 2),
    "unknown compression": _bzip2,
    "data prepended": _bytes(lambda b: b"MZ\x90\x00" * 64 + b),
    "truncated": _bytes(lambda b: b[: len(b) // 2]),
    "empty": _bytes(lambda b: b""),
    "binary junk": _bytes(lambda b: bytes(range(256)) * 8),
    "unlisted member": _with([("notes.txt", b"hello")]),
    "nested zip unlisted": _with([("evidence/inner.zip", b"PK\x03\x04" + b"\0" * 60)]),
}


@pytest.fixture
def good_bundle(world: World, tmp_path: Path) -> Path:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "Whakamana tangata: review")
    return lap.export(tmp_path)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_archive_is_refused(world: World, tmp_path: Path, good_bundle: Path,
                                    name: str) -> None:
    hostile = HOSTILE[name](good_bundle, tmp_path / "hostile.nmrfbundle")
    before = record_digest(world.central)
    result = bundle_import.import_bundle(world.central, hostile)
    assert result.status == bundle_import.REJECTED, (name, result)
    assert result.reason
    assert record_digest(world.central) == before
    assert check(world.central) == []
    # The genuine bundle still imports afterwards.
    assert bundle_import.import_bundle(world.central, good_bundle).status == bundle_import.MERGED


def test_overlapping_entries_are_refused(world: World, tmp_path: Path,
                                         good_bundle: Path) -> None:
    data = bytearray(good_bundle.read_bytes())
    second = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[second + 42:second + 46] = (0).to_bytes(4, "little")  # 2nd member starts at the 1st
    hostile = tmp_path / "overlap.nmrfbundle"
    hostile.write_bytes(bytes(data))
    before = record_digest(world.central)
    assert bundle_import.import_bundle(world.central, hostile).status == bundle_import.REJECTED
    assert record_digest(world.central) == before


def test_a_hash_listed_twice_is_refused() -> None:
    entry = EvidenceEntry("a" * 64, 1, "text/plain", "x.txt")
    manifest = BundleManifest(
        bundle_id="6f1d6c3e-3b5e-4c36-9d52-2f3f0d4a8c11", agency="MOJ", officer="o",
        device="d", key_id="b" * 64, sequence=1, previous_hash="0" * 64, pack_id="",
        pack_version=1, changes_sha256="c" * 64, changes_size=0, changes_count=0,
        evidence=(entry, entry))
    from nmrf_desktop.bundles.strict_json import BadDocument

    with pytest.raises(BadDocument, match="listed twice"):
        BundleManifest.from_bytes(manifest.to_bytes())


def test_bytes_not_matching_their_hash_name(world: World, tmp_path: Path) -> None:
    from nmrf_desktop.services import entry

    lap = world.laptop("aroha", "MOJ")
    action = add_action(lap, world.rec_ids())
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF-1.7 real")
    entry.attach_file(lap.record, paper, agency="MOJ", action_id=action)
    src = lap.export(tmp_path)
    with zipfile.ZipFile(src) as z:
        member = next(n for n in z.namelist() if n.startswith("evidence/"))
    hostile = rewrite_zip(src, tmp_path / "swap.nmrfbundle", replace={member: b"%PDF-1.7 fake"})
    before = record_digest(world.central)
    result = bundle_import.import_bundle(world.central, hostile)
    assert result.status == bundle_import.REJECTED and "hash" in result.reason
    assert record_digest(world.central) == before
