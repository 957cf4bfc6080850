"""The archive rules of the adversarial catalogue: each hostile zip is refused, by name."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from nmrf_desktop.bundles.archive import Limits, SafeZip, UnsafeArchive, check_name


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]],
         compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("name", [
    "../x", "a/../../x", "/abs", "C:\\x", "C:x", "\\\\srv\\x", "a\\b", "a\x00b", "CON",
    "aux.pdf", "evidence/nul.txt", "trailing.", "trailing ", "a" * 256, "a//b", "./a",
])
def test_hostile_member_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeArchive):
        check_name(name)


def test_a_plain_archive_opens_and_hashes(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ok.zip", [("envelope.json", b"{}"), ("evidence/ab", b"x" * 10)])
    with SafeZip(path, allowed={"envelope.json", "evidence/ab"}) as z:
        assert z.read("envelope.json") == b"{}"
        digest, size = z.sha256("evidence/ab")
        assert size == 10 and len(digest) == 64


@pytest.mark.parametrize(("members", "words"), [
    ([("a", b"1"), ("A", b"2")], "duplicate"),
    ([("caf\u00e9", b"1"), ("cafe\u0301", b"2")], "duplicate"),
    ([("a", b"1"), ("a", b"2")], "duplicate"),
    ([("dir/", b"")], "directory"),
    ([("unlisted", b"1")], "not listed"),
])
def test_structural_tricks_are_refused(tmp_path: Path, members, words: str) -> None:  # type: ignore[no-untyped-def]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we plant
        path = _zip(tmp_path / "bad.zip", members)
    allowed = {"a", "A", "café", "cafe\u0301", "dir/"}
    with pytest.raises(UnsafeArchive, match=words):
        SafeZip(path, allowed=allowed)


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip(tmp_path / "link.zip", [(info, b"/etc/passwd")])
    with pytest.raises(UnsafeArchive, match="link"):
        SafeZip(path)


def test_encrypted_flag_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "enc.zip", [("a", b"secret")], zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[6] |= 0x1  # local header general-purpose flag
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 0x1  # central directory flag
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive, match="encrypted"):
        SafeZip(path)


def test_unknown_compression_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bz.zip", [("a", b"x" * 100)], zipfile.ZIP_BZIP2)
    with pytest.raises(UnsafeArchive, match="compression"):
        SafeZip(path)


def test_bomb_ratio_and_size_caps(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", [("a", b"\0" * (8 << 20))])
    with pytest.raises(UnsafeArchive, match="ratio"):
        SafeZip(bomb)
    with pytest.raises(UnsafeArchive, match="limit"):
        SafeZip(_zip(tmp_path / "big.zip", [("a", b"x" * 5000)], zipfile.ZIP_STORED),
                limits=Limits(max_member_bytes=1000))
    many = _zip(tmp_path / "many.zip", [(f"m{i}", b"") for i in range(20)])
    with pytest.raises(UnsafeArchive, match="too many"):
        SafeZip(many, limits=Limits(max_entries=10))


def test_understated_size_is_caught_while_streaming(tmp_path: Path) -> None:
    path = _zip(tmp_path / "lie.zip", [("a", b"y" * 1000)], zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")  # central dir: uncompressed size 10
    data[22:26] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with SafeZip(path) as z, pytest.raises(UnsafeArchive):
        z.read("a")


def test_prepended_truncated_empty_and_junk(tmp_path: Path) -> None:
    good = _zip(tmp_path / "g.zip", [("a", b"1" * 100)])
    prepended = tmp_path / "p.zip"
    prepended.write_bytes(b"MZ" + b"\0" * 100 + good.read_bytes())
    truncated = tmp_path / "t.zip"
    truncated.write_bytes(good.read_bytes()[:-30])
    empty = tmp_path / "e.zip"
    empty.write_bytes(b"")
    junk = tmp_path / "j.zip"
    junk.write_bytes(bytes(range(256)) * 4)
    for path, words in ((prepended, "prepended"), (truncated, "zip"), (empty, "empty"),
                        (junk, "zip")):
        with pytest.raises(UnsafeArchive, match=words):
            SafeZip(path)


def test_overlapping_members_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "o.zip", [("a", b"1" * 50), ("b", b"2" * 50)], zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    second = data.rfind(b"PK\x01\x02")
    data[second + 42:second + 46] = (0).to_bytes(4, "little")  # b's header offset -> a's
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive):
        SafeZip(path)


def test_nested_zip_is_just_bytes(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("../../evil", b"x")
    path = _zip(tmp_path / "n.zip", [("evidence/inner.zip", inner.getvalue())])
    with SafeZip(path) as z:
        assert z.read("evidence/inner.zip") == inner.getvalue()
