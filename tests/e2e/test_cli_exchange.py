"""The exchange commands end to end: keys, packs, bundles, conflicts, data entry, demo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from .support import assert_user_error, nmrf, nmrf_ok, stats

# Strong enough for `keys create` (the rule of the key dialog): a few unrelated words.
PASSPHRASE = "kia kaha kia maia kia manawanui"
PASS = {"NMRF_KEY_PASSPHRASE": PASSPHRASE}


@pytest.mark.slow
def test_demo_roundtrip(tmp_path: Path) -> None:
    summary = json.loads(nmrf_ok("demo", "roundtrip", "--workdir", tmp_path / "rt"))
    central = Path(summary["central_database"])
    counts = stats(central)
    recorded = summary["recorded_by_officers"]
    for key in ("actions", "progress_updates", "evidence"):
        assert counts[key] == recorded[key] > 0
    kinds = sorted(c["kind"] for c in summary["conflicts"])
    assert kinds == ["hard", "soft"]
    assert {r["status"] for r in summary["reimport"]} == {"already imported"}
    assert len(summary["officer_databases"]) == 3
    for path in [*summary["packs"], *summary["bundles"], *summary["officer_databases"].values()]:
        assert Path(path).is_file()
    nmrf_ok("check", db=central)
    again = nmrf("bundle", "import", *summary["bundles"], db=central)
    assert again.returncode == 0
    assert again.stdout.count("already imported") == len(summary["bundles"])

    # The keys it made can be used again, with the passphrase it prints.
    passphrase = summary["key_passphrase"]
    assert passphrase and set(summary["key_folders"]) == {"central", "aroha", "hemi", "mere"}
    for folder in summary["key_folders"].values():
        assert any(Path(folder).iterdir()), folder
    assert all(Path(p).is_file() for p in summary["public_keys"].values())
    pack = tmp_path / "again.nmrfpack"
    nmrf_ok("pack", "export", "--agency", "TPK", "--out", pack, db=central,
            env={"NMRF_KEY_PASSPHRASE": passphrase})
    assert pack.is_file()
    wrong = nmrf("pack", "export", "--agency", "TPK", "--out", tmp_path / "no.nmrfpack",
                 db=central, env={"NMRF_KEY_PASSPHRASE": "not it"})
    assert wrong.returncode == 1 and not (tmp_path / "no.nmrfpack").exists()


def test_scripted_cycle_with_the_commands(tmp_path: Path, nz_csv: Path) -> None:
    central, laptop = tmp_path / "central.sqlite3", tmp_path / "moj" / "laptop.sqlite3"
    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    nmrf_ok("import", "upr-info", nz_csv, db=central)
    nmrf_ok("assign", "--lead-defaults", db=central)
    nmrf_ok("keys", "create", "--central", "--passphrase-file", passfile, db=central)
    nmrf_ok("init", db=laptop)  # a laptop's record is made first: `keys create` makes none
    out = nmrf_ok("keys", "create", "--passphrase-file", passfile, db=laptop)
    assert "fingerprint" in out
    nmrf_ok("keys", "export-public", "--out", tmp_path / "moj.pub", db=laptop)
    nmrf_ok("keys", "register", tmp_path / "moj.pub", "--officer", "Aroha Ngata",
            "--agency", "MOJ", db=central)
    listed = json.loads(nmrf_ok("keys", "list", "--json", db=central))
    assert {k["role"] for k in listed} == {"central", "officer"}

    nmrf_ok("pack", "export", "--agency", "MOJ", "--out", tmp_path / "moj.nmrfpack",
            db=central, env=PASS)
    first = nmrf_ok("pack", "import", tmp_path / "moj.nmrfpack", db=laptop)
    assert "pinned the central signing key" in first
    assert "already imported" in nmrf_ok("pack", "import", tmp_path / "moj.nmrfpack",
                                         db=laptop)

    evidence = tmp_path / "pūrongo.txt"
    evidence.write_text("Te pūrongo mō te whānau\n", encoding="utf-8")
    nmrf_ok("action", "add", "--rec", "NZL-UPR18-040", "NZL-UPR18-090",
            "--title", "Mahere reo Māori", "--status", "in_progress", "--start", "2025-01-01",
            "--evidence", evidence, db=laptop)
    nmrf_ok("progress", "add", "--rec", "NZL-UPR18-040", "--status", "in_progress",
            "--text", "Kua tīmata te mahi", db=laptop)
    nmrf_ok("init", db=tmp_path / "x.sqlite3")
    empty = nmrf("bundle", "export", "--out", tmp_path / "none.zip", db=tmp_path / "x.sqlite3",
                 env=PASS)
    assert empty.returncode == 1 and "Traceback" not in empty.stderr
    assert len(empty.stderr.splitlines()) == 1, empty.stderr

    nmrf_ok("bundle", "export", "--out", tmp_path / "b1.nmrfbundle", db=laptop, env=PASS)
    verified = json.loads(nmrf_ok("bundle", "verify", tmp_path / "b1.nmrfbundle", db=central))
    assert verified["status"] == "valid" and verified["changes"] == 3
    merged = nmrf_ok("bundle", "import", tmp_path / "b1.nmrfbundle", db=central)
    assert "merged" in merged
    after = stats(central)
    assert (after["actions"], after["progress_updates"], after["evidence"]) == (1, 1, 1)
    assert "already imported" in nmrf_ok("bundle", "import", tmp_path / "b1.nmrfbundle",
                                         db=central)

    tampered = tmp_path / "tampered.nmrfbundle"
    data = bytearray((tmp_path / "b1.nmrfbundle").read_bytes())
    data[-200] ^= 0xFF
    tampered.write_bytes(bytes(data))
    rejected = nmrf("bundle", "import", tampered, db=central)
    assert rejected.returncode == 1
    assert "rejected" in rejected.stderr and "Traceback" not in rejected.stderr
    assert stats(central) == after


@pytest.mark.parametrize("args", [
    ("pack", "export", "--agency", "NOPE", "--out", "p.nmrfpack"),
    ("keys", "revoke", "deadbeef"),
    ("conflicts", "resolve", "nope", "--keep-current"),
    ("action", "add", "--rec", "NO-SUCH", "--title", "t", "--agency", "MOJ"),
    ("progress", "add", "--rec", "NO-SUCH", "--status", "ongoing", "--text", "x",
     "--agency", "MOJ"),
    ("pack", "import", "missing.nmrfpack"),
])
def test_refusals_are_one_clear_line(nz_db: Path, args: tuple[str, ...]) -> None:
    done = nmrf(*args, db=nz_db, env={"NMRF_KEY_PASSPHRASE": "x"})
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("nmrf: ") and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "no record at" not in done.stderr


def _links(db: Path, title: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(ref for (ref,) in conn.execute(
            "SELECT r.reference FROM actions a JOIN action_links l ON l.action_id = a.id "
            "JOIN recommendations r ON r.id = l.recommendation_id WHERE a.title = ?", (title,)))
    finally:
        conn.close()


def test_action_add_takes_several_recs_after_one_rec_and_repeated(nz_db: Path) -> None:
    nmrf_ok("action", "add", "--rec", "NZL-UPR18-040", "NZL-UPR18-090", "--rec",
            "NZL-UPR18-091", "--title", "Te reo Māori plan", "--agency", "MOJ", db=nz_db)
    assert _links(nz_db, "Te reo Māori plan") == ["NZL-UPR18-040", "NZL-UPR18-090",
                                                  "NZL-UPR18-091"]
    nmrf_ok("action", "add", "--rec", "NZL-UPR18-040", "--title", "One", "--agency", "MOJ",
            db=nz_db)
    assert _links(nz_db, "One") == ["NZL-UPR18-040"]


def test_action_add_on_the_central_record_says_to_name_the_agency(nz_db: Path) -> None:
    done = nmrf("action", "add", "--rec", "NZL-UPR18-040", "--title", "Plan", db=nz_db)
    first = assert_user_error(done, "works for no agency", "the central record",
                              "--agency CODE", "`nmrf agencies`")
    assert len(done.stderr.splitlines()) == 1, first
    assert _links(nz_db, "Plan") == []
    helptext = nmrf_ok("action", "add", "--help")
    assert "--agency CODE" in " ".join(helptext.split())
    assert "needed on the central record" in " ".join(helptext.split())
    nmrf_ok("action", "add", "--rec", "NZL-UPR18-040", "--title", "Plan", "--agency", "MOJ",
            db=nz_db)
    assert _links(nz_db, "Plan") == ["NZL-UPR18-040"]


def test_commands_that_need_a_record_make_none(tmp_path: Path) -> None:
    """`nmrf keys create` on a new path once made a second, empty database; now it says
    there is none, and makes nothing: no file, folder, WAL or SHM file."""
    db = tmp_path / "laptop" / "nmrf.sqlite3"
    done = nmrf("keys", "create", db=db, env=PASS)
    assert done.stderr == (f"nmrf: no record at {db}; create one with `nmrf init`\n")
    assert done.returncode == 1 and list(tmp_path.iterdir()) == []
    nmrf_ok("init", db=db)
    nmrf_ok("keys", "create", db=db, env=PASS)
