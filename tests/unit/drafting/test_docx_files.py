"""Writing a Word draft to a file: progress calls, a cancel or failure leaves nothing (and an
earlier file as it was), a bad output path is refused with its name."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import docx
import pytest

from nmrf_desktop.reports.docx_writer import ADVANCE_EVERY, write_docx
from tests.unit.drafting.test_docx_readback import sample_draft


class Stop(Exception):
    """What a progress dialog's Cancel raises."""


def test_advance_is_called_every_fifty_blocks(tmp_path: Path) -> None:
    draft = sample_draft(blocks=12)  # 132 blocks
    calls: list[int] = []
    write_docx(draft, tmp_path / "d.docx", advance=lambda: calls.append(1))
    assert ADVANCE_EVERY == 50 and len(calls) == len(draft.blocks) // 50 == 2


def test_a_cancel_leaves_no_file_and_the_earlier_one_untouched(tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    write_docx(sample_draft(), out)
    before = out.read_bytes()

    def cancel() -> None:
        raise Stop

    with pytest.raises(Stop):
        write_docx(sample_draft(blocks=12), out, advance=cancel)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.docx"]  # no temp file
    with pytest.raises(Stop):
        write_docx(sample_draft(blocks=12), tmp_path / "new.docx", advance=cancel)
    assert not (tmp_path / "new.docx").exists()


def test_a_failed_block_leaves_no_file(tmp_path: Path) -> None:
    draft = sample_draft()
    broken = type(draft)(draft.meta, draft.summary, (*draft.blocks, "not a block"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a draft block: str"):
        write_docx(broken, tmp_path / "broken.docx")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "reports.docx"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="folder") as caught:
        write_docx(sample_draft(), folder)
    assert caught.value.filename == str(folder) and str(folder) in str(caught.value)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "draft.docx"
    with pytest.raises(FileNotFoundError) as caught:
        write_docx(sample_draft(), out)
    assert f"the folder {out.parent} does not exist" in str(caught.value)
    assert str(out) in str(caught.value)
    assert not out.parent.exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write into a read-only folder")
def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(PermissionError, match="not writable") as caught:
            write_docx(sample_draft(), folder / "draft.docx")
        assert str(folder / "draft.docx") in str(caught.value)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_folder_that_takes_no_files_is_named() -> None:
    out = Path("/proc/nmrf-draft.docx")  # refuses new files even to root
    with pytest.raises(OSError) as caught:
        write_docx(sample_draft(), out)
    assert caught.value.filename == str(out) and str(out) in str(caught.value)
    assert not out.exists()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_is_never_replaced() -> None:
    with pytest.raises(OSError, match="device") as caught:
        write_docx(sample_draft(), Path("/dev/null"))
    assert caught.value.filename == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "draft.docx"
    link.symlink_to(target)
    write_docx(sample_draft(), link)
    assert target.read_text() == "keep me"
    assert not link.is_symlink()
    assert docx.Document(str(link)).paragraphs[0].style.name == "Title"
