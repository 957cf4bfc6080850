"""The `nmrf` error contract, for every command: an argument mistake or a bad --db is ONE
line on stderr, an exit code other than 0, no traceback anywhere, and nothing made.

The commands are not listed here: every command of `nmrf_desktop.cli.main.COMMAND_WINGS`
is walked down the real parser to its leaves (`keys create`, `overlap`, `overlap confirm`,
…), and each leaf's arguments are made from its parser, so a new command is covered
without a change to this file (a leaf whose arguments cannot be made fails here and says
so). Each leaf runs

(a) with argument mistakes argparse finds: an unknown option, none of its required
    arguments, and each typed or closed-choice argument given a value it refuses; and
(b) with arguments that parse, against each kind of bad --db in BAD_DATABASES.

The kind "unreadable" (a chmod 000 file) runs as it is for a user; as root, who reads any
file, it runs without the capabilities that allow that (setpriv), and is skipped, saying
why, where setpriv is missing.

Decided, and documented in the README: an argument mistake is one line too
(`nmrf search: error: …; see `nmrf search --help``) with exit code 2, no usage text; every
other error exits 1. The runs are real processes, forked from one process that imported
the command line once (support.nmrf_batch: some 600 runs take seconds, not minutes); a few
are run again as `python -m nmrf_desktop.cli.main` to show both give the same answer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nmrf_desktop.cli.main import COMMAND_WINGS, build_parser
from tests.e2e.support import Run, nmrf_at, nmrf_batch

Leaf = tuple[str, ...]

# Leaves that never open the record named by --db, so a bad one is no error for them.
DB_NOT_USED: dict[Leaf, str] = {
    ("policy", "show"): "it shows the organisation's policy file, not a record",
    ("demo", "roundtrip"): "it makes its own records in --workdir",
}
# Leaves that may make the record when there is none, and what they say instead of
# "no record at …" when the run fails for another reason.
MAKE_A_RECORD: dict[Leaf, str] = {
    ("init",): "it creates the record: that is its job (tested in test_cli_basics)",
    ("import", "upr-info"): "it creates the record, and removes it again if the import fails",
    ("import", "uhri"): "the same",
    ("import", "xlsx"): "the same",
    ("import", "document"): "--apply: the same; a preview reads the file, makes nothing",
    ("restore",): "it puts a lost record back from a backup, when there is one",
}
PASSWORD = "s3cret-kupu"


@dataclass(frozen=True)
class BadDatabase:
    """A kind of bad --db: how to make it in a folder, and what the one line must name."""

    make: Callable[[Path], str]
    names: Callable[[str], str]
    missing: bool = False  # no record there: "no record at …; create one with `nmrf init`"


def _file(content: bytes) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = folder / "record.sqlite3"
        path.write_bytes(content)
        return str(path)
    return make


def _folder(folder: Path) -> str:
    (folder / "a-folder").mkdir()
    return str(folder / "a-folder")


def _unreadable(folder: Path) -> str:
    path = Path(_file(b"SQLite format 3\0" + bytes(4080))(folder))
    path.chmod(0)
    return str(path)


def _other_sqlite(folder: Path) -> str:
    path = folder / "someone-elses.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE shopping (item TEXT)")
        db.execute("INSERT INTO shopping VALUES ('kūmara')")
    db.close()
    return str(path)


def _same(target: str) -> str:
    return target


BAD_DATABASES: dict[str, BadDatabase] = {
    "port-not-a-number": BadDatabase(
        lambda _f: f"postgresql://aroha:{PASSWORD}@db.example:abc/nmrf",
        lambda _t: "not a database address: postgresql://aroha:***@db.example:abc/nmrf"),
    "not-an-address": BadDatabase(lambda _f: "://nmrf", lambda _t: "://nmrf"),
    "unknown-kind": BadDatabase(lambda _f: "mysql://aroha@db.example/nmrf",
                                lambda t: f"not a database address: {t}"),
    "folder": BadDatabase(_folder, _same),
    "unreadable": BadDatabase(_unreadable, _same),
    "not-a-database": BadDatabase(_file(b"shopping list\n" * 100), _same),
    "someone-elses-sqlite": BadDatabase(_other_sqlite, _same),
    "no-server": BadDatabase(lambda _f: "postgresql://aroha@127.0.0.1:1/nmrf", _same),
    "missing-file": BadDatabase(lambda f: str(f / "not-yet" / "record.sqlite3"), _same,
                                missing=True),
    "empty-file": BadDatabase(_file(b""), _same, missing=True),
}


# -- the commands, from the parser -----------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any] | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)),
                None)


def leaves() -> dict[Leaf, argparse.ArgumentParser]:
    """Every command that runs, by its words: a parser with no subcommands, or whose
    subcommands are optional (`nmrf overlap` runs alone and as `nmrf overlap confirm`)."""
    top = _subcommands(build_parser())
    assert top is not None
    found: dict[Leaf, argparse.ArgumentParser] = {}

    def walk(words: Leaf, parser: argparse.ArgumentParser) -> None:
        sub = _subcommands(parser)
        if sub is None or not sub.required:
            found[words] = parser
        for name, child in (sub.choices.items() if sub else ()):
            walk((*words, name), child)

    for command in COMMAND_WINGS:
        walk((command,), top.choices[command])
    return found


def _parses(action: argparse.Action, text: str) -> bool:
    try:
        (action.type or str)(text)  # type: ignore[operator]
    except (argparse.ArgumentTypeError, TypeError, ValueError):
        return False
    return True


def _value(action: argparse.Action, folder: Path) -> str:
    """A value the argument takes: its first choice, a number, a date, an existing file for
    a path read, a new one for a path written, else a word."""
    if action.choices:
        return str(next(iter(action.choices)))
    if action.type is Path:
        return str(folder / ("input.txt" if not action.option_strings else f"{action.dest}-new"))
    for text in ("1", "2025-06-30", "NZL-UPR18-040"):
        if _parses(action, text):
            return text
    raise AssertionError(f"no value found for {action.dest}: add one to _value")


def _required(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The arguments a run must give: required ones, and one of each required group."""
    chosen = {g._group_actions[0] for g in parser._mutually_exclusive_groups if g.required}
    return [a for a in parser._actions
            if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
            and ((a.option_strings and (a.required or a in chosen))  # argparse calls a
                 or (not a.option_strings and a.nargs not in ("?", "*")))]  # "*" required


