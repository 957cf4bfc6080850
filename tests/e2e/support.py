"""Helpers for end-to-end tests: run `nmrf` as a real process, fingerprint a database."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
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
