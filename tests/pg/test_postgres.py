"""PostgreSQL only: unaccent search, the append-only audit log, concurrent coordinators
importing the same bundles, and `nmrf migrate-to` there and back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from nmrf_desktop.cli.migrate import migrate_to
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog
from nmrf_desktop.services.catalog import count_recommendations, search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store import audit, postgres
from nmrf_desktop.store.postgres import row_counts
from tests.conftest import NZ_CSV
from tests.unit.exchange.world import add_action, assign_some, make_world, record_digest

from .conftest import sqlite_record

pytestmark = pytest.mark.postgresql_only
ROOT = Path(__file__).resolve().parents[2]


def test_record_is_on_postgresql(record: Record) -> None:
    assert record.engine.dialect.name == "postgresql"
    assert record.engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(("plain", "marked"), [("Maori", "Māori"), ("whanau", "whānau")])
def test_diacritics_fold_both_ways(report_record: Record, plain: str, marked: str) -> None:
    by_plain = search_recommendations(report_record, Filters(text=plain), limit=None)
    by_marked = search_recommendations(report_record, Filters(text=marked), limit=None)
    assert by_plain and [r.id for r in by_plain] == [r.id for r in by_marked]
    assert count_recommendations(report_record, Filters(text=plain)) == len(by_plain)


def test_prefix_phrase_and_rank(nz_record: Record) -> None:
    whole = {r.id for r in search_recommendations(nz_record, Filters(text="indigenous "),
                                                  limit=None)}
    assert whole <= {r.id for r in search_recommendations(nz_record, Filters(text="indig"),
                                                          limit=None)}
    phrase = search_recommendations(nz_record, Filters(text='"indigenous peoples"'), limit=None)
    both = {r.id for r in search_recommendations(nz_record, Filters(text="indigenous peoples "),
                                                 limit=None)}
    assert phrase and {r.id for r in phrase} <= both
    assert catalog.check(nz_record) == []


def test_audit_log_is_append_only(record: Record) -> None:
    with record.unit_of_work() as session:
        audit.append(session, "test.one", actor="a")
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log",
                "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), record.unit_of_work() as session:
            session.execute(text(sql))
    with record.reading() as session:
        assert audit.verify(session) == []
        assert session.execute(text("SELECT actor FROM audit_log")).scalar_one() == "a"


def test_migrate_to_postgresql_and_back_loses_nothing(report_record: Record, pg_url: str,
                                                      tmp_path: Path) -> None:
    # The report fixture's record (actions, updates, evidence) as a SQLite source.
    source = sqlite_record(tmp_path / "source" / "central.sqlite3")
    try:
        first = migrate_to(report_record, f"sqlite:///{tmp_path / 'source' / 'central.sqlite3'}")
        assert first.problems == [] and first.evidence_files > 0
        there = migrate_to(source, pg_url)
        assert there.problems == []
        back_path = tmp_path / "back" / "central.sqlite3"
        middle = open_record(pg_url)
        try:
            with middle.reading() as session:  # dropped for the copy, built at its end
                assert postgres.has_rank_index(session.connection())
            back = migrate_to(middle, f"sqlite:///{back_path}")
        finally:
            middle.close()
        assert back.problems == []
        assert there.counts == back.counts == first.counts
        assert there.audit_head == back.audit_head == first.audit_head != ""
        assert there.evidence_files == back.evidence_files == first.evidence_files
        returned = sqlite_record(back_path)
        try:
            assert record_digest(returned) == record_digest(source)
            with returned.reading() as s, source.reading() as t:
                assert row_counts(s.connection()) == row_counts(t.connection())
            assert catalog.check(returned) == []
            assert search_recommendations(returned, Filters(text="whanau"), limit=None)
        finally:
            returned.close()
    finally:
        source.close()


def test_migrate_to_refuses_a_database_that_holds_a_record(nz_record: Record,
                                                           tmp_path: Path) -> None:
    from nmrf_desktop.cli.migrate import MigrateRefused

    source = sqlite_record(tmp_path / "s" / "central.sqlite3")
    try:
        import_files(source, "upr-info", [NZ_CSV])
        with pytest.raises(MigrateRefused, match="already holds a record"):
            migrate_to(source, nz_record.location)
    finally:
        source.close()


IMPORTERS = 4


def test_concurrent_coordinators_merge_each_bundle_once(tmp_path: Path, nz_csv: Path) -> None:
    """N processes import the same bundles at the same moment against a real server."""
    world = make_world(tmp_path / "world", nz_csv)
    url = world.central.engine.url.render_as_string(hide_password=False)
    bundles: list[Path] = []
    out = tmp_path / "bundles"
    out.mkdir()
    ids = world.rec_ids("Maori", n=4)
    for name, agency in (("aroha", "MOJ"), ("tane", "MFAT"), ("mere", "TPK")):
        lap = world.laptop(name, agency)
        assign_some(world, agency, ids)
        world.send_pack(lap)
        for i in range(3):
            add_action(lap, ids[i % len(ids):][:2], title=f"{name} plan {i}")
            bundles.append(lap.export(out))
    world.close()

    start_at = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.pg.import_driver", url, str(start_at),
         *map(str, bundles if k % 2 == 0 else reversed(bundles))],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in range(IMPORTERS)]
    outputs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        outputs.append(json.loads(stdout))

    merged = Counter(r["bundle_id"] for out in outputs for r in out if r["status"] == "merged")
    merged.update(b for out in outputs for r in out for b in r["released"])
    statuses = Counter(r["status"] for out in outputs for r in out)
    assert set(statuses) <= {"merged", "already imported", "held"}, statuses
    record = open_record(url)
    try:
        with record.reading() as session:
            rows = dict(session.execute(text(
                "SELECT bundle_id, count(*) FROM merged_bundles GROUP BY bundle_id")).all())
            change_ids = session.execute(text("SELECT change_id FROM applied_changes")
                                         ).scalars().all()
            actions = session.execute(text("SELECT count(*) FROM actions")).scalar_one()
            assert audit.verify(session) == []
        assert len(rows) == len(bundles) and set(rows.values()) == {1}
        assert all(n == 1 for n in merged.values()), merged  # no process merged one twice
        assert len(change_ids) == len(set(change_ids)) > 0
        assert actions == 3 * 3  # every laptop's three actions, each applied once
        assert catalog.check(record) == []
    finally:
        record.close()
