"""Helpers for end-to-end tests: run `nmrf` as a real process (one, or hundreds at once),
fingerprint a database."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def nmrf(*args: str | Path, db: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m nmrf_desktop.cli.main [--db DB] ARGS…` and capture its output."""
    argv = [sys.executable, "-m", "nmrf_desktop.cli.main"]
    if db is not None:
        argv += ["--db", str(db)]
    argv += [str(a) for a in args]
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8",
                          cwd=ROOT, env=full_env, timeout=timeout, check=False)


@dataclass(frozen=True)
class Run:
    """One `nmrf ARGV…` run: its arguments, environment (added to this one) and folder."""

    argv: tuple[str, ...]
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)


def nmrf_batch(runs: Sequence[Run], *, jobs: int = 2, timeout: float = 60,
               wrapper: Sequence[str] = ()) -> list[subprocess.CompletedProcess[str]]:
    """Run many `nmrf` commands, each in a process of its own, and return what each printed
    and its exit code, in the order given.

    Fast: one real `python` process imports the command line once and forks a child per run
    (`jobs` at a time), so a run costs what the command does, not the 0.6 s of starting
    Python and importing SQLAlchemy and Alembic. Each child has its own arguments,
    environment, working folder and stdin (/dev/null), and exits as `python -m
    nmrf_desktop.cli.main` would: the code main() returns, or 1 with the traceback of an
    uncaught exception on stderr. Where there is no fork (Windows), each run is a
    `python -m nmrf_desktop.cli.main` process, `jobs` at a time. `wrapper` goes before
    each process's command line (e.g. setpriv, to run without some privilege).
    """
    requests = [{"argv": list(r.argv), "cwd": str(r.cwd),
                 "env": {**os.environ, "QT_QPA_PLATFORM": "offscreen", **r.env}} for r in runs]
    if not hasattr(os, "fork"):
        def one(run: Run) -> subprocess.CompletedProcess[str]:
            return nmrf_at(run.cwd, run.argv, run.env, timeout, wrapper)
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(one, runs))
    done = subprocess.run(
        [*wrapper, sys.executable, "-c",
         "from tests.e2e.support import serve_batch; serve_batch()"],
        input=json.dumps({"runs": requests, "jobs": jobs, "timeout": timeout}),
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=timeout + 5 * len(runs) / jobs + 60)
    assert done.returncode == 0, f"the batch runner failed:\n{done.stderr}"
    return [subprocess.CompletedProcess(["nmrf", *r.argv], out["code"], out["stdout"],
                                        out["stderr"])
            for r, out in zip(runs, json.loads(done.stdout), strict=True)]


def nmrf_at(cwd: Path, argv: Sequence[str], env: dict[str, str], timeout: float = 120,
            wrapper: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """`python -m nmrf_desktop.cli.main ARGV…` in `cwd`, `env` added to this environment."""
    return subprocess.run([*wrapper, sys.executable, "-m", "nmrf_desktop.cli.main", *argv],
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
                          timeout=timeout, check=False)


def serve_batch() -> None:
    """The batch runner's process (see nmrf_batch): runs from stdin, results to stdout."""
    request = json.load(sys.stdin)
    # Imported here, once, before the first fork: each child starts with it all loaded.
    from nmrf_desktop.cli import main as cli

    for name in cli.WINGS:
        cli.wing(name)
    results = _forked(cli.main, request["runs"], request["jobs"], request["timeout"])
    json.dump(results, sys.stdout, ensure_ascii=False)


def _forked(main: Callable[[list[str]], int], runs: list[dict[str, Any]], jobs: int,
            timeout: float) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = [{} for _ in runs]
    waiting = list(range(len(runs)))
    running: dict[int, tuple[int, float]] = {}  # pid -> (run, started)
    with tempfile.TemporaryDirectory() as scratch:
        def output(i: int, stream: str) -> Path:
            return Path(scratch) / f"{i}.{stream}"

        while waiting or running:
            while waiting and len(running) < jobs:
                i = waiting.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(main, runs[i], output(i, "out"), output(i, "err"))
                running[pid] = (i, time.monotonic())
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for late, (_run, started) in running.items():
                    if time.monotonic() - started > timeout:
                        os.kill(late, signal.SIGKILL)
                time.sleep(0.002)
                continue
            i, _started = running.pop(pid)
            results[i] = {"code": os.waitstatus_to_exitcode(status),
                          "stdout": output(i, "out").read_text(encoding="utf-8"),
                          "stderr": output(i, "err").read_text(encoding="utf-8")}
    return results


def _child(main: Callable[[list[str]], int], run: dict[str, Any], out: Path,
           err: Path) -> None:
    """In the forked child: become `nmrf ARGV…` in its folder and environment; never returns."""
    code = 1
    try:
        os.chdir(run["cwd"])
        os.environ.clear()
        os.environ.update(run["env"])
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        try:
            code = main(list(run["argv"]))
        except SystemExit as exc:  # what the interpreter makes of sys.exit(…)
            if isinstance(exc.code, str):
                sys.stderr.write(exc.code + "\n")
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()  # as the interpreter does for an uncaught exception
            code = 1
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def nmrf_ok(*args: str | Path, db: Path | None = None,
            env: dict[str, str] | None = None) -> str:
    """Run `nmrf` and return its stdout; fail the test with stderr if it did not exit 0."""
    done = nmrf(*args, db=db, env=env)
    assert done.returncode == 0, f"nmrf {args} exited {done.returncode}:\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done.stdout


def nmrf_json(*args: str | Path, db: Path | None = None) -> Any:
    return json.loads(nmrf_ok(*args, "--json", db=db))


def nmrf_in_process(*args: str | Path, db: Path | None = None) -> tuple[int, str, str]:
    """Run `nmrf` through `cli.main` in this process: (exit code, stdout, stderr)."""
    from nmrf_desktop.cli.main import main

    argv = (["--db", str(db)] if db is not None else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def stats(db: Path) -> dict[str, Any]:
    """`nmrf stats --json` (in process: it is called before and after most commands)."""
    code, out, err = nmrf_in_process("stats", "--json", db=db)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def fingerprint(db: Path, *, exclude: tuple[str, ...] = ()) -> str:
    """A hash of every row of every table, search index included (order independent).

    `exclude` leaves tables out, e.g. the audit log when only the record itself matters.
    """
    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [name for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")
            if not sql.upper().startswith("CREATE VIRTUAL") and name not in exclude]
        for name in tables:
            rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
            digest.update(f"{name}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode("utf-8", "surrogatepass") + b"\n")
    finally:
        conn.close()
    return digest.hexdigest()


def assert_user_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A user mistake: exit ≠ 0, no traceback, and a first stderr line naming `needles`."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    first = done.stderr.splitlines()[0] if done.stderr else ""
    assert first.startswith("nmrf: "), done.stderr
    for needle in needles:
        assert needle in first, f"{needle!r} not in {first!r}"
    return first
