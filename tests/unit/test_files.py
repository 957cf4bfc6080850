"""The one safe file writer: whole or nothing, durable, with the mode the caller asks for."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from nmrf_desktop.files import (
    GROUP_READABLE,
    OWNER_ONLY,
    NotAFile,
    atomic_path,
    atomic_write,
    publish,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_write_replaces_the_file_whole_with_the_mode_asked(tmp_path: Path) -> None:
    out = tmp_path / "bundle.nmrfbundle"
    out.write_bytes(b"old")
    with atomic_write(out) as fh:
        fh.write("kia ora, whānau".encode())
        assert out.read_bytes() == b"old"  # nothing shows until the block ends
    assert out.read_text(encoding="utf-8") == "kia ora, whānau"
    assert _mode(out) == OWNER_ONLY
    with atomic_write(out, GROUP_READABLE) as fh:
        fh.write(b"shared")
    assert _mode(out) == GROUP_READABLE
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.nmrfbundle"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    out.write_bytes(b"the minister's copy")
    with pytest.raises(RuntimeError), atomic_write(out) as fh:
        fh.write(b"half a report")
        raise RuntimeError("disk full")
    assert out.read_bytes() == b"the minister's copy"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_writer_that_wants_a_path_gets_one_in_the_same_folder(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    with atomic_path(out, GROUP_READABLE) as tmp:
        assert tmp.parent == tmp_path and tmp != out
        tmp.write_bytes(b"PK")
    assert out.read_bytes() == b"PK" and _mode(out) == GROUP_READABLE
    with pytest.raises(ValueError), atomic_path(out) as tmp:
        tmp.write_bytes(b"never")
        raise ValueError("cancelled")
    assert out.read_bytes() == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_publish_moves_a_finished_file_into_place(tmp_path: Path) -> None:
    built = tmp_path / "demo.sqlite3.building"
    built.write_bytes(b"SQLite format 3\x00")
    os.chmod(built, 0o644)
    target = tmp_path / "demo.sqlite3"
    publish(built, target, mode=None)  # the mode it was made with is kept
    assert not built.exists() and target.read_bytes().startswith(b"SQLite")
    assert _mode(target) == 0o644


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_or_a_folder_is_never_written_over(tmp_path: Path) -> None:
    """A rename over a device or a pipe replaces it (as root, `--out /dev/full` once did):
    the writer refuses before it makes its temporary file."""
    pipe, folder = tmp_path / "report.xlsx", tmp_path / "out.pdf"
    os.mkfifo(pipe)
    folder.mkdir()
    for target in (pipe, folder):
        with pytest.raises(NotAFile, match="not a file to write over"), \
                atomic_write(target) as fh:
            fh.write(b"x")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "report.xlsx"]


def test_a_symbolic_link_is_replaced_not_followed(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"not yours")
    link = tmp_path / "link.txt"
    link.symlink_to(kept)
    with atomic_write(link) as fh:
        fh.write(b"new")
    assert kept.read_bytes() == b"not yours"
    assert not link.is_symlink() and link.read_bytes() == b"new"
