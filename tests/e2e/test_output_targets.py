"""Reports and exports never write over a pipe, a device or a folder: a clear refusal first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.e2e.support import assert_user_error, nmrf

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.mark.parametrize("argv", [("export", "xlsx"), ("report", "pdf", "--kind", "body"),
                                  ("report", "xlsx")])
def test_an_output_that_is_a_pipe_is_refused_before_any_work(nz_db: Path, tmp_path: Path,
                                                              argv: tuple[str, ...]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    pipe = out_dir / "out.xlsx"
    os.mkfifo(pipe)
    done = nmrf(*argv, "--out", pipe, db=nz_db)
    assert done.returncode != 0
    assert_user_error(done, "out.xlsx is a named pipe (FIFO), not a file to write over")
    assert "Exception ignored" not in done.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in out_dir.iterdir()] == ["out.xlsx"]