def _argv(parser: argparse.ArgumentParser, folder: Path,
          override: tuple[argparse.Action, str] | None = None) -> list[str]:
    argv: list[str] = []
    for action in _required(parser):
        value = override[1] if override and override[0] is action else _value(action, folder)
        if action.option_strings:
            argv.append(action.option_strings[-1])
            if action.nargs != 0:
                argv.append(value)
        else:
            argv.append(value)
    return argv


def valid_argv(words: Leaf, parser: argparse.ArgumentParser, folder: Path) -> list[str]:
    return [*words, *_argv(parser, folder)]


def mistakes(words: Leaf, parser: argparse.ArgumentParser, folder: Path
             ) -> Iterator[tuple[str, list[str]]]:
    """(what is wrong, argv) for each argument mistake of one leaf."""
    yield "an unknown option", [*words, *_argv(parser, folder), "--no-such-option"]
    if _required(parser):
        yield "nothing it requires", list(words)
    typed = [a for a in parser._actions if (a.choices or a.type not in (None, str, Path))
             and not isinstance(a, argparse._SubParsersAction) and a.nargs != 0]
    for action in typed:
        for bad in ("not-a-choice",) if action.choices else ("many", "-1"):
            if action.choices or not _parses(action, bad):
                option = action.option_strings[-1:] if action.option_strings else []
                args = (_argv(parser, folder, (action, bad)) if action in _required(parser)
                        else [*_argv(parser, folder), *option, bad])
                yield f"{'/'.join(action.option_strings) or action.dest} {bad}", [*words, *args]


