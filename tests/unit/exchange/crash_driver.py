"""Runs one exchange job in a child process, so a test can kill it at a crash point."""

from __future__ import annotations

import sys
from pathlib import Path

from nmrf_desktop.services.exchange import bundle_export, bundle_import, keys, packs
from nmrf_desktop.services.record import open_record

from .world import PASS


def _limit_file_size(limit: int) -> None:
    """Writes past `limit` bytes fail with EFBIG, as on a full disk (no SIGXFSZ kill)."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def main(job: str, db: str, path: str) -> int:
    record = open_record(db)
    if job == "import-bundle-disk-full":
        _limit_file_size(int(sys.argv[4]))
        result = bundle_import.import_bundle(record, Path(path))
        sys.stdout.write(f"{result.status}: {result.reason}\n")
        return 0 if result.status == bundle_import.MERGED else 1
    if job == "import-bundle":
        result = bundle_import.import_bundle(record, Path(path))
        return 0 if result.status == bundle_import.MERGED else 1
    if job == "import-pack":
        packs.import_pack(record, Path(path))
        return 0
    if job == "export-bundle":
        bundle_export.export_bundle(record, Path(path), keys.load_key(record, PASS))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
