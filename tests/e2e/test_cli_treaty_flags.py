"""`nmrf search --follow-up / --important`: a treaty body's flags as filters, with text and
with each other; a value given to a flag option is an argument error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from tests.conftest import NZ_CSV
from tests.e2e.support import nmrf, nmrf_in_process
from tests.unit.documents import previews


@pytest.fixture
def flagged(tmp_path: Path) -> Path:
    db = tmp_path / "flags.sqlite3"
    record = open_record(db)
    try:
        import_files(record, "upr-info", [NZ_CSV])
        apply(record, previews.concluding_observations(tmp_path))
    finally:
        record.close()
    return db


def _references(db: Path, *args: str) -> list[str]:
    code, out, err = nmrf_in_process("search", *args, "--json", db=db)
    assert code == 0, err
    return sorted(r["reference"] for r in json.loads(out))


def test_the_flag_options_narrow_the_search(flagged: Path) -> None:
    co = "CERD/C/NZL/CO/21-22 para "
    assert _references(flagged, "--follow-up") == [f"{co}12", f"{co}20(a)", f"{co}20(b)"]
    assert _references(flagged, "--important") == [f"{co}31"]
    assert _references(flagged, "--follow-up", "--important") == []
    assert _references(flagged, "Māori", "--follow-up") == [f"{co}20(a)", f"{co}20(b)"]
    assert len(_references(flagged, "--limit", "0")) > len(_references(flagged, "--follow-up"))


def test_the_command_line_takes_the_flags_end_to_end(flagged: Path) -> None:
    done = nmrf("search", "--important", db=flagged)
    assert done.returncode == 0, done.stderr
    assert "CERD/C/NZL/CO/21-22 para 31" in done.stdout and "para 12" not in done.stdout


def test_a_flag_option_takes_no_value(flagged: Path) -> None:
    done = nmrf("search", "--follow-up=yes", db=flagged)
    assert done.returncode == 2
    assert "--follow-up" in done.stderr and "Traceback" not in done.stderr
