"""Numbers never overflow: every numeric option of every `nmrf` command goes through one
range-checked type (found by walking the real parser, so a new option is covered), and
numbers read from imported files are range-checked with the row named. Each bad number is
one line naming the option or row, a non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from nmrf_desktop.cli.common import MAX_WHOLE, whole
from nmrf_desktop.cli.main import build_parser
from tests.e2e.support import Run, assert_user_error, fingerprint, nmrf, nmrf_batch, nmrf_ok
from tests.unit.importers.uhri_workbook import row, write_uhri

HUGE = str(2**70)  # 1180591620717411303424
THOUSANDS = "9" * 5000  # more digits than int() converts by default
HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"


def _numeric_options() -> Iterator[tuple[tuple[str, ...], argparse.Action]]:
    """(command words, action) for every option of every leaf whose value is a number."""
    def walk(words: tuple[str, ...], parser: argparse.ArgumentParser
             ) -> Iterator[tuple[tuple[str, ...], argparse.Action]]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk((*words, name), sub)
            elif action.type in (int, float) or getattr(action.type, "__name__", "") == \
                    "whole number":
                yield words, action
    yield from walk((), build_parser())


def test_every_numeric_option_is_range_checked_by_the_one_type() -> None:
    found = list(_numeric_options())
    names = {(" ".join(w), a.option_strings[0]) for w, a in found}
    assert {("search", "--limit"), ("search", "--session"), ("search", "--cycle"),
            ("calendar add", "--cycle"), ("calendar list", "--within"),
            ("dashboard", "--months"), ("keys register", "--valid-days")} <= names
    plain = [(w, a.option_strings) for w, a in found if a.type in (int, float)]
    assert plain == [], f"options read as a bare int/float, unchecked: {plain}"


def test_the_type_refuses_with_the_value_and_the_range() -> None:
    limit = whole(0)
    assert limit("50") == 50 and limit(str(MAX_WHOLE)) == MAX_WHOLE and limit("+7") == 7
    for bad, why in ((HUGE, f"{HUGE} is out of range (0–{MAX_WHOLE})"),
                     ("-1", "-1 is out of range"), (THOUSANDS, "is out of range"),
                     ("1e3", "'1e3' is not a whole number"), ("1_000", "not a whole number"),
                     ("١٢", "not a whole number"), ("", "not a whole number")):
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(why)):
            limit(bad)


def test_every_numeric_option_given_a_hostile_number_is_one_line_exit_2(
        tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite3"
    nmrf_ok("init", db=db)
    before = fingerprint(db)
    runs, cases = [], []
    for words, action in _numeric_options():
        option = action.option_strings[0]
        for value in (HUGE, "-" + HUGE, THOUSANDS, "nan", "1e400"):
            argv = ["--db", str(db), *words, option, value]
            if words == ("calendar", "add"):
                argv += ["--body", "UPR", "--kind", "follow-up", "--due", "2030-01-01"]
            if words == ("keys", "register"):
                argv += [str(tmp_path / "key.pub")]
            runs.append(Run(tuple(argv), cwd=tmp_path))
            cases.append((words, option, value))
    assert len(runs) >= 35
    for (words, option, value), done in zip(cases, nmrf_batch(runs), strict=True):
        what = f"nmrf {' '.join(words)} {option} {value[:20]}"
        assert done.returncode == 2, f"{what}: exit {done.returncode}: {done.stderr}"
        assert "Traceback" not in done.stderr and done.stdout == "", what
        line = done.stderr.strip()
        assert "\n" not in line, what
        assert f"argument {option}" in line, f"{what}: {line}"
        assert "is out of range" in line or "is not a whole number" in line, line
        assert len(line) < 300, f"{what}: the value is not cut short: {line[:80]}…"
    assert fingerprint(db) == before


def test_search_limit_of_2_to_the_70_names_the_option() -> None:
    done = nmrf("search", "--limit", HUGE, "water")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"argument --limit: {HUGE} is out of range (0–{MAX_WHOLE})" in done.stderr


# -- numbers in imported files -------------------------------------------------------------

@pytest.fixture
def record(tmp_path: Path) -> Path:
    db = tmp_path / "record.sqlite3"
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "New Zealand,WEOG,,Protect Māori rights,Fiji,Asia-Pacific,,"
                    "Supported,5,Indigenous peoples,32\n", encoding="utf-8")
    nmrf_ok("import", "upr-info", good, db=db)
    return db


@pytest.mark.parametrize("session", [HUGE, THOUSANDS, "-3", "0", "1e3", "²"])
def test_a_csv_session_out_of_range_names_the_row(tmp_path: Path, record: Path,
                                                  session: str) -> None:
    before = fingerprint(record)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "New Zealand,WEOG,,Fine text,Fiji,Asia-Pacific,,Supported,5,x,3\n"
                    f"New Zealand,WEOG,,Other text,Fiji,Asia-Pacific,,Supported,{HUGE},x,"
                    f"{session}\n", encoding="utf-8")
    done = nmrf("import", "upr-info", path, db=record)
    first = assert_user_error(done, "bad.csv, row 3, column 'Session'",
                              "is not a UPR session number")
    assert len(first) < 400
    assert "bad.csv, row 3, column 'Action'" in done.stderr
    assert fingerprint(record) == before


@pytest.mark.parametrize("session", [THOUSANDS, "1e+300", 2**70, 1e300, "Session 9999"])
def test_a_uhri_session_out_of_range_names_the_row(tmp_path: Path, record: Path,
                                                   session: object) -> None:
    before = fingerprint(record)
    path = write_uhri(tmp_path / "uhri.xlsx", [row(
        Text="26.1 Ensure access to justice for Māori", Countries_Concerned="- New Zealand",
        Reccomending_Body="- Universal Periodic Review", Document_Symbol="A/HRC/41/4",
        UPR_Session=session)])
    done = nmrf("import", "uhri", path, db=record)
    assert_user_error(done, "uhri.xlsx, row 2, column 'UPR Session'",
                      "is not a UPR session number (1-150)")
    assert fingerprint(record) == before


@pytest.mark.parametrize(("label", "value"), [
    ("UPR session", 2**70), ("UPR session", THOUSANDS), ("Cycle", -(2**63)),
    ("Year", 1e308), ("Year", "9" * 30), ("UPR Info action category", 2**64)])
def test_template_numbers_out_of_range_name_the_cell(tmp_path: Path, record: Path,
                                                     label: str, value: object) -> None:
    before = fingerprint(record)
    wb = Workbook()
    ws = wb.active
    ws.title = "Recommendations"
    ws.append(["Country", "Body", "Text", label])
    ws.append(["New Zealand", "UPR", "Protect te reo Māori", value])
    path = tmp_path / "template.xlsx"
    wb.save(path)
    done = nmrf("import", "xlsx", path, db=record)
    assert_user_error(done, f"template.xlsx, row 2, column '{label}'", "is not a whole number")
    assert fingerprint(record) == before
