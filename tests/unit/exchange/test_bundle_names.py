"""Bundles are never lost or overwritten: names that cannot collide, no file replaced
unasked (service and `nmrf bundle export`), and any sent bundle saved again byte for byte.

Run as a module, it is the child process of the disk-full test:
`python -m tests.unit.exchange.test_bundle_names DB OUT LIMIT`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from nmrf_desktop.services import entry
from nmrf_desktop.services.exchange import bundle_export, bundle_import, keys
from nmrf_desktop.services.exchange.bundle_export import (
    ExportRefused,
    TargetExists,
    bundle_file_name,
    next_sequence,
)
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import SentBundle
from tests.e2e.support import nmrf_in_process

from .world import PASS, Laptop, World, add_action

ROOT = Path(__file__).resolve().parents[3]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sent_count(record: Record) -> int:
    with record.reading() as session:
        return int(session.execute(select(func.count()).select_from(SentBundle)).scalar_one())


def listing(folder: Path) -> list[str]:
    """Every name in `folder`, hidden temporary files included."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def aroha(world: World) -> Laptop:
    return world.laptop("Aroha Ngata", "MOJ")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to, root included: mode 0555 for a user; for root (who
    writes anywhere the mode forbids) the immutable attribute, which binds root too."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root, and this file system has no immutable folders: "
                    f"{made.stderr.strip()}")
    try:
        with pytest.raises(PermissionError):  # the folder really refuses root
            (folder / "probe").write_bytes(b"x")
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


# -- names --------------------------------------------------------------------------------


def test_a_bundle_is_named_by_agency_officer_and_sequence() -> None:
    assert bundle_file_name("MOJ", "Aroha Ngata", 12) == "MOJ-Aroha-Ngata-00012.nmrfbundle"
    assert bundle_file_name("TPK", "Mere Tūhoe-Pōtae", 3) == "TPK-Mere-Tūhoe-Pōtae-00003.nmrfbundle"
    decomposed = unicodedata.normalize("NFD", "Hēmi Whānau")  # as macOS may hand it over
    name = bundle_file_name("MOJ", decomposed, 1)
    assert name == "MOJ-Hēmi-Whānau-00001.nmrfbundle"
    assert unicodedata.is_normalized("NFC", name)
    assert bundle_file_name("MOJ", "O'Brien, Seán  (acting)", 2) == \
        "MOJ-OBrien-Seán-acting-00002.nmrfbundle"
    assert bundle_file_name("MOJ", "", 7) == "MOJ-00007.nmrfbundle"
    assert bundle_file_name("", "Aroha", 7) == "nmrf-Aroha-00007.nmrfbundle"
    assert bundle_file_name("MOJ", "Aroha", 123456) == "MOJ-Aroha-123456.nmrfbundle"


@pytest.mark.parametrize("officer", [
    'a<b>c:d"e/f\\g|h?i*j', "..\\..\\etc/passwd", "tab\there\nnewline\x00nul\x7f",
    "CON", " trailing dot. ", "🙂 emoji 🙂", "----", "ā" * 300, "ō̄" * 100,
])
def test_every_officer_name_makes_a_name_every_system_accepts(officer: str,
                                                              tmp_path: Path) -> None:
    name = bundle_file_name("MOJ", officer, 42)
    stem = name.removesuffix(".nmrfbundle")
    assert name.startswith("MOJ-") and stem.endswith("-00042")
    assert not set(name) & set('<>:"/\\|?*') and all(ord(c) >= 32 for c in name)
    assert ".." not in name and " " not in name and "--" not in name
    assert len(name.encode("utf-8")) <= 200 and len(stem) <= 4 + 40 + 6
    assert unicodedata.category(stem.split("-")[1][0])[0] != "M"  # no accent on its own
    (tmp_path / name).write_bytes(b"")  # the file system takes it
    assert (tmp_path / name).exists()


def test_a_long_name_is_cut_between_letters_never_inside_one() -> None:
    officer = "a" * 39 + "ō̄"  # the 40th letter carries two accents (one composes)
    part = bundle_file_name("MOJ", officer, 1).removesuffix("-00001.nmrfbundle")[4:]
    assert len(part) <= 40 and not unicodedata.category(part[-1]).startswith("M")
    assert part == "a" * 39


# -- export: never over another file ------------------------------------------------------


