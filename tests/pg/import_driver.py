"""One coordinator in the concurrent-import test: import bundles into a record, print JSON.

Usage: python -m tests.pg.import_driver URL START_AT BUNDLE...  (waits until START_AT,
a time.time() value, so that every process starts importing at the same moment).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from nmrf_desktop.services.exchange.bundle_import import import_bundles
from nmrf_desktop.services.record import open_record


def main(argv: list[str]) -> int:
    url, start_at, paths = argv[0], float(argv[1]), [Path(p) for p in argv[2:]]
    record = open_record(url)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        results = import_bundles(record, paths)
    finally:
        record.close()
    json.dump([{"bundle_id": r.bundle_id, "status": r.status, "reason": r.reason,
                "released": [x.bundle_id for x in r.released if x.status == "merged"]}
               for r in results], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
