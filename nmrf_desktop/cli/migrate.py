"""`nmrf migrate-to URL`: copy the record to another database (SQLite ⇄ PostgreSQL), verified."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from nmrf_desktop.cli.common import Subparsers, open_from_args
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services.record import open_record
from nmrf_desktop.store import audit, postgres
from nmrf_desktop.store.blobs import BlobStore

log = logging.getLogger(__name__)

# Folders beside the record that travel with it: signing keys, held and sent bundles.
_DATA_FOLDERS = ("keys", "held", "sent")


class MigrateRefused(Exception):
    """The copy was refused or did not verify: one line on stderr, exit 1."""


@dataclass
class MigrateReport:
    source: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)
    audit_events: int = 0
    audit_head: str = ""
    evidence_files: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "target": self.target, "counts": self.counts,
                "audit_events": self.audit_events, "audit_head": self.audit_head,
                "evidence_files": self.evidence_files, "problems": self.problems}


def _evidence_hashes(record) -> set[str]:  # type: ignore[no-untyped-def]

    with record.reading() as session:
        return postgres.evidence_hashes(session.connection())


def _audit_head(record) -> tuple[int, str]:  # type: ignore[no-untyped-def]

    with record.reading() as session:
        return postgres.audit_head(session.connection())


def _copy_files(source, target, hashes: set[str]) -> int:  # type: ignore[no-untyped-def]
    """Evidence blobs (checked against their names) and the keys, held and sent folders."""

    src, dst = BlobStore(source.evidence_root), BlobStore(target.evidence_root)
    copied = 0
    for sha in sorted(hashes):
        if not src.has(sha):
            raise MigrateRefused(f"evidence file {sha} is missing from {source.evidence_root}")
        if not dst.has(sha):
            stored = dst.put_file(src.path_for(sha))
            if stored.sha256 != sha:
                raise MigrateRefused(f"evidence file {sha} does not match its hash")
            copied += 1
    if source.data_root.resolve() != target.data_root.resolve():
        for name in _DATA_FOLDERS:
            folder = source.data_root / name
            if folder.is_dir():
                shutil.copytree(folder, target.data_root / name, dirs_exist_ok=True)
    return copied


def migrate_to(source, target_url: str) -> MigrateReport:  # type: ignore[no-untyped-def]
    """Copy `source` (an open Record) into the empty database at `target_url`, then verify
    counts per table, the audit chain and its head, and every evidence file's hash."""

    target = open_record(target_url)
    try:
        report = MigrateReport(source.location, target.location)
        hashes = _evidence_hashes(source)
        _copy_files(source, target, hashes)
        with source.reading() as src, target.unit_of_work() as dst:
            try:
                postgres.copy_rows(src.connection(), dst.connection())
            except postgres.TransferRefused as exc:
                raise MigrateRefused(str(exc)) from None
        with source.reading() as src, target.reading() as dst:
            before = postgres.row_counts(src.connection())
            after = postgres.row_counts(dst.connection())
            report.problems += audit.verify(dst)
        report.counts = after
        report.problems += [f"{t}: {before[t]} rows in the source, {after.get(t)} copied"
                            for t in before if before[t] != after.get(t)]
        (n_src, head_src), (n_dst, head_dst) = _audit_head(source), _audit_head(target)
        report.audit_events, report.audit_head = n_dst, head_dst
        if (n_src, head_src) != (n_dst, head_dst):
            report.problems.append("the audit chain's head differs from the source's")
        for sha in sorted(_evidence_hashes(target)):
            path = target.evidence_root / "sha256" / sha[:2] / sha[2:4] / sha
            if not path.is_file() or file_sha256(path) != sha:
                report.problems.append(f"evidence file {sha} is missing or altered")
            else:
                report.evidence_files += 1
        if report.problems:
            log.error("migrate-to %s: %d problems", target.location, len(report.problems))
        return report
    finally:
        target.close()


def register(sub: Subparsers) -> None:
    m = sub.add_parser("migrate-to", help="copy this record to another database "
                       "(SQLite ⇄ PostgreSQL), verified")
    m.add_argument("url", help="the target: postgresql://user@host/db, or a .sqlite3 path; "
                   "it must be new or empty")
    m.add_argument("--json", action="store_true")


def cmd_migrate_to(args: argparse.Namespace) -> int:
    source = open_from_args(args)
    report = migrate_to(source, args.url)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        total = sum(v for k, v in report.counts.items())
        sys.stdout.write(f"copied {total} rows in {len(report.counts)} tables, "
                         f"{report.audit_events} audit events (chain verified), "
                         f"{report.evidence_files} evidence files (hashes verified) "
                         f"to {report.target}\n")
    for problem in report.problems:
        sys.stderr.write(f"nmrf: migrate-to: {problem}\n")
    return 1 if report.problems else 0


# What this wing's commands refuse with a reason for the user: one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (MigrateRefused,)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"migrate-to": cmd_migrate_to}