def test_two_exports_on_the_same_day_give_two_files(world: World, aroha: Laptop,
                                                    tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    ids = world.rec_ids()
    assert next_sequence(aroha.record) == 1
    add_action(aroha, ids, "Te reo Māori training")
    first = bundle_export.export_bundle(aroha.record, outbox, aroha.key)
    assert first.path == outbox / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    first_hash = sha256(first.path)
    assert next_sequence(aroha.record) == 2
    add_action(aroha, ids, "Whānau Ora evaluation")
    second = bundle_export.export_bundle(aroha.record, outbox, aroha.key)
    assert second.path == outbox / "MOJ-Aroha-Ngata-00002.nmrfbundle"
    assert listing(outbox) == ["MOJ-Aroha-Ngata-00001.nmrfbundle",
                               "MOJ-Aroha-Ngata-00002.nmrfbundle"]
    assert sha256(first.path) == first_hash  # nothing overwritten
    # The centre gets both; had the first been lost, the second would wait for it.
    results = bundle_import.import_bundles(world.central, [second.path, first.path])
    assert [r.status for r in results] == [bundle_import.HELD, bundle_import.MERGED]


def test_an_existing_file_is_refused_unless_replace_is_asked(world: World, aroha: Laptop,
                                                             tmp_path: Path) -> None:
    add_action(aroha, world.rec_ids())
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    out = outbox / "MOJ-update-2026-03-02.nmrfbundle"
    out.write_bytes(b"the bundle sent yesterday")
    with pytest.raises(TargetExists) as refused:
        bundle_export.export_bundle(aroha.record, out, aroha.key)
    assert str(out) in str(refused.value) and "nothing was written" in str(refused.value)
    assert out.read_bytes() == b"the bundle sent yesterday"
    assert listing(outbox) == [out.name]  # no temporary file left either
    assert bundle_export.unsent_count(aroha.record) == 1 and sent_count(aroha.record) == 0

    result = bundle_export.export_bundle(aroha.record, out, aroha.key, replace=True)
    assert result.path == out and out.read_bytes() != b"the bundle sent yesterday"
    assert bundle_export.unsent_count(aroha.record) == 0 and sent_count(aroha.record) == 1
    assert bundle_import.import_bundle(world.central, out).status == bundle_import.MERGED


def test_an_export_into_a_folder_names_itself_past_what_is_there(world: World, aroha: Laptop,
                                                                 tmp_path: Path) -> None:
    add_action(aroha, world.rec_ids())
    folder = tmp_path / "USB stick"
    folder.mkdir()
    (folder / "MOJ-Aroha-Ngata-00001.nmrfbundle").write_bytes(b"from a restored laptop")
    (folder / "MOJ-Aroha-Ngata-00001-2.nmrfbundle").mkdir()  # a name that is a folder
    result = bundle_export.export_bundle(aroha.record, folder, aroha.key)
    assert result.path == folder / "MOJ-Aroha-Ngata-00001-3.nmrfbundle"
    assert (folder / "MOJ-Aroha-Ngata-00001.nmrfbundle").read_bytes() == b"from a restored laptop"
    assert (folder / "MOJ-Aroha-Ngata-00001-2.nmrfbundle").is_dir()
    assert bundle_import.import_bundle(world.central, result.path).status == \
        bundle_import.MERGED


def test_a_file_that_appears_while_the_bundle_is_written_is_not_replaced(
        tmp_path: Path) -> None:
    """The check before writing is repeated by the file system when the bundle is put in
    place (a hard link never replaces), so a file made meanwhile survives."""
    out = tmp_path / "MOJ-Aroha-Ngata-00001.nmrfbundle"

    def slow_write(part: Path) -> str:
        part.write_bytes(b"the new bundle")
        out.write_bytes(b"saved by someone else meanwhile")
        return "done"

    with pytest.raises(TargetExists):
        bundle_export._write_new(out, False, slow_write)
    assert out.read_bytes() == b"saved by someone else meanwhile"
    assert listing(tmp_path) == [out.name]  # the unfinished file is gone
    assert bundle_export._write_new(out, True, slow_write) == "done"
    assert out.read_bytes() == b"the new bundle" and listing(tmp_path) == [out.name]


def _refused_and_nothing_sent(lap: Laptop, out: Path, *words: str) -> None:
    before = bundle_export.unsent_count(lap.record)
    with pytest.raises(ExportRefused) as refused:
        bundle_export.export_bundle(lap.record, out, lap.key, replace=True)
    for word in words:
        assert word in str(refused.value), str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert bundle_export.unsent_count(lap.record) == before
    assert sent_count(lap.record) == 0


def test_bad_places_are_refused_by_name(world: World, aroha: Laptop, tmp_path: Path,
                                        read_only_folder: Path) -> None:
    add_action(aroha, world.rec_ids())
    missing = tmp_path / "no such folder"
    _refused_and_nothing_sent(aroha, missing / "b.nmrfbundle", str(missing), "does not exist")
    assert not missing.exists()  # not made behind the officer's back
    a_file = tmp_path / "notes.txt"
    a_file.write_text("kōrero")
    _refused_and_nothing_sent(aroha, a_file / "b.nmrfbundle", str(a_file), "not a folder")
    _refused_and_nothing_sent(aroha, read_only_folder / "b.nmrfbundle", str(read_only_folder),
                              "cannot be written")
    _refused_and_nothing_sent(aroha, read_only_folder, str(read_only_folder),
                              "cannot be written")
    assert listing(read_only_folder) == []
    fifo = tmp_path / "pipe.nmrfbundle"
    os.mkfifo(fifo)
    _refused_and_nothing_sent(aroha, fifo, str(fifo), "not a file")


def test_a_file_that_cannot_be_written_whole_is_refused_and_left_out(world: World,
                                                                    aroha: Laptop,
                                                                    tmp_path: Path) -> None:
    """The disk fills up halfway through the bundle (a file size limit in a child
    process, which binds root too): a clear refusal, no file, nothing marked sent."""
    action = add_action(aroha, world.rec_ids(), "with a large scan")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 " + os.urandom(2 * 1024 * 1024))
    entry.attach_file(aroha.record, scan, agency="MOJ", action_id=action)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    db = Path(str(aroha.record.engine.url.database))
    aroha.record.engine.dispose()
    child = subprocess.run(
        [sys.executable, "-m", "tests.unit.exchange.test_bundle_names", str(db),
         str(outbox / "full.nmrfbundle"), str(512 * 1024)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert child.returncode == 1, child.stderr
    assert child.stdout.startswith("refused: ") and "full.nmrfbundle" in child.stdout
    assert "could not be written" in child.stdout and "nothing was written" in child.stdout
    assert listing(outbox) == []
    assert sent_count(aroha.record) == 0 and bundle_export.unsent_count(aroha.record) == 2


# -- sent bundles, saved again ------------------------------------------------------------


def _two_sent(world: World, lap: Laptop, outbox: Path) -> tuple[Path, Path]:
    ids = world.rec_ids()
    action = add_action(lap, ids, "Hui with iwi in Whanganui")
    evidence = outbox.parent / "pānui.txt"
    evidence.write_text("Te pānui mō te hui\n", encoding="utf-8")
    entry.attach_file(lap.record, evidence, agency="MOJ", action_id=action)
    first = bundle_export.export_bundle(lap.record, outbox, lap.key).path
    add_action(lap, ids, "Whānau Ora evaluation")
    second = bundle_export.export_bundle(lap.record, outbox, lap.key).path
    return first, second


def test_the_sent_list_and_acknowledgement(world: World, aroha: Laptop, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    first, _second = _two_sent(world, aroha, outbox)
    rows = bundle_export.sent_bundles(aroha.record)
    assert [(r.sequence, r.changes, r.evidence, r.file_name, r.acknowledged, r.kept)
            for r in rows] == [
        (2, 1, 0, "MOJ-Aroha-Ngata-00002.nmrfbundle", False, True),
        (1, 2, 1, "MOJ-Aroha-Ngata-00001.nmrfbundle", False, True)]
    assert bundle_import.import_bundle(world.central, first).status == bundle_import.MERGED
    world.send_pack(aroha)  # the pack acknowledges what the centre merged
    assert [(r.sequence, r.acknowledged) for r in bundle_export.sent_bundles(aroha.record)] \
        == [(2, False), (1, True)]


def test_a_sent_bundle_is_saved_again_byte_for_byte(world: World, aroha: Laptop,
                                                    tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    first, _second = _two_sent(world, aroha, outbox)
    assert bundle_import.import_bundle(world.central, first).status == bundle_import.MERGED
    original = sha256(first)
    first.unlink()  # the USB stick was lost
    row = bundle_export.sent_bundles(aroha.record)[1]
    again = bundle_export.reexport_bundle(aroha.record, row.bundle_id, outbox)
    assert again == first and sha256(again) == original  # its own name, every byte the same
    with pytest.raises(TargetExists):
        bundle_export.reexport_bundle(aroha.record, row.bundle_id, again)
    copy = tmp_path / "copy.nmrfbundle"
    copy.write_bytes(b"something else")
    assert bundle_export.reexport_bundle(aroha.record, row.bundle_id, copy,
                                         replace=True) == copy
    assert sha256(copy) == original
    assert bundle_import.import_bundle(world.central, copy).status == bundle_import.DUPLICATE
    assert not [p for p in outbox.iterdir() if p.name.startswith(".")]
    # A bundle exported before the file's own hash was kept is checked by its manifest.
    with aroha.record.unit_of_work() as session:
        session.execute(update(SentBundle).values(sha256=SentBundle.manifest_sha256))
    older = bundle_export.reexport_bundle(aroha.record, row.bundle_id, tmp_path)
    assert older.name == first.name and sha256(older) == original


def test_a_sent_bundle_whose_copy_is_lost_or_damaged_is_not_saved_again(
        world: World, aroha: Laptop, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    first, second = _two_sent(world, aroha, outbox)
    newest, oldest = bundle_export.sent_bundles(aroha.record)
    kept = aroha.record.data_root / "sent" / f"{oldest.bundle_id}.nmrfbundle"
    whole = kept.read_bytes()
    target = tmp_path / "again"
    target.mkdir()
    for at in range(0, len(whole), max(1, len(whole) // 40)):  # bit rot anywhere in it
        data = bytearray(whole)
        data[at] ^= 0xFF
        kept.write_bytes(bytes(data))
        with pytest.raises(ExportRefused, match=r"bundle 1 cannot be saved again.*damaged"):
            bundle_export.reexport_bundle(aroha.record, oldest.bundle_id, target)
    kept.write_bytes(whole[:-100])  # cut short
    with pytest.raises(ExportRefused, match=r"bundle 1 cannot be saved again.*damaged"):
        bundle_export.reexport_bundle(aroha.record, oldest.bundle_id, target)
    (aroha.record.data_root / "sent" / f"{newest.bundle_id}.nmrfbundle").unlink()
    with pytest.raises(ExportRefused, match=r"bundle 2 cannot be saved again.*missing"):
        bundle_export.reexport_bundle(aroha.record, newest.bundle_id, target)
    assert [r.kept for r in bundle_export.sent_bundles(aroha.record)] == [False, True]
    with pytest.raises(ExportRefused, match="no sent bundle"):
        bundle_export.reexport_bundle(aroha.record, "not-a-bundle", target)
    with pytest.raises(ExportRefused, match="does not exist"):
        bundle_export.reexport_bundle(aroha.record, oldest.bundle_id, tmp_path / "gone" / "x")
    assert listing(target) == []
    del first, second


# -- the command line ---------------------------------------------------------------------


def _cli_export(lap: Laptop, tmp_path: Path, *args: str | Path) -> tuple[int, str, str]:
    secret = tmp_path / "passphrase.txt"
    secret.write_bytes(PASS)
    db = Path(str(lap.record.engine.url.database))
    return nmrf_in_process("bundle", "export", "--passphrase-file", secret, *args, db=db)


def test_the_command_refuses_an_existing_file_without_force(world: World, aroha: Laptop,
                                                           tmp_path: Path) -> None:
    add_action(aroha, world.rec_ids())
    out = tmp_path / "bundle.nmrfbundle"
    out.write_bytes(b"sent on Monday")
    code, stdout, stderr = _cli_export(aroha, tmp_path, "--out", out)
    assert code == 1 and stdout == ""
    assert stderr.count("\n") == 1 and str(out) in stderr and "--force" in stderr
    assert out.read_bytes() == b"sent on Monday" and sent_count(aroha.record) == 0

    code, stdout, stderr = _cli_export(aroha, tmp_path, "--out", out, "--force")
    assert code == 0, stderr
    assert f"to {out}" in stdout and out.read_bytes() != b"sent on Monday"
    assert bundle_import.import_bundle(world.central, out).status == bundle_import.MERGED


def test_the_command_names_a_bundle_written_into_a_folder(world: World, aroha: Laptop,
                                                          tmp_path: Path) -> None:
    add_action(aroha, world.rec_ids())
    folder = tmp_path / "outbox"
    folder.mkdir()
    code, stdout, stderr = _cli_export(aroha, tmp_path, "--out", folder)
    assert code == 0, stderr
    written = folder / "MOJ-Aroha-Ngata-00001.nmrfbundle"
    assert f"to {written}" in stdout and listing(folder) == [written.name]

    add_action(aroha, world.rec_ids(), "Another")
    missing = f"{tmp_path / 'not yet made'}{os.sep}"  # a folder, by its trailing separator
    code, stdout, stderr = _cli_export(aroha, tmp_path, "--out", missing)
    assert code == 1 and stderr.count("\n") == 1 and "does not exist" in stderr
    assert "not yet made" in stderr and not (tmp_path / "not yet made").exists()
    code, _stdout, stderr = _cli_export(aroha, tmp_path, "--out", folder / "x" / "b.nmrfbundle")
    assert code == 1 and "does not exist" in stderr and str(folder / "x") in stderr
    assert bundle_export.unsent_count(aroha.record) == 1


def _child(db: str, out: str, limit: str) -> int:
    """Export with writes capped at `limit` bytes (EFBIG past it, as on a full disk)."""
    import resource  # POSIX only; this runs only as the disk-full test's child
    import signal

    record = open_record(db)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
    try:
        bundle_export.export_bundle(record, Path(out), keys.load_key(record, PASS))
    except ExportRefused as exc:
        sys.stdout.write(f"refused: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:4]))
