"""Runs one exchange job in a child process, so a test can kill it at a crash point."""

from __future__ import annotations

import sys
from pathlib import Path

from nmrf_desktop.services import bundle_export, bundle_import, keys, packs
from nmrf_desktop.services.record import open_record

from .world import PASS


def main(job: str, db: str, path: str) -> int:
    record = open_record(db)
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