# -- running them ----------------------------------------------------------------------------


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every folder and file under `root`; a file with its size and modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            found[str((Path(folder) / name).relative_to(root)) + "/"] = (0, 0)
        for name in files:
            st = (Path(folder) / name).lstat()
            found[str((Path(folder) / name).relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


@dataclass
class Outcome:
    what: str
    words: Leaf
    done: subprocess.CompletedProcess[str]


def _env(root: Path) -> dict[str, str]:
    """No record, policy or passphrase prompt leaks in; the user data folder is watched."""
    return {"NMRF_DATA_DIR": str(root / "user-data"), "NMRF_POLICY_FILE": "",
            "NMRF_KEY_PASSPHRASE": "kia kaha kia maia kia manawanui",
            "XDG_STATE_HOME": str(root / "state")}


def _run_all(root: Path, cases: list[tuple[str, Leaf, Path, list[str]]],
             wrapper: Sequence[str] = ()) -> tuple[list[Outcome], list[str]]:
    """Run (what, leaf, folder, argv) cases; their outcomes, and the files they made."""
    env = _env(root)
    for folder in {case[2] for case in cases}:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "input.txt").write_text("x\n", encoding="utf-8")
    before = _files(root)
    results = nmrf_batch([Run(tuple(argv), folder, env) for _w, _l, folder, argv in cases],
                         wrapper=wrapper)
    after = _files(root)
    changed = sorted(name for name in after.keys() | before.keys()
                     if after.get(name) != before.get(name))
    outcomes = [Outcome(what, words, done)
                for (what, words, _f, _a), done in zip(cases, results, strict=True)]
    return outcomes, changed


def _contract_broken(done: subprocess.CompletedProcess[str]) -> str | None:
    """What breaks the contract in one run, or None."""
    if "Traceback" in done.stdout + done.stderr:
        return "a traceback"
    if done.returncode == 0:
        return "exit code 0"
    lines = done.stderr.splitlines()
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr"
    if not lines[0].startswith("nmrf"):
        return "a line that does not start with 'nmrf'"
    if done.stdout:
        return "output on stdout"
    return None


def _report(bad: list[str]) -> str:
    return f"{len(bad)} runs break the contract:\n" + "\n".join(bad[:40])


def _unprivileged() -> list[str] | None:
    """How to run `nmrf` so that a chmod 000 file cannot be read: as it is for a user; for
    root, without the capabilities to read any file (setpriv), or None when there is no
    way."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"] if setpriv else None


@pytest.fixture(scope="module")
def all_leaves() -> dict[Leaf, argparse.ArgumentParser]:
    return leaves()


def test_every_command_is_walked_to_its_leaves(all_leaves: dict[Leaf, Any]) -> None:
    assert {words[0] for words in all_leaves} == set(COMMAND_WINGS)
    for words in (("keys", "create"), ("overlap",), ("overlap", "confirm"), ("search",),
                  ("import", "upr-info"), ("bundle", "verify"), ("migrate-to",)):
        assert words in all_leaves
    assert set(DB_NOT_USED) | set(MAKE_A_RECORD) <= set(all_leaves), "a leaf was renamed"


def test_argument_mistakes_are_one_line_exit_2_and_make_nothing(
        all_leaves: dict[Leaf, argparse.ArgumentParser], tmp_path: Path) -> None:
    cases = []
    for words, parser in all_leaves.items():
        folder = tmp_path / "runs" / "-".join(words)
        for what, argv in mistakes(words, parser, folder):
            db = folder / "record.sqlite3"  # never there: a usage error must not make it
            cases.append((what, words, folder, ["--db", str(db), *argv]))
    outcomes, changed = _run_all(tmp_path, cases)
    assert len(outcomes) > 2 * len(all_leaves)
    bad = []
    for o in outcomes:
        why = _contract_broken(o.done)
        line = o.done.stderr.strip()
        if why is None and o.done.returncode != 2:
            why = f"exit code {o.done.returncode}, not 2"
        if why is None and not (": error: " in line and line.endswith(" --help`")):
            why = "no 'error:' line pointing to --help"
        if why:
            bad.append(f"nmrf {' '.join(o.words)} with {o.what}: {why}: {o.done.stderr!r}")
    assert not bad, _report(bad)
    assert changed == [], f"argument mistakes made or changed files: {changed}"


@pytest.mark.parametrize("kind", list(BAD_DATABASES))
def test_a_bad_database_is_one_line_naming_it_and_nothing_is_made(
        kind: str, all_leaves: dict[Leaf, argparse.ArgumentParser], tmp_path: Path) -> None:
    wrapper = _unprivileged() if kind == "unreadable" else []
    if wrapper is None:
        pytest.skip("running as root, who reads a chmod 000 file all the same, and without "
                    "setpriv to give that up; the kinds 'not-a-database' and "
                    "'someone-elses-sqlite' cover a file that is no record")
    bad_db = BAD_DATABASES[kind]
    cases, targets = [], {}
    for words, parser in all_leaves.items():
        if words in DB_NOT_USED or (bad_db.missing and words == ("init",)):
            continue
        folder = tmp_path / "runs" / "-".join(words)
        folder.mkdir(parents=True)
        targets[words] = bad_db.make(folder)  # each its own: a run may make a record in it
        cases.append(("", words, folder,
                      ["--db", targets[words], *valid_argv(words, parser, folder)]))
    outcomes, changed = _run_all(tmp_path, cases, wrapper)
    bad = []
    for o in outcomes:
        why = _contract_broken(o.done)
        line = o.done.stderr.strip()
        named = bad_db.names(targets[o.words])
        if why is None and o.done.returncode != 1:
            why = f"exit code {o.done.returncode}, not 1"
        if (why is None and named not in line
                and not (bad_db.missing and o.words in MAKE_A_RECORD)):
            why = f"the line does not name {named!r}"
        if (why is None and bad_db.missing and o.words not in MAKE_A_RECORD
                and f"no record at {named}; create one with `nmrf init`" not in line):
            why = "not 'no record at …; create one with `nmrf init`'"
        if (why is None and kind == "unreadable" and o.words != ("restore",)
                and "permission denied" not in line):
            why = "not 'permission denied'"
        if why is None and PASSWORD in o.done.stderr:
            why = "the password shown"
        if why:
            bad.append(f"nmrf {' '.join(o.words)}: {why}: {o.done.stderr!r}")
    assert not bad, _report(bad)
    assert changed == [], f"runs with a bad --db made or changed files: {changed}"


def test_forked_runs_answer_as_real_starts_do(
        all_leaves: dict[Leaf, argparse.ArgumentParser], tmp_path: Path) -> None:
    """nmrf_batch's children against `python -m nmrf_desktop.cli.main`, a few runs."""
    garbage = BAD_DATABASES["not-a-database"].make(tmp_path)
    missing = BAD_DATABASES["missing-file"].make(tmp_path)
    env = _env(tmp_path)
    runs = [Run(("--db", garbage, "search", "whānau"), tmp_path, env),
            Run(("--db", missing, "keys", "create"), tmp_path, env),
            Run(("--db", "postgresql://u@h:abc/nmrf", "backup"), tmp_path, env),
            Run(("search", "--bogus"), tmp_path, env),
            Run(("--db", garbage, "policy", "show", "--json"), tmp_path, env)]
    forked = nmrf_batch(runs)
    with ThreadPoolExecutor(2) as pool:
        started = list(pool.map(lambda r: nmrf_at(r.cwd, r.argv, r.env), runs))
    for fork, real in zip(forked, started, strict=True):
        assert (fork.returncode, fork.stdout, fork.stderr) == (
            real.returncode, real.stdout, real.stderr)
    assert [r.returncode for r in started] == [1, 1, 1, 2, 0]
