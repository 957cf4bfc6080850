"""File modes on POSIX (part D of issue 19): the data folder, the database and its WAL/SHM,
evidence, keys, sent and held bundles are their owner's only whatever the umask (folders
0700, files 0600); an existing record made before is tightened when opened, and the log says
what changed; every report file, whatever its kind, gets the one REPORT_MODE."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop import files
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.paths import user_data_dir
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.services import catalog, entry, last_database
from nmrf_desktop.services.exchange import bundle_import, keys
from nmrf_desktop.services.instance import InstanceGuard, lock_path
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.services.workbook.exporting import export_template, export_workbook
from tests.unit.exchange.world import PASS, add_action, make_world

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The umask most desktops have: without the app's care, files 0644, folders 0755."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes_under(root: Path) -> dict[str, int]:
    """Every folder and file under `root` (and root): relative name → permission bits."""
    found = {".": mode(root)}
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = mode(path)
    return found


def assert_owner_only(root: Path) -> None:
    wrong = {name: oct(m) for name, m in modes_under(root).items()
             if m != (0o700 if (root / name).is_dir() else 0o600)}
    assert wrong == {}, f"not owner-only under {root}: {wrong}"


def companions(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in ("-wal", "-shm")]


def test_the_default_database_and_the_user_data_folder_are_owner_only() -> None:
    home = user_data_dir()
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o755)  # as an older version (or another tool) left it
    db = home / "nmrf.sqlite3"
    record = open_record(db)
    try:
        record.set_setting("officer_name", "Aroha Ngātā")  # a write: the WAL is in use
        assert all(p.is_file() for p in companions(db))
        assert mode(home) == 0o700
        assert {p.name: oct(mode(p)) for p in [db, *companions(db)]} == {
            p.name: "0o600" for p in [db, *companions(db)]}
    finally:
        record.close()


def test_the_lock_and_the_last_database_note_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite3"
    with InstanceGuard(db):
        assert mode(lock_path(db)) == 0o600  # it names the process and host holding it
    user_data_dir().mkdir(parents=True, exist_ok=True)
    os.chmod(user_data_dir(), 0o755)
    last_database.remember(str(db))
    assert mode(last_database.pointer_file()) == 0o600
    assert mode(user_data_dir()) == 0o700


def test_a_new_folder_for_a_record_is_made_owner_only(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    db = tmp_path / "moj" / "laptops" / "laptop.sqlite3"
    record = open_record(db)
    try:
        record.set_setting("officer_name", "Hēmi")
        assert_owner_only(tmp_path / "moj")
        assert mode(tmp_path) == 0o755  # a folder that was there is the user's own
    finally:
        record.close()


def test_an_older_record_is_tightened_when_opened_and_the_log_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "shared-drive"
    db = folder / "record.sqlite3"
    record = open_record(db)
    record.set_setting("officer_name", "Mere")
    keys.create_key(record, PASS)
    record.close()
    # As a version before this one left it: everything readable by every user.
    conn = sqlite3.connect(db)  # a WAL with content, like a record still in use
    try:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("UPDATE meta SET value = 'Mere Ngata' WHERE key = 'officer_name'")
        conn.commit()
        for path in [db, *companions(db)]:
            os.chmod(path, 0o644)
        for path in [folder, folder / "keys"]:
            os.chmod(path, 0o755)
        for name in ("evidence", "sent", "held"):
            (folder / name).mkdir(mode=0o755)
        with caplog.at_level("INFO", logger="nmrf_desktop.files"):
            reopened = open_record(db, create=False)
    finally:
        conn.close()
    try:
        assert reopened.setting("officer_name") == "Mere Ngata"
        for path in [db, *companions(db)]:
            assert mode(path) == 0o600, path.name
        for name in ("evidence", "keys", "sent", "held"):
            assert mode(folder / name) == 0o700, name
        assert mode(folder) == 0o755  # a folder the user chose is left as it is
        for path in (db, folder / "keys", folder / "held"):
            assert f"made {path} owner-only" in caplog.text
        assert "was 0644" in caplog.text and "was 0755" in caplog.text
    finally:
        reopened.close()


def test_evidence_keys_bundles_and_packs_are_owner_only(tmp_path: Path, nz_csv: Path) -> None:
    world = make_world(tmp_path / "world", nz_csv)
    try:
        lap = world.laptop("aroha", "MOJ")  # a key made, a pack exported and imported
        laptop_home = Path(str(lap.record.engine.url.database)).parent
        action = add_action(lap, world.rec_ids(), "Whānau Ora review")
        paper = tmp_path / "cabinet-paper.pdf"
        paper.write_bytes(os.urandom(5000))
        evidence = entry.attach_file(lap.record, paper, agency="MOJ", action_id=action)
        assert evidence.sha256 is not None
        (tmp_path / "out").mkdir()
        one = lap.export(tmp_path / "out")
        add_action(lap, world.rec_ids(), "second")
        two = lap.export(tmp_path / "out")
        packs = sorted((tmp_path / "world").glob("pack-*.nmrfpack"))
        assert packs and one.is_file() and two.is_file()
        for made in (*packs, one, two):
            assert mode(made) == 0o600, made.name
        # The laptop's own folder: database, evidence, keys, sent bundles.
        assert_owner_only(laptop_home)
        blob = laptop_home / "evidence" / "sha256" / evidence.sha256[:2]
        assert mode(blob) == 0o700
        assert sorted(p.name for p in (laptop_home / "sent").iterdir()) != []
        # Central: the second bundle waits (held) for the first.
        held = bundle_import.import_bundle(world.central, two)
        assert held.status == bundle_import.HELD
        central_home = Path(str(world.central.engine.url.database)).parent
        assert_owner_only(central_home)
        assert any((central_home / "held").iterdir())
        assert bundle_import.import_bundle(world.central, one).status == bundle_import.MERGED
        assert_owner_only(central_home)  # the merged evidence too
        assert any((central_home / "evidence").rglob(evidence.sha256))
    finally:
        world.close()


@pytest.fixture
def reporting(nz_record: Record) -> Record:
    rec = catalog.search_recommendations(nz_record, catalog.Filters(), limit=1)[0].id
    entry.create_action(nz_record, ActionDraft(title="Te reo Māori plan", agency="MOJ",
                                               recommendation_ids=(rec,), is_public=True))
    return nz_record


def test_every_report_file_has_the_one_report_mode(reporting: Record, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    made = [out / "template.xlsx", out / "workbook.xlsx"]
    export_template(reporting, Filters(), made[0])
    export_workbook(reporting, Filters(), made[1])
    for kind in ReportKind:  # every kind of PDF report
        request = ReportRequest(kind, Filters(agency="MOJ") if kind == "agency" else Filters())
        if kind == "annual":
            request.start, request.end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
        made.append(out / f"{kind.value}.pdf")
        build_pdf(reporting, request, made[-1])
    public = export_public(reporting, out / "public")
    made += [out / "public" / name for name in public.files]
    kinds = {p.suffix for p in made}
    assert kinds == {".pdf", ".xlsx", ".csv"}, kinds
    assert files.REPORT_MODE == files.OWNER_ONLY == 0o600
    assert {p.relative_to(out).as_posix(): oct(mode(p)) for p in made} == {
        p.relative_to(out).as_posix(): oct(files.REPORT_MODE) for p in made}
    assert [p.name for p in out.rglob("*.part")] == []


def test_tighten_takes_bits_away_and_never_adds_one(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_bytes(b"x")
    os.chmod(file, 0o400)
    assert not files.tighten(file, files.OWNER_ONLY) and mode(file) == 0o400
    os.chmod(file, 0o664)
    assert files.tighten(file, files.OWNER_ONLY) and mode(file) == 0o600
    link = tmp_path / "link"
    other = tmp_path / "other"
    other.write_bytes(b"y")
    os.chmod(other, 0o644)
    link.symlink_to(other)
    assert not files.tighten(link, files.OWNER_ONLY) and mode(other) == 0o644
    assert not files.tighten(tmp_path / "missing", files.OWNER_ONLY)
    with pytest.raises(NotADirectoryError, match="not a folder"):
        files.private_folder(file)
