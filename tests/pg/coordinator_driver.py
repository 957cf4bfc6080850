"""One coordinator in the mixed-coordinators test: resolve, assign or import, print JSON.

Usage: python -m tests.pg.coordinator_driver URL START_AT resolve CHOICE CONFLICT_ID...
       python -m tests.pg.coordinator_driver URL START_AT assign AGENCY REC_ID...
       python -m tests.pg.coordinator_driver URL START_AT import BUNDLE...
Each waits until START_AT (a time.time() value), so all start at the same moment.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.exchange import conflicts
from nmrf_desktop.services.exchange.bundle_import import import_bundles
from nmrf_desktop.services.record import open_record


def main(argv: list[str]) -> int:
    url, start_at, job, args = argv[0], float(argv[1]), argv[2], argv[3:]
    record = open_record(url)
    out: list[dict[str, object]] = []
    try:
        time.sleep(max(0.0, start_at - time.time()))
        if job == "resolve":
            choice, ids = args[0], args[1:]
            for conflict_id in ids:
                try:
                    conflicts.resolve(record, conflict_id, choice)
                    out.append({"id": conflict_id, "resolved": True})
                except conflicts.ResolveRefused as exc:
                    out.append({"id": conflict_id, "resolved": False, "reason": str(exc)})
        elif job == "assign":
            for rec_id in args[1:]:  # one by one: interleave with the others' writes
                out.append(assign(record, args[0], AssignmentRole.CONTRIBUTING, ids=[rec_id]))
        else:
            out = [{"bundle_id": r.bundle_id, "status": r.status}
                   for r in import_bundles(record, [Path(p) for p in args])]
    finally:
        record.close()
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
